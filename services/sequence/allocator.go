package sequence

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/dbx"
)

// placement is where an element stands after an allocation.
type placement struct {
	scope   scopeKey
	number  int64
	created bool
}

// Allocator hands out sequence numbers. Allocation in one scope is serialised by the scope's row
// lock, so a transaction per request would make every caller wait for every earlier commit in
// turn. Instead, the requests for one scope that arrive while a transaction is running are queued
// and the next transaction places all of them with one statement and one commit (group commit);
// each caller is answered only after the commit that placed it. Correctness does not depend on the
// queue: replicas each run their own and meet at the same row lock.
type Allocator struct {
	pool     *pgxpool.Pool
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
	return &Allocator{pool: pool, maxBatch: 1000, queues: map[scopeKey]*allocQueue{}}
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
	types := make([]string, len(batch))
	ids := make([]int64, len(batch))
	for i, c := range batch {
		types[i], ids[i] = c.elem.typ, c.elem.id
	}
	var results map[element]placement
	place := func(tx pgx.Tx) error {
		q := sequencedb.New(tx)
		scopeID, err := lockScope(ctx, q, scope)
		if err != nil {
			return err
		}
		rows, err := q.PositionAllocateBatch(ctx, types, ids, scopeID)
		if err != nil {
			return err
		}
		results = make(map[element]placement, len(rows))
		others := map[int64]scopeKey{scopeID: scope}
		for _, r := range rows {
			key, ok := others[r.ScopeID]
			if !ok {
				// The element already holds a position in another scope.
				s, err := q.ScopeGetByID(ctx, r.ScopeID)
				if err != nil {
					return err
				}
				key = scopeKey{scriptID: s.ScriptID, name: s.Name}
				others[r.ScopeID] = key
			}
			results[element{r.ElementType, r.ElementID}] = placement{scope: key, number: r.SequenceNumber, created: r.Created}
		}
		return nil
	}
	err := dbx.InTx(ctx, a.pool, place)
	if errors.Is(err, dbx.ErrConflict) {
		// An element of the batch was placed in another scope by a concurrent transaction after this
		// statement's snapshot; the retry sees it and returns that position.
		err = dbx.InTx(ctx, a.pool, place)
	}
	if err != nil {
		return nil, fmt.Errorf("allocate %d positions in %s: %w", len(batch), scope, err)
	}
	return results, nil
}

// lockScope takes the scope's row lock, creating the scope on first use.
func lockScope(ctx context.Context, q *sequencedb.Queries, scope scopeKey) (int64, error) {
	id, err := q.ScopeLock(ctx, scope.scriptID, scope.name)
	if !errors.Is(err, pgx.ErrNoRows) {
		return id, err
	}
	if err := q.ScopeCreate(ctx, scope.scriptID, scope.name); err != nil {
		return 0, err
	}
	return q.ScopeLock(ctx, scope.scriptID, scope.name)
}
