// Command sequence is the load harness for the Central Sequence Service: it runs POST /sequence
// against a `fountain serve` process at 1, 16 and 64 concurrent clients and, in the same run on the
// same database, pgbench running the allocation's SQL (one allocation per transaction), so the two
// figures compare. Commit latency on shared machines swings widely, so only figures from one run
// should be compared.
//
// The database is FOUNTAIN_BENCH_DATABASE_URL, or a throwaway cluster with durable settings (fsync
// on, as in production) started from the local PostgreSQL binaries.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/internal/pgcluster"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "length of each measurement")
	levels := flag.String("clients", "1,16,64", "concurrency levels")
	flag.Parse()
	if err := run(*duration, *levels); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, levels string) error {
	ctx := context.Background()
	var clients []int
	for _, s := range strings.Split(levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -clients %q", levels)
		}
		clients = append(clients, n)
	}

	dbURL := os.Getenv("FOUNTAIN_BENCH_DATABASE_URL")
	var pgbench string
	if dbURL == "" {
		dir, err := os.MkdirTemp("", "fountain-bench-")
		if err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return err
		}
		cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dir, "pg"), Database: "bench", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		defer func() { _ = cluster.Remove(context.Background()); _ = os.RemoveAll(dir) }()
		dbURL = cluster.URL()
		pgbench = filepath.Join(cluster.BinDir(), "pgbench")
	} else if p, err := exec.LookPath("pgbench"); err == nil {
		pgbench = p
	} else {
		dir, err := pgcluster.FindBinDir()
		if err != nil {
			return err
		}
		pgbench = filepath.Join(dir, "pgbench")
	}

	bin, err := buildFountain()
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(bin))
	addr, stop, err := startFountain(bin, dbURL)
	if err != nil {
		return err
	}
	defer stop()

	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var version string
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&version)
	var fsync, syncCommit string
	_ = conn.QueryRow(ctx, "SHOW fsync").Scan(&fsync)
	_ = conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&syncCommit)

	fmt.Printf("POST /sequence (one new element per request, all in one scope) vs pgbench, %s each\n", duration)
	fmt.Printf("PostgreSQL %s, fsync=%s, synchronous_commit=%s, %d cores\n\n", version, fsync, syncCommit, runtime.NumCPU())
	fmt.Printf("%8s  %12s  %9s  %9s  %14s  %8s\n", "clients", "HTTP req/s", "p50 ms", "p99 ms", "pgbench TPS", "ratio")
	for i, c := range clients {
		script := int64(1000 + i)
		h, err := loadHTTP(addr, c, duration, script)
		if err != nil {
			return err
		}
		tps, err := runPgbench(ctx, pgbench, dbURL, c, duration, script+500)
		if err != nil {
			return err
		}
		fmt.Printf("%8d  %12.0f  %9.2f  %9.2f  %14.0f  %7.0f%%\n", c, h.rps, h.p50, h.p99, tps, 100*h.rps/tps)
	}
	return nil
}

func buildFountain() (string, error) {
	dir, err := os.MkdirTemp("", "fountain-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "fountain")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/fountain")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return bin, cmd.Run()
}

// startFountain runs `fountain serve` as its own process, as a user would, and waits until ready.
func startFountain(bin, dbURL string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "FOUNTAIN_DATABASE_URL="+dbURL, "FOUNTAIN_ADDR="+addr, "FOUNTAIN_LOG_LEVEL=warn", "FOUNTAIN_MAX_CONNS=32")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr, stop, nil
			}
		}
	}
	stop()
	return "", nil, errors.New("fountain serve did not become ready")
}

type httpResult struct{ rps, p50, p99 float64 }

// nextElement numbers elements across all runs: an element holds one position, so reusing an id in
// another run's scope would be refused.
var nextElement atomic.Int64

// loadHTTP runs clients closed-loop workers for d, each allocating new elements in one scope.
func loadHTTP(addr string, clients int, d time.Duration, script int64) (httpResult, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	defer transport.CloseIdleConnections()
	target := "http://" + addr + "/sequence"
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) {
				body, _ := json.Marshal(map[string]any{"elementType": "spokenWord", "elementId": nextElement.Add(1), "scriptId": script})
				t0 := time.Now()
				resp, err := client.Post(target, "application/json", bytes.NewReader(body))
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %s", resp.StatusCode, out))
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failed.Load(); n > 0 {
		return httpResult{}, fmt.Errorf("%d requests failed at %d clients, first: %v", n, clients, firstErr.Load())
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	return httpResult{rps: float64(len(lat)) / elapsed.Seconds(), p50: pct(0.50), p99: pct(0.99)}, nil
}

// allocationScript is what one POST /sequence does in the database, as a pgbench transaction: the
// service's own allocation statement for one element, in autocommit.
const allocationScript = `\set id random(1, 1000000000000)
%s;
`

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

func runPgbench(ctx context.Context, pgbench, dbURL string, clients int, d time.Duration, script int64) (float64, error) {
	query, err := namedQuery("queries/sequence.sql", "PositionAllocate")
	if err != nil {
		return 0, err
	}
	stmt := strings.NewReplacer(
		"@script_id::bigint", ":script::bigint",
		"@scope_name::text", "'story'::text",
		"@element_types::text[]", "ARRAY['pgbench']::text[]",
		"@element_ids::bigint[]", "ARRAY[:id]::bigint[]",
	).Replace(query)
	file, err := os.CreateTemp("", "alloc-*.sql")
	if err != nil {
		return 0, err
	}
	defer os.Remove(file.Name())
	if _, err := fmt.Fprintf(file, allocationScript, strings.TrimSuffix(strings.TrimSpace(stmt), ";")); err != nil {
		return 0, err
	}
	_ = file.Close()
	u, err := url.Parse(dbURL)
	if err != nil {
		return 0, err
	}
	threads := min(clients, 2)
	cmd := exec.CommandContext(ctx, pgbench, "-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(int(d.Seconds())), "-D", "script="+strconv.FormatInt(script, 10), "-f", file.Name(), u.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no TPS:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// namedQuery reads one query from a sqlc query file, without its comments, so pgbench runs exactly
// the statement the service runs.
func namedQuery(path, name string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s (run from the repository root): %w", path, err)
	}
	for _, block := range strings.Split(string(b), "-- name: ")[1:] {
		if !strings.HasPrefix(block, name+" ") {
			continue
		}
		var lines []string
		for _, line := range strings.Split(block, "\n")[1:] {
			if !strings.HasPrefix(strings.TrimSpace(line), "--") {
				lines = append(lines, line)
			}
		}
		return strings.Join(lines, "\n"), nil
	}
	return "", fmt.Errorf("query %s not in %s", name, path)
}
