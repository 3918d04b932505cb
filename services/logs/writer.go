package logs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/logsdb"
	"github.com/fountainai/fountainai/internal/dbx"
)

// writer stores the batches of concurrent requests together. At thousands of entries a second, a
// statement and a transaction per request cost more than the entries themselves; instead the
// batches that arrive while one insert runs are queued, and the next insert stores them all in one
// statement and one commit (group commit). Each request is answered after the commit that
// stored its entries. A request's entries stay whole: if a joint insert fails, each batch in it is
// stored on its own, so only the one at fault is refused.
//
// Inserts commit asynchronously (synchronous_commit off, for these transactions only): a request
// is answered once PostgreSQL has committed its entries, without waiting for the commit to reach
// the disk. A crash of any FountainAI process loses nothing acknowledged; a crash of the database
// server or its host may lose the entries of its last moments (at most three wal_writer_delay, 600
// ms by default), never part of a batch. For request logs that is the usual trade: waiting for
// each flush let every slow disk write (a new WAL segment, page writeback) stall ingest for
// hundreds of milliseconds.
type writer struct {
	pool    *pgxpool.Pool
	maxRows int

	mu     sync.Mutex
	queues map[string]*writeQueue // by source: one insert takes the entries of one source
}

type writeQueue struct{ pending []*writeCall }

type writeCall struct {
	b    *batch
	done chan error
}

// writeTimeout bounds one insert; it serves many requests, so it follows none of their contexts.
const writeTimeout = 30 * time.Second

func newWriter(pool *pgxpool.Pool) *writer {
	return &writer{pool: pool, maxRows: 5000, queues: map[string]*writeQueue{}}
}

// write stores b and returns after its commit. If ctx ends first, b may still be stored.
func (w *writer) write(ctx context.Context, b *batch) error {
	call := &writeCall{b: b, done: make(chan error, 1)}
	source := b.params.Source
	w.mu.Lock()
	q, running := w.queues[source]
	if !running {
		q = &writeQueue{}
		w.queues[source] = q
	}
	q.pending = append(q.pending, call)
	w.mu.Unlock()
	if !running {
		go w.drain(source, q)
	}
	select {
	case err := <-call.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drain stores the queue's batches, as many rows at once as maxRows allows, until it is empty.
func (w *writer) drain(source string, q *writeQueue) {
	for {
		w.mu.Lock()
		if len(q.pending) == 0 {
			delete(w.queues, source)
			w.mu.Unlock()
			return
		}
		n, rows := 0, 0
		for n < len(q.pending) && (n == 0 || rows+q.pending[n].b.len() <= w.maxRows) {
			rows += q.pending[n].b.len()
			n++
		}
		calls := q.pending[:n:n]
		q.pending = q.pending[n:]
		w.mu.Unlock()
		w.store(calls)
	}
}

func (w *writer) store(calls []*writeCall) {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	if len(calls) == 1 {
		calls[0].done <- w.insert(ctx, calls[0].b)
		return
	}
	joint := &batch{params: logsdb.EntryInsertBatchParams{Source: calls[0].b.params.Source, Raws: []json.RawMessage{}}}
	for _, c := range calls {
		joint.append(c.b)
	}
	err := w.insert(ctx, joint)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		for _, c := range calls {
			c.done <- err
		}
		return
	}
	for _, c := range calls {
		c.done <- w.insert(ctx, c.b)
	}
}

// insert stores b in one statement, committed asynchronously (see writer): scalars for a single
// entry, the most frequent body, which cost less to send and plan than one-element arrays.
func (w *writer) insert(ctx context.Context, b *batch) error {
	return dbx.Interpret(pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return err
		}
		q := logsdb.New(tx)
		p := &b.params
		if len(p.Timestamps) != 1 {
			n, err := q.EntryInsertBatch(ctx, *p)
			if err == nil && n != int64(len(p.Timestamps)) {
				err = fmt.Errorf("stored %d of %d entries", n, len(p.Timestamps))
			}
			return err
		}
		one := logsdb.EntryInsertParams{
			Ts: p.Timestamps[0], Source: p.Source, Service: p.Services[0], Method: p.Methods[0], Path: p.Paths[0],
			StatusCode: p.StatusCodes[0], ResponseTimeMs: p.ResponseTimesMs[0], Message: p.Messages[0],
			RequestID: p.RequestIds[0], Level: p.Levels[0], OperationID: p.OperationIds[0], ClientIp: p.ClientIps[0],
		}
		if len(p.Raws) == 1 {
			one.Raw = p.Raws[0]
		}
		return q.EntryInsert(ctx, one)
	}))
}
