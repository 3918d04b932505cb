package sequence

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/metrics"
)

// placement is where an element stands after an allocation.
type placement struct {
	scope   scopeKey
	number  int64
	created bool
}

// Allocator hands out sequence numbers. Allocation in one scope is serialised by the scope's row
// lock (see sequence.allocate_positions), so a transaction per request would make every caller wait
// for every earlier commit in turn. Instead, the requests for one scope that arrive while a transaction is running are queued
// and the next transaction places all of them with one statement and one commit (group commit);
// each caller is answered only after the commit that placed it. Correctness does not depend on the
// queue: replicas each run their own and meet at the same row lock.
type Allocator struct {
	q        *sequencedb.Queries
	maxBatch int

	mu     sync.Mutex
	queues map[scopeKey]*allocQueue
}

type allocQueue struct {
	pending []*allocCall
}

type allocCall struct {
	elem element
	done chan allocResult
}

type allocResult struct {
	p   placement
	err error
}

// batchTimeout bounds one batch transaction; it does not depend on any single caller's context,
// since the batch serves many.
const batchTimeout = 30 * time.Second

// NewAllocator returns an allocator on pool.
func NewAllocator(pool *pgxpool.Pool) *Allocator {
	return &Allocator{q: sequencedb.New(pool), maxBatch: 1000, queues: map[scopeKey]*allocQueue{}}
}

// Allocate places elem at the end of scope unless it already holds a position, and returns the
// position it holds after the commit. If ctx ends first the allocation may still complete; asking
// again returns the same position.
func (a *Allocator) Allocate(ctx context.Context, scope scopeKey, elem element) (placement, error) {
	call := &allocCall{elem: elem, done: make(chan allocResult, 1)}
	a.mu.Lock()
	q, running := a.queues[scope]
	if !running {
		q = &allocQueue{}
		a.queues[scope] = q
	}
	q.pending = append(q.pending, call)
	a.mu.Unlock()
	if !running {
		go a.drain(scope, q)
	}
	select {
	case r := <-call.done:
		return r.p, r.err
	case <-ctx.Done():
		return placement{}, ctx.Err()
	}
}

// drain runs batches for scope until its queue is empty, then retires the queue.
func (a *Allocator) drain(scope scopeKey, q *allocQueue) {
	for {
		a.mu.Lock()
		if len(q.pending) == 0 {
			delete(a.queues, scope)
			a.mu.Unlock()
			return
		}
		n := min(len(q.pending), a.maxBatch)
		batch := q.pending[:n:n]
		q.pending = q.pending[n:]
		a.mu.Unlock()

		results, err := a.placeBatch(scope, batch)
		for _, c := range batch {
			if err != nil {
				c.done <- allocResult{err: err}
				continue
			}
			c.done <- allocResult{p: results[c.elem]}
		}
	}
}

func (a *Allocator) placeBatch(scope scopeKey, batch []*allocCall) (map[element]placement, error) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	params := sequencedb.PositionAllocateParams{
		ScriptID: scope.scriptID, ScopeName: scope.name,
		ElementTypes: make([]string, len(batch)), ElementIds: make([]int64, len(batch)),
	}
	for i, c := range batch {
		params.ElementTypes[i], params.ElementIds[i] = c.elem.typ, c.elem.id
	}
	results, err := a.place(ctx, scope, params)
	if errors.Is(err, dbx.ErrConflict) {
		// An element of the batch was placed in another scope by a concurrent transaction after the
		// statement's snapshot; the retry sees it and returns that position.
		results, err = a.place(ctx, scope, params)
	}
	if err != nil {
		return nil, fmt.Errorf("allocate %d positions in %s: %w", len(batch), scope, err)
	}
	return results, nil
}

// place runs one allocation statement (one round trip, one transaction) for the batch.
func (a *Allocator) place(ctx context.Context, scope scopeKey, params sequencedb.PositionAllocateParams) (map[element]placement, error) {
	rows, err := a.q.PositionAllocate(ctx, params)
	if err != nil {
		return nil, dbx.Interpret(err)
	}
	results := make(map[element]placement, len(rows))
	var known map[int64]scopeKey
	for _, r := range rows {
		if r.Created {
			metrics.SequenceAllocations.Inc()
		}
		key := scope
		if !r.Created {
			// The element already held a position, perhaps in another scope: name that scope.
			if known == nil {
				known = map[int64]scopeKey{}
			}
			if key, err = a.scopeOf(ctx, r.ScopeID, known); err != nil {
				return nil, err
			}
		}
		results[element{r.ElementType, r.ElementID}] = placement{scope: key, number: r.SequenceNumber, created: r.Created}
	}
	return results, nil
}

func (a *Allocator) scopeOf(ctx context.Context, id int64, known map[int64]scopeKey) (scopeKey, error) {
	if key, ok := known[id]; ok {
		return key, nil
	}
	s, err := a.q.ScopeGetByID(ctx, id)
	if err != nil {
		return scopeKey{}, dbx.Interpret(err)
	}
	key := scopeKey{scriptID: s.ScriptID, name: s.Name}
	known[id] = key
	return key, nil
}
