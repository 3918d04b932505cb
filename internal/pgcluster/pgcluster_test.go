package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

func startTemp(t *testing.T, o Options) *Cluster {
	t.Helper()
	o.Logger = testLogger(t)
	c, err := StartTemp(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	// Safety net for failing tests; Remove is harmless after a successful one.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Remove(ctx); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return c
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestTempClusterPersistsAcrossRestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := startTemp(t, Options{Database: "app_test"})
	url := c.URL()
	if !strings.HasPrefix(url, "postgres://fountain@127.0.0.1:") || !strings.HasSuffix(url, "/app_test?sslmode=disable") {
		t.Fatalf("unexpected URL %s", url)
	}

	conn := connect(t, url)
	var one int
	if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1: %v, %d", err, one)
	}
	var exists bool
	if err := conn.QueryRow(ctx, "select exists (select 1 from pg_database where datname = 'app_test')").Scan(&exists); err != nil || !exists {
		t.Fatalf("database app_test exists: %v, %v", err, exists)
	}
	var maxConns int
	if err := conn.QueryRow(ctx, "select current_setting('max_connections')::int").Scan(&maxConns); err != nil || maxConns < 200 {
		t.Fatalf("max_connections: %v, %d", err, maxConns)
	}
	if _, err := conn.Exec(ctx, "create table kept (v text); insert into kept values ('before restart')"); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if conn, err := pgx.Connect(ctx, url); err == nil {
		_ = conn.Close(ctx)
		t.Fatal("server still answers after Stop")
	}

	// Leave a postmaster.pid naming a dead process, as a crash would.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	pidFile := fmt.Sprintf("%d\n%s\n0\n5432\n\n127.0.0.1\n0 0\nready   \n", dead.Process.Pid, c.DataDir())
	if err := os.WriteFile(filepath.Join(c.DataDir(), "postmaster.pid"), []byte(pidFile), 0o600); err != nil {
		t.Fatal(err)
	}

	c2, err := Start(ctx, Options{DataDir: c.DataDir(), Database: "app_test", Throwaway: true, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if c2.URL() != url {
		t.Errorf("port not kept across restart: %s, then %s", url, c2.URL())
	}
	var v string
	if err := connect(t, c2.URL()).QueryRow(ctx, "select v from kept").Scan(&v); err != nil || v != "before restart" {
		t.Fatalf("data after restart: %v, %q", err, v)
	}
	if err := c2.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	// Someone else took the kept port meanwhile: the next start moves elsewhere.
	taken, err := net.Listen("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "postgres://fountain@"), "/app_test?sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	c3, err := Start(ctx, Options{DataDir: c.DataDir(), Database: "app_test", Throwaway: true, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if c3.URL() == url {
		t.Errorf("started on a taken port: %s", url)
	}
	connect(t, c3.URL())
	if err := c3.Remove(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.DataDir()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("data dir still there after Remove: %v", err)
	}
}

// A crashed server comes back on its port with every commit the client waited for.
func TestRestartAfterImmediateStop(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := startTemp(t, Options{})
	url := c.URL()
	conn := connect(t, url)
	// A throwaway cluster commits asynchronously; a client that needs its commit to survive a crash
	// waits for the WAL write.
	if _, err := conn.Exec(ctx, "set synchronous_commit = on; create table kept (v text); insert into kept values ('before crash')"); err != nil {
		t.Fatal(err)
	}
	if err := c.Restart(ctx); err == nil {
		t.Fatal("Restart of a running server succeeded")
	}
	if err := c.StopWith(ctx, ImmediateShutdown); err != nil {
		t.Fatal(err)
	}
	if err := conn.Ping(ctx); err == nil {
		t.Fatal("server still answers after an immediate stop")
	}
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if c.URL() != url {
		t.Errorf("port not kept across restart: %s, then %s", url, c.URL())
	}
	var v string
	if err := connect(t, url).QueryRow(ctx, "select v from kept").Scan(&v); err != nil || v != "before crash" {
		t.Fatalf("data after crash and restart: %v, %q", err, v)
	}
}

func TestStartReusesRunningServer(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c1 := startTemp(t, Options{})

	c2, err := Start(ctx, Options{DataDir: c1.DataDir(), Database: "second", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(c1.URL(), "/fountain?", "/second?", 1); c2.URL() != want {
		t.Fatalf("reused cluster URL %s, want %s", c2.URL(), want)
	}
	connect(t, c2.URL()) // the reusing Start created its database

	if err := c2.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c2.Remove(ctx); err == nil {
		t.Fatal("Remove deleted the data dir of a server it did not start")
	}
	var one int
	if err := connect(t, c1.URL()).QueryRow(ctx, "select 1").Scan(&one); err != nil {
		t.Fatalf("server down after the reusing Cluster's Stop: %v", err)
	}

	// A stale postmaster.pid may name a pid now used by an unrelated process or another server.
	pid, _, err := readPidFile(c1.DataDir())
	if err != nil {
		t.Fatal(err)
	}
	if !postmasterAlive(pid, c1.DataDir()) {
		t.Error("the running postmaster is not recognised")
	}
	if postmasterAlive(pid, t.TempDir()) {
		t.Error("a postmaster is taken for the server of a directory it does not run on")
	}
	if postmasterAlive(os.Getpid(), c1.DataDir()) {
		t.Error("a process that is no postmaster is taken for one")
	}
}
