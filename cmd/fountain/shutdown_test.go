package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/subprocess"
)

// TestShutdownKeepsItsTimeout runs `fountain serve` with a short --shutdown-timeout and sends it
// SIGTERM while two requests cannot finish in time: a PATCH waiting for a row lock the test holds,
// and a POST whose body never finishes arriving. The process must exit 0 while the test still holds
// the lock, having cancelled both, and the PATCH must leave nothing behind once the lock is free.
func TestShutdownKeepsItsTimeout(t *testing.T) {
	t.Parallel()
	const shutdownTimeout = 2 * time.Second
	bin, err := subprocess.BuildFountain(t.TempDir())
	require.NoError(t, err)
	dbURL := dbtest.New(t)
	var out apitest.Output
	base, p := startServe(t, bin, dbURL, &out, nil, "serve", "--shutdown-timeout", shutdownTimeout.String())

	resp, err := http.Post(base+"/scripts", "application/json", strings.NewReader(`{"title":"Before"}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	ctx := context.Background()
	pool := dbtest.PoolFor(t, dbURL, 2)
	lock, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = lock.Rollback(ctx) }()
	_, err = lock.Exec(ctx, "SELECT 1 FROM scripts.scripts WHERE id = 1 FOR UPDATE")
	require.NoError(t, err)

	patchStatus := make(chan int, 1) // 0: no answer
	go func() {
		req, _ := http.NewRequest(http.MethodPatch, base+"/scripts/1", strings.NewReader(`{"title":"After"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			patchStatus <- 0
			return
		}
		_ = resp.Body.Close()
		patchStatus <- resp.StatusCode
	}()
	body := `{"name":"JULIET","description":"a Capulet"}`
	addr := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /characters HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, authtest.Token(auth.DefaultTenant, auth.Writer), len(body), body[:10])
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		var waiting int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'fountain' AND wait_event_type = 'Lock'`).Scan(&waiting)
		return err == nil && waiting >= 1
	}, 30*time.Second, 10*time.Millisecond, "the PATCH waits for the row lock")
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		metrics, err := io.ReadAll(resp.Body)
		return err == nil && strings.Contains(string(metrics), `fountain_http_requests_in_flight{service="characters"} 1`)
	}, 30*time.Second, 10*time.Millisecond, "the POST waits for its body")

	// Exiting later than this is a failure, not a measurement: the process must not wait for the lock.
	err = p.Stop(shutdownTimeout + 3*time.Second)
	require.NoError(t, err, "fountain serve did not exit 0 by itself:\n%s", out.String())
	require.NotEqual(t, http.StatusOK, <-patchStatus, "the PATCH was not answered as a success")
	// In this order: the signal, the requests cancelled, then the last request logs shipped.
	logged := out.String()
	signalled, cancelled, shipped := strings.Index(logged, `"shutting down"`), strings.Index(logged, "cancelling"),
		strings.Index(logged, `"log shipping stopped"`)
	require.True(t, 0 <= signalled && signalled < cancelled && cancelled < shipped, "the order of stopping:\n%s", logged)

	require.NoError(t, lock.Rollback(ctx))
	require.Eventually(t, func() bool {
		var left int
		err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'fountain'").Scan(&left)
		return err == nil && left == 0
	}, 30*time.Second, 10*time.Millisecond, "the process's sessions have ended")
	var title string
	require.NoError(t, pool.QueryRow(ctx, "SELECT title FROM scripts.scripts WHERE id = 1").Scan(&title))
	require.Equal(t, "Before", title, "the cancelled PATCH changed nothing")
}
