package app

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPeerCallsReuseConnections: concurrent calls to another service share a few kept-alive
// connections instead of dialling one per call, which under load ran the host out of local ports.
func TestPeerCallsReuseConnections(t *testing.T) {
	t.Parallel()
	var dialled atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond)
		_, _ = io.WriteString(w, "{}")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	p := &peers{urls: map[string]string{"sequence": srv.URL}, timeout: 5 * time.Second, logger: slog.Default(), remote: peerTransport()}

	const callers, calls = 32, 40
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for range calls {
				base, c := p.Peer("sequence")
				resp, err := c.Get(base + "/sequence")
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	// At most one connection per concurrent caller, and a few more dialled while another was
	// being returned to the pool; the default transport dials hundreds here.
	if n := dialled.Load(); n > 2*callers {
		t.Fatalf("%d calls by %d concurrent callers dialled %d connections", callers*calls, callers, n)
	}
	t.Logf("%d calls by %d concurrent callers over %d connections", callers*calls, callers, dialled.Load())
}
