package stories

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/fountainai/fountainai/internal/httpapi"
)

// group runs independent calls at the same time and keeps the error that best names what failed.
// An error cancels the group's context, so the other calls stop early and a failing dependency
// answers the request in the time of its own call, not of the slowest one. (errgroup's idea,
// without a new dependency.)
//
// The exception is a 503 answered by a service we called: it often only relays that service's own
// dependency (with each service its own process and the sequence service down, the scripts service
// answers 503 to the calls that need the order). It neither cancels the others nor wins over their
// failures, so that our own call to the service that is actually down (refused, timed out) gets to
// fail and names it. Waiting costs at most the other calls' time, each bounded by the peer timeout.
type group struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
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
		err := f()
		if err == nil {
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.err == nil || (relayed(g.err) && !relayed(err)) {
			g.err = err
		}
		if !relayed(err) {
			g.cancel()
		}
	})
}

// Wait waits for every call and returns the first error that is not a relayed 503, else the first.
func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

// relayed tells whether err is a 503 answered by a service we called, as opposed to a failure of the
// call itself or another answer.
func relayed(err error) bool {
	var f *httpapi.DependencyFailure
	return errors.As(err, &f) && f.Status == http.StatusServiceUnavailable
}
