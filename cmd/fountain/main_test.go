package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/subprocess"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) {
	authtest.Install() // the processes the tests start accept the credentials their requests carry
	dbtest.Main(m)
}

// TestShutdownFinishesInFlightRequests starts a request, begins the shutdown while the request body
// is still arriving, and expects the request to complete normally.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	pool := dbtest.NewPool(t)
	handler, err := app.Handler(services.All(), app.Options{Pool: pool, Logger: logger, Auth: apitest.Auth(t, pool)})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, shutdown := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// The handler is entered once the headers are in, and then waits for the body.
	inFlight := make(chan struct{})
	var once sync.Once
	entered := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(inFlight) })
		handler.ServeHTTP(w, r)
	})
	requests, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	go func() {
		done <- serveListener(ctx, ln, entered, requests, cancelRequests, &shutdownBudget{timeout: 30 * time.Second}, logger)
	}()

	body := `{"elementType":"script","elementId":1}`
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /sequence HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"+
		"Authorization: Bearer "+authtest.Token(auth.DefaultTenant, auth.Writer)+"\r\n"+
		"Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body[:10])
	require.NoError(t, err)
	<-inFlight
	shutdown()
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err == nil {
			_ = c.Close()
		}
		return err != nil
	}, 30*time.Second, 20*time.Millisecond, "no new connections during shutdown")

	_, err = io.WriteString(conn, body[10:])
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	out, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(out))
	require.Contains(t, string(out), `"sequenceNumber":1`)
	require.NoError(t, <-done)
}

func TestHelpAndArguments(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run([]string{"help"}, &out, io.Discard))
	for _, want := range []string{"fountain serve", "FOUNTAIN_DATABASE_URL", "FOUNTAIN_ADDR", "sequence", "/readyz"} {
		require.Contains(t, out.String(), want)
	}
	require.ErrorContains(t, run([]string{"serve", "nosuchservice"}, io.Discard, io.Discard), `unknown service "nosuchservice"`)
	require.ErrorContains(t, run([]string{"frobnicate"}, io.Discard, io.Discard), "unknown command")
}

// startServe runs `fountain args...` (a serve) on a free address against dbURL, with env added to
// the environment and its output in out, and waits until it is ready. A process the test has not
// stopped itself is stopped when the test ends.
func startServe(t *testing.T, bin, dbURL string, out *apitest.Output, env []string, args ...string) (string, *subprocess.Process) {
	t.Helper()
	addr, err := subprocess.FreeAddr()
	require.NoError(t, err)
	base := "http://" + addr
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "FOUNTAIN_DATABASE_URL="+dbURL, "FOUNTAIN_ADDR="+addr), env...)
	cmd.Stdout, cmd.Stderr = out, out
	p, err := subprocess.Start(cmd)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Stop(time.Second) })
	if err := p.WaitReady(base+"/readyz", 60*time.Second); err != nil {
		_ = p.Stop(time.Second)
		t.Fatalf("fountain %v: %v\n%s", args, err, out.String())
	}
	return base, p
}
