package stories

import (
	"context"
	"sync"
)

// group runs independent calls at the same time and keeps the first error; that error cancels the
// group's context, so the other calls stop early and a failing dependency answers the request in
// the time of its own call, not of the slowest one. (errgroup's idea, without a new dependency.)
type group struct {
	wg     sync.WaitGroup
	once   sync.Once
	err    error
	cancel context.CancelFunc
}

func newGroup(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, ctx
}

// Go runs f in its own goroutine.
func (g *group) Go(f func() error) {
	g.wg.Go(func() {
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	})
}

// Wait waits for every call and returns the first error.
func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
