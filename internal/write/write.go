// Package write is the one way FountainAI stores a client's write: the rows, their story positions
// (placed through the Central Sequence Service's published SQL functions) and the request's
// Idempotency-Key record, with the response to replay, commit in one PostgreSQL transaction or not
// at all. A write that crashes with its process, its transaction or the database leaves nothing, so
// a retry writes once; a write that committed is replayed.
//
// Writes that contend for one lock (the row of a script's story order, held from the first
// placement to the commit) are made together: the writes of a lane that arrive while its
// transaction runs are queued and the next transaction makes them all, one after the other, with one
// commit (group commit), each caller answered after that commit. A write the database refuses (an
// unknown character, say) is answered with its refusal and the others are made again without it, so
// that one write's failure never changes another's outcome.
package write

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/idempotency"
)

// Lane names the writes that contend for one lock and are therefore made together. The zero Lane
// is no lane: the write runs at once in a transaction of its own.
type Lane struct {
	Key string
	// AsyncCommit commits without waiting for the commit to reach the disk (synchronous_commit off,
	// for these transactions only): for writes whose last fraction of a second may be lost in a
	// crash of the database server, never part of one.
	AsyncCommit bool
}

// Tx is the transaction a write runs in; the generated queries take it as their DBTX.
type Tx struct {
	pgx.Tx
	afterCommit []func()
}

// AfterCommit runs f once the write has committed (and never if it does not).
func (t *Tx) AfterCommit(f func()) { t.afterCommit = append(t.afterCommit, f) }

// Writer makes writes; one serves every service of a process, so that all the writes of a lane
// meet in one queue.
type Writer struct {
	pool     *pgxpool.Pool
	ctx      context.Context
	maxBatch int

	mu    sync.Mutex
	lanes map[Lane]*queue
}

// batchTimeout bounds one transaction of a lane; it serves many callers, so it follows none of their
// contexts, only the Writer's.
const batchTimeout = 30 * time.Second

// attempts bounds how often a lane's transaction runs again after a deadlock or a key recorded
// meanwhile; each refused write also costs one run, of fewer writes.
const attempts = 5

// New returns a writer on pool whose transactions end (rolled back) when ctx ends: at the end of a
// process's shutdown.
func New(ctx context.Context, pool *pgxpool.Pool) *Writer {
	return &Writer{pool: pool, ctx: ctx, maxBatch: 100, lanes: map[Lane]*queue{}}
}

// Do runs fn in a transaction of lane and commits it with the request's Idempotency-Key, if it has
// one, recording the response render makes of fn's result. fn may run more than once (a refused
// write in its lane makes the others run again): it must do nothing outside tx. An error fn returns
// rolls its writes back and is returned; so is an answer about the key (an idempotency.InUse or
// *idempotency.Replay, which httpapi.ResponseErrorHandler writes). If ctx ends first, the write may
// still commit: a retry with the same key is then replayed.
func Do[R any](ctx context.Context, w *Writer, lane Lane, render func(R, http.ResponseWriter) error, fn func(ctx context.Context, tx *Tx) (R, error)) (R, error) {
	var out R
	o := &op{ctx: ctx, claim: idempotency.ClaimFrom(ctx), done: make(chan struct{})}
	o.run = func(ctx context.Context, tx *Tx) (func(http.ResponseWriter) error, error) {
		r, err := fn(ctx, tx)
		if err != nil {
			return nil, err
		}
		out = r
		return func(rw http.ResponseWriter) error { return render(r, rw) }, nil
	}
	if err := w.submit(ctx, lane, o); err != nil {
		var zero R
		return zero, err
	}
	return out, nil
}

// Joint makes a kind of write for all the writes of a transaction at once, in one call (one
// statement where each write would need its own): it gets their items in order and answers each
// with its result, or with a refusal that wrote nothing; an error fails them all.
type Joint[I, R any] func(ctx context.Context, tx *Tx, items []I) (results []R, refusals []error, err error)

// DoJoint is Do for a joint write: item's write is made by run together with the other writes of
// its lane's transaction. Every write of a lane must be of the same Joint kind.
func DoJoint[I, R any](ctx context.Context, w *Writer, lane Lane, render func(R, http.ResponseWriter) error, item I, run Joint[I, R]) (R, error) {
	var out R
	o := &op{ctx: ctx, claim: idempotency.ClaimFrom(ctx), done: make(chan struct{})}
	o.joint = &jointOp[I, R]{item: item, run: run, out: &out, render: render}
	if err := w.submit(ctx, lane, o); err != nil {
		var zero R
		return zero, err
	}
	return out, nil
}

// jointWriter is a joint write's part of an op.
type jointWriter interface {
	// writeAll makes the writes of ops, all of this kind, and sets each op's render or refusal.
	writeAll(ctx context.Context, tx *Tx, ops []*op) error
}

type jointOp[I, R any] struct {
	item   I
	run    Joint[I, R]
	out    *R
	render func(R, http.ResponseWriter) error
}

func (j *jointOp[I, R]) writeAll(ctx context.Context, tx *Tx, ops []*op) error {
	items := make([]I, len(ops))
	for i, o := range ops {
		items[i] = o.joint.(*jointOp[I, R]).item
	}
	results, refusals, err := j.run(ctx, tx, items)
	if err != nil {
		return err
	}
	if len(results) != len(ops) || len(refusals) != len(ops) {
		return fmt.Errorf("a joint write answered %d results and %d refusals for %d writes", len(results), len(refusals), len(ops))
	}
	for i, o := range ops {
		if o.refusal = refusals[i]; o.refusal != nil {
			continue
		}
		jo, r := o.joint.(*jointOp[I, R]), results[i]
		*jo.out = r
		o.render = func(w http.ResponseWriter) error { return jo.render(r, w) }
	}
	return nil
}

// op is one write on its way through a lane.
type op struct {
	ctx   context.Context // the caller's: its values, and whether it still waits
	claim *idempotency.Claim
	// run makes the write, unless joint does, with the lane's other joint writes.
	run   func(ctx context.Context, tx *Tx) (render func(http.ResponseWriter) error, err error)
	joint jointWriter
	// What the joint write set, in the current attempt.
	render  func(http.ResponseWriter) error
	refusal error

	err  error
	done chan struct{}
}

func (o *op) finish(err error) {
	o.err = err
	close(o.done)
}

type queue struct{ pending []*op }

func (w *Writer) submit(ctx context.Context, lane Lane, o *op) error {
	if lane.Key == "" {
		// Nothing to wait for: the caller's own goroutine and context run it.
		w.run(ctx, lane, []*op{o})
		return o.err
	}
	w.mu.Lock()
	q, running := w.lanes[lane]
	if !running {
		q = &queue{}
		w.lanes[lane] = q
	}
	q.pending = append(q.pending, o)
	w.mu.Unlock()
	if !running {
		go w.drain(lane, q)
	}
	select {
	case <-o.done:
		return o.err
	case <-ctx.Done():
		return fmt.Errorf("wait for the write: %w", ctx.Err())
	}
}

// drain runs the lane's transactions until its queue is empty, then retires the queue.
func (w *Writer) drain(lane Lane, q *queue) {
	for {
		w.mu.Lock()
		if len(q.pending) == 0 {
			delete(w.lanes, lane)
			w.mu.Unlock()
			return
		}
		n := min(len(q.pending), w.maxBatch)
		batch := q.pending[:n:n]
		q.pending = q.pending[n:]
		w.mu.Unlock()

		ctx, cancel := context.WithTimeout(w.ctx, batchTimeout)
		w.run(ctx, lane, batch)
		cancel()
	}
}

// run makes ops in one transaction, again without the ones refused, until it commits or fails for
// all of them, and answers each.
func (w *Writer) run(ctx context.Context, lane Lane, ops []*op) {
	live := ops[:0:0]
	for _, o := range ops {
		if err := o.ctx.Err(); err != nil {
			// Nobody waits for it any more and nothing of it was written: drop it.
			o.finish(err)
			continue
		}
		live = append(live, o)
	}
	for tries := 1; len(live) > 0; tries++ {
		refused, hooks, err := w.attempt(ctx, lane, live)
		// Ops answered without writing (from their key's record, or refused by a joint write) are
		// done whatever happens to the rest.
		live = slices.DeleteFunc(live, (*op).answered)
		switch {
		case err == nil:
			for _, h := range hooks {
				h()
			}
			for _, o := range live {
				o.finish(nil)
			}
			return
		case refused != nil:
			live = slices.DeleteFunc(live, func(o *op) bool { return o == refused })
			refused.finish(err)
		case tries < attempts && (dbx.Retryable(err) || errors.Is(err, errRecordedMeanwhile)):
		default:
			for _, o := range live {
				o.finish(err)
			}
			return
		}
	}
}

func (o *op) answered() bool {
	select {
	case <-o.done:
		return true
	default:
		return false
	}
}

// errRecordedMeanwhile: a key of the transaction was recorded by another that committed after this
// one's check; the next attempt replays it.
var errRecordedMeanwhile = errors.New("an Idempotency-Key was recorded meanwhile")

// attempt makes live in one transaction and commits, and returns what is to run after the commit.
// An op refused by its own write is returned with its error (the transaction is void: the others
// run again); otherwise the error, if any, is the transaction's. Ops answered without writing (their
// keys' records, a joint write's refusals) are finished here.
func (w *Writer) attempt(ctx context.Context, lane Lane, live []*op) (refused *op, afterCommit []func(), err error) {
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		return nil, nil, dbx.Interpret(fmt.Errorf("begin a write: %w", err))
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if lane.AsyncCommit {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return nil, nil, dbx.Interpret(err)
		}
	}

	var claims []*idempotency.Claim
	var claimed []*op
	for _, o := range live {
		if o.claim != nil {
			claims, claimed = append(claims, o.claim), append(claimed, o)
		}
	}
	skip := map[*op]bool{}
	if len(claims) > 0 {
		answers, err := idempotency.Begin(ctx, tx, claims)
		if err != nil {
			return nil, nil, dbx.Interpret(err)
		}
		for i, a := range answers {
			if a != nil {
				skip[claimed[i]] = true
				claimed[i].finish(a)
			}
		}
	}

	var records []idempotency.Record
	record := func(o *op, render func(http.ResponseWriter) error) error {
		if o.claim == nil {
			return nil
		}
		rec := httpapi.NewRecorder()
		if err := render(rec); err != nil {
			return fmt.Errorf("render the response to record: %w", err)
		}
		records = append(records, idempotency.Record{Claim: o.claim, Status: rec.Status(), Header: rec.Header(), Body: rec.Body()})
		return nil
	}

	var joint []*op
	for _, o := range live {
		if !skip[o] && o.joint != nil {
			joint = append(joint, o)
		}
	}
	if len(joint) > 0 {
		jtx := &Tx{Tx: tx}
		if err := joint[0].joint.writeAll(withValues(ctx, joint[0].ctx), jtx, joint); err != nil {
			return nil, nil, err
		}
		afterCommit = append(afterCommit, jtx.afterCommit...)
		for _, o := range joint {
			if o.refusal != nil {
				skip[o] = true
				o.finish(o.refusal)
				continue
			}
			if err := record(o, o.render); err != nil {
				return o, nil, err
			}
		}
	}

	for _, o := range live {
		if skip[o] || o.joint != nil {
			continue
		}
		otx := &Tx{Tx: tx}
		render, err := o.run(withValues(ctx, o.ctx), otx)
		if err != nil {
			if dbx.Retryable(err) {
				return nil, nil, err
			}
			return o, nil, err
		}
		afterCommit = append(afterCommit, otx.afterCommit...)
		if err := record(o, render); err != nil {
			return o, nil, err
		}
	}
	if err := idempotency.Save(ctx, tx, records); err != nil {
		if errors.Is(err, dbx.ErrConflict) {
			return nil, nil, fmt.Errorf("%w: %w", errRecordedMeanwhile, err)
		}
		return nil, nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		// A commit cut off has an unknown outcome; a retry with the same key finds out.
		return nil, nil, dbx.Interpret(fmt.Errorf("commit %d writes: %w", len(live)-len(skip), err))
	}
	return nil, afterCommit, nil
}

// withValues is ctx (its deadline and cancellation) carrying the values of the request an op
// belongs to: its logger, request id and key.
func withValues(ctx, values context.Context) context.Context {
	if ctx == values {
		return ctx
	}
	return valuesOf{Context: ctx, values: values}
}

type valuesOf struct {
	context.Context
	values context.Context
}

func (c valuesOf) Value(key any) any { return c.values.Value(key) }
