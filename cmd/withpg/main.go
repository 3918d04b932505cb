// Command withpg runs a command against a throwaway PostgreSQL server, so that `make test` needs
// nothing pre-installed beyond the PostgreSQL server binaries and no database anyone has to set
// up or keep running:
//
//	withpg [--keep] -- go test ./...
//
// The command sees the server's URL in FOUNTAIN_TEST_DATABASE_URL. The cluster is deleted
// afterwards, also when withpg is interrupted; --keep leaves it running for inspection. If
// FOUNTAIN_TEST_DATABASE_URL is already set, the command simply runs against that database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/fountainai/fountainai/internal/pgcluster"
)

func main() { os.Exit(run()) }

func run() int {
	flags := flag.NewFlagSet("withpg", flag.ContinueOnError)
	keep := flags.Bool("keep", false, "leave the cluster running afterwards, to inspect what the command left in it")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "usage: withpg [--keep] -- command [args...]\n\n"+
			"Runs command with %s pointing at a throwaway PostgreSQL cluster.\n\n", pgcluster.TestURLEnv)
		flags.PrintDefaults()
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		return 2
	}
	args := flags.Args()
	if len(args) == 0 {
		flags.Usage()
		return 2
	}

	if os.Getenv(pgcluster.TestURLEnv) != "" {
		path, err := exec.LookPath(args[0])
		if err != nil {
			fmt.Fprintf(os.Stderr, "withpg: %v\n", err)
			return 127
		}
		err = syscall.Exec(path, args, os.Environ())
		fmt.Fprintf(os.Stderr, "withpg: exec %s: %v\n", args[0], err)
		return 126
	}

	// Installed before the cluster exists so an early ^C cannot orphan it: during startup a
	// signal cancels StartTemp (which cleans up), afterwards it is passed on to the command.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	startCtx, cancelStart := context.WithCancel(context.Background())
	startDone := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancelStart()
		case <-startDone:
		}
	}()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cluster, err := pgcluster.StartTemp(startCtx, pgcluster.Options{Logger: logger})
	close(startDone)
	interrupted := startCtx.Err() != nil
	cancelStart()
	if err != nil {
		fmt.Fprintf(os.Stderr, "withpg: %v\n", err)
		if interrupted {
			return 130
		}
		return 1
	}
	fmt.Fprintf(os.Stderr, "withpg: %s=%s\n", pgcluster.TestURLEnv, cluster.URL())

	code := runCommand(args, cluster.URL(), sigs)

	if *keep {
		// SIGINT is the postmaster's fast shutdown; this works without pg_ctl on PATH, which
		// Debian does not put there.
		dir := cluster.DataDir()
		fmt.Fprintf(os.Stderr, "withpg: kept the cluster at %s (data in %s); remove it with:\n"+
			"  kill -INT $(head -1 %s/postmaster.pid); while [ -e %s/postmaster.pid ]; do sleep 0.1; done; rm -rf %s\n",
			cluster.URL(), dir, dir, dir, dir)
		return code
	}
	// Signals arriving now would only kill withpg half-way through the cleanup.
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := cluster.Remove(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "withpg: removing the cluster: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// runCommand runs the command with the cluster's URL and returns its exit status in shell
// convention (128+n when killed by signal n). A terminal's ^C reaches the command directly as it
// shares our process group; forwarding covers signals sent to withpg alone, such as a CI
// runner's SIGTERM.
func runCommand(args []string, url string, sigs <-chan os.Signal) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), pgcluster.TestURLEnv+"="+url)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "withpg: %v\n", err)
		if errors.Is(err, exec.ErrNotFound) {
			return 127
		}
		return 126
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-sigs:
				_ = cmd.Process.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exitErr.ExitCode()
	default:
		fmt.Fprintf(os.Stderr, "withpg: %v\n", err)
		return 1
	}
}
