package main

import (
	"context"
	"sync"
	"time"
)

// shutdownBudget is --shutdown-timeout counted from the moment stopping begins (the signal), shared
// by the steps of stopping so that the process is gone when it ends, whatever a step meets.
// In-flight requests get the first three quarters to finish. Each later step (waiting for the
// requests cancelled then, shipping the last request logs, closing the pool) gets at most half of
// the time left, so the steps after it keep some; stopping a local cluster gets the rest.
type shutdownBudget struct {
	timeout time.Duration
	once    sync.Once
	end     time.Time
}

// begin starts the count on its first call and returns when the budget ends.
func (b *shutdownBudget) begin() time.Time {
	b.once.Do(func() { b.end = time.Now().Add(b.timeout) })
	return b.end
}

// graceful is when in-flight requests stop being waited for.
func (b *shutdownBudget) graceful() time.Time { return b.begin().Add(-b.timeout / 4) }

// step bounds one step of stopping by half of the time left.
func (b *shutdownBudget) step() (context.Context, context.CancelFunc) {
	return context.WithDeadline(context.Background(), time.Now().Add(time.Until(b.begin())/2))
}

// rest bounds the last step of stopping by the end of the budget.
func (b *shutdownBudget) rest() (context.Context, context.CancelFunc) {
	return context.WithDeadline(context.Background(), b.begin())
}
