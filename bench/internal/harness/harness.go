// Package harness runs FountainAI load benchmarks: a durable PostgreSQL, `fountain serve` as its own
// process, closed-loop HTTP clients measuring requests/s and latency percentiles, and pgbench on the
// same database in the same run, so the two figures compare. Commit latency on shared machines
// swings widely; compare figures from one run only.
package harness

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/pgcluster"
	"github.com/fountainai/fountainai/internal/subprocess"
)

// Env is a database and a `fountain serve` process on it.
type Env struct {
	DatabaseURL string
	BaseURL     string
	pgbench     string
	bin         string
	closers     []func()
}

// Start brings up the database (FOUNTAIN_BENCH_DATABASE_URL, or a throwaway cluster with durable
// settings: fsync on, as in production) and `fountain serve` on it. Authentication is on, as in
// production: every request of the process's HTTP clients carries a bearer token of an admin of the
// default tenant (the ingest key on the operations that take only it) unless it has a credential.
func Start(ctx context.Context) (*Env, error) {
	http.DefaultTransport = authtest.Transport(auth.DefaultTenant, auth.Admin, http.DefaultTransport)
	env := &Env{DatabaseURL: os.Getenv("FOUNTAIN_BENCH_DATABASE_URL")}
	if env.DatabaseURL == "" {
		dir, err := os.MkdirTemp("", "fountain-bench-")
		if err != nil {
			return nil, err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return nil, err
		}
		cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dir, "pg"), Database: "bench", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return nil, err
		}
		env.closers = append(env.closers, func() { _ = cluster.Remove(context.Background()); _ = os.RemoveAll(dir) })
		env.DatabaseURL = cluster.URL()
		env.pgbench = filepath.Join(cluster.BinDir(), "pgbench")
	} else if p, err := exec.LookPath("pgbench"); err == nil {
		env.pgbench = p
	} else {
		dir, err := pgcluster.FindBinDir()
		if err != nil {
			return nil, err
		}
		env.pgbench = filepath.Join(dir, "pgbench")
	}
	bin, err := buildFountain()
	if err != nil {
		env.Close()
		return nil, err
	}
	env.closers = append(env.closers, func() { _ = os.RemoveAll(filepath.Dir(bin)) })
	env.bin = bin
	addr, stop, err := startFountain(bin, env.DatabaseURL)
	if err != nil {
		env.Close()
		return nil, err
	}
	env.closers = append(env.closers, stop)
	env.BaseURL = "http://" + addr
	return env, nil
}

// Close stops everything Start started, newest first.
func (e *Env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

// Describe names the database settings that decide commit latency.
func (e *Env) Describe(ctx context.Context) string {
	conn, err := pgx.Connect(ctx, e.DatabaseURL)
	if err != nil {
		return "database: " + err.Error()
	}
	defer conn.Close(ctx)
	var version, fsync, syncCommit string
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&version)
	_ = conn.QueryRow(ctx, "SHOW fsync").Scan(&fsync)
	_ = conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&syncCommit)
	return fmt.Sprintf("PostgreSQL %s, fsync=%s, synchronous_commit=%s", version, fsync, syncCommit)
}

func buildFountain() (string, error) {
	dir, err := os.MkdirTemp("", "fountain-bin-")
	if err != nil {
		return "", err
	}
	return subprocess.BuildFountain(dir)
}

// StartSeparate runs each named service as its own `fountain serve <name>` process on the same
// database (migrated by Start's process), each reaching the others over HTTP at FOUNTAIN_<NAME>_URL:
// the shape behind the gateway. It returns every service's base URL; Close stops them.
func (e *Env) StartSeparate(names []string) (map[string]string, error) {
	addrs := map[string]string{}
	var peers []string
	for _, n := range names {
		addr, err := subprocess.FreeAddr()
		if err != nil {
			return nil, err
		}
		addrs[n] = addr
		peers = append(peers, "FOUNTAIN_"+strings.ToUpper(n)+"_URL=http://"+addr)
	}
	urls := map[string]string{}
	for _, n := range names {
		stop, err := runFountain(e.bin, addrs[n], append([]string{"FOUNTAIN_DATABASE_URL=" + e.DatabaseURL, "FOUNTAIN_MIGRATE=false", "FOUNTAIN_MAX_CONNS=16"}, peers...), "serve", n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		e.closers = append(e.closers, stop)
		urls[n] = "http://" + addrs[n]
	}
	return urls, nil
}

// Serve runs another `fountain serve` (every service in one process) on the same database, migrated
// by Start's process, with env added to the environment Start's process has (a later setting of a
// variable wins): e.g. FOUNTAIN_AUTH=off. It returns the base URL; Close stops it.
func (e *Env) Serve(env ...string) (string, error) {
	addr, err := subprocess.FreeAddr()
	if err != nil {
		return "", err
	}
	stop, err := runFountain(e.bin, addr, append([]string{"FOUNTAIN_DATABASE_URL=" + e.DatabaseURL, "FOUNTAIN_MIGRATE=false"}, env...), "serve")
	if err != nil {
		return "", err
	}
	e.closers = append(e.closers, stop)
	return "http://" + addr, nil
}

// Bin is the fountain binary Start built, for its other commands (e.g. `fountain keys create`).
func (e *Env) Bin() string { return e.bin }

// startFountain runs `fountain serve` as its own process, as a user would, and waits until ready.
func startFountain(bin, dbURL string) (string, func(), error) {
	addr, err := subprocess.FreeAddr()
	if err != nil {
		return "", nil, err
	}
	stop, err := runFountain(bin, addr, []string{"FOUNTAIN_DATABASE_URL=" + dbURL}, "serve")
	return addr, stop, err
}

// runFountain starts bin with args listening on addr and waits until it is ready.
func runFountain(bin, addr string, env []string, args ...string) (func(), error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "FOUNTAIN_ADDR="+addr, "FOUNTAIN_LOG_LEVEL=warn", "FOUNTAIN_MAX_CONNS=32")
	cmd.Env = append(cmd.Env, authtest.Env()...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	p, err := subprocess.Start(cmd)
	if err != nil {
		return nil, err
	}
	stop := func() { p.Stop(time.Minute) }
	if err := p.WaitReady("http://"+addr+"/readyz", 60*time.Second); err != nil {
		stop()
		return nil, fmt.Errorf("fountain %s: %w", strings.Join(args, " "), err)
	}
	return stop, nil
}

// Result is what a load run measured.
type Result struct {
	RPS, P50, P90, P99 float64 // requests/s; milliseconds
	N                  int
	// Latencies are, for HTTP loads, every operation's latency, sorted: runs in rounds merge them.
	Latencies []time.Duration
	// Statements are, for pgbench, the SQL statements of the script (not its meta-commands) with
	// each one's mean latency in milliseconds, in script order.
	Statements []Statement
}

// Statement is one SQL statement of a pgbench script and its mean latency.
type Statement struct {
	SQL string // its first line
	Ms  float64
}

// Load runs clients closed-loop workers for d; each call of op is one measured operation and must
// return an error for anything but the expected answer.
func Load(clients int, d time.Duration, op func(c *http.Client) error) (Result, error) {
	return LoadThenCheck(clients, d, func(c *http.Client) (func() error, error) { return nil, op(c) })
}

// LoadThenCheck is Load for operations whose answers take a while to check: the time measured ends
// when op has the whole answer, and the check op returns runs after, unmeasured, on every answer.
// The client's own decoding is then not counted as the server's latency. Requests without a
// credential carry the bearer token of an admin of the default tenant, as Start's processes expect.
func LoadThenCheck(clients int, d time.Duration, op func(c *http.Client) (check func() error, err error)) (Result, error) {
	return LoadVia(clients, d, AdminBearer, op)
}

// AdminBearer adds the bearer token of an admin of the default tenant to requests without a credential.
func AdminBearer(next http.RoundTripper) http.RoundTripper {
	return authtest.Transport(auth.DefaultTenant, auth.Admin, next)
}

// LoadVia is LoadThenCheck with the client's transport wrapped by wrap (nil: requests go out as op
// makes them), which decides the credential every request carries.
func LoadVia(clients int, d time.Duration, wrap func(http.RoundTripper) http.RoundTripper, op func(c *http.Client) (check func() error, err error)) (Result, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	var rt http.RoundTripper = transport
	if wrap != nil {
		rt = wrap(transport)
	}
	client := &http.Client{Transport: rt, Timeout: 60 * time.Second}
	defer transport.CloseIdleConnections()
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
				t0 := time.Now()
				check, err := op(client)
				took := time.Since(t0)
				if err == nil && check != nil {
					err = check()
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				local = append(local, took)
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failed.Load(); n > 0 {
		return Result{}, fmt.Errorf("%d operations failed at %d clients, first: %v", n, clients, firstErr.Load())
	}
	slices.Sort(lat)
	return Result{RPS: float64(len(lat)) / elapsed.Seconds(), P50: Percentile(lat, 0.50), P90: Percentile(lat, 0.90), P99: Percentile(lat, 0.99), N: len(lat), Latencies: lat}, nil
}

// Percentile is the p-th (0..1) of sorted latencies, in milliseconds.
func Percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds()) / 1000
}

// PostCreated posts body as JSON and fails unless the answer is 201 Created.
func PostCreated(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("%d %s", resp.StatusCode, out)
	}
	return nil
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// Pgbench runs script (pgbench's script language) at clients for d and returns its TPS.
func (e *Env) Pgbench(ctx context.Context, clients int, d time.Duration, script string, vars map[string]string) (float64, error) {
	out, err := e.pgbenchRun(ctx, clients, d, script, vars, nil)
	if err != nil {
		return 0, err
	}
	return parseTPS(out)
}

// PgbenchLatency is Pgbench with the latency of every transaction, from pgbench's transaction log:
// requests/s is pgbench's TPS, the percentiles are of all its transactions.
func (e *Env) PgbenchLatency(ctx context.Context, clients int, d time.Duration, script string, vars map[string]string) (Result, error) {
	dir, err := os.MkdirTemp("", "pgbench-log-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	out, err := e.pgbenchRun(ctx, clients, d, script, vars, []string{"-r", "-l", "--log-prefix=" + filepath.Join(dir, "tx")})
	if err != nil {
		return Result{}, err
	}
	tps, err := parseTPS(out)
	if err != nil {
		return Result{}, err
	}
	logs, err := filepath.Glob(filepath.Join(dir, "tx.*"))
	if err != nil {
		return Result{}, err
	}
	var lat []time.Duration
	for _, f := range logs {
		b, err := os.ReadFile(f)
		if err != nil {
			return Result{}, err
		}
		// client_id transaction_no time script_no time_epoch time_us: time is the transaction's, in µs.
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				return Result{}, fmt.Errorf("pgbench logged a failed transaction: %s", line)
			}
			lat = append(lat, time.Duration(us)*time.Microsecond)
		}
	}
	slices.Sort(lat)
	return Result{RPS: tps, P50: Percentile(lat, 0.50), P90: Percentile(lat, 0.90), P99: Percentile(lat, 0.99), N: len(lat),
		Statements: statementLatencies(out)}, nil
}

// statementLatency is a line of pgbench -r: mean latency (ms), failures, the statement's first line.
var statementLatency = regexp.MustCompile(`^\s+([0-9.]+)\s+\d+\s+(\S.*)$`)

// statementLatencies reads the SQL statements' mean latencies from pgbench -r output.
func statementLatencies(out []byte) []Statement {
	_, after, ok := strings.Cut(string(out), "statement latencies in milliseconds")
	if !ok {
		return nil
	}
	var st []Statement
	for _, line := range strings.Split(after, "\n")[1:] {
		m := statementLatency.FindStringSubmatch(line)
		if m == nil {
			break
		}
		if strings.HasPrefix(m[2], "\\") {
			continue
		}
		ms, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			continue
		}
		st = append(st, Statement{SQL: m[2], Ms: ms})
	}
	return st
}

func (e *Env) pgbenchRun(ctx context.Context, clients int, d time.Duration, script string, vars map[string]string, extra []string) ([]byte, error) {
	file, err := os.CreateTemp("", "bench-*.sql")
	if err != nil {
		return nil, err
	}
	defer os.Remove(file.Name())
	if _, err := file.WriteString(script); err != nil {
		return nil, err
	}
	_ = file.Close()
	u, err := url.Parse(e.DatabaseURL)
	if err != nil {
		return nil, err
	}
	args := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, 2)),
		"-T", strconv.Itoa(max(1, int(d.Seconds())))}
	args = append(args, extra...)
	for k, v := range vars {
		args = append(args, "-D", k+"="+v)
	}
	args = append(args, "-f", file.Name(), u.String())
	out, err := exec.CommandContext(ctx, e.pgbench, args...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	return out, nil
}

func parseTPS(out []byte) (float64, error) {
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no TPS:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// Query reads one query from a sqlc query file and puts values (pgbench variables or SQL literals)
// in its parameters, so that pgbench runs exactly the statement the service runs. Every @name needs a
// value, so a parameter added to the query fails the benchmark instead of its SQL; a sqlc.narg(name)
// without one is NULL; @tenant is the default tenant, whose admin the harness's requests act as,
// unless values name another. Run from the repository root.
func Query(path, name string, values map[string]string) (string, error) {
	q, err := namedQuery(path, name)
	if err != nil {
		return "", err
	}
	if _, ok := values["tenant"]; !ok {
		values = maps.Clone(values)
		if values == nil {
			values = map[string]string{}
		}
		values["tenant"] = "'" + auth.DefaultTenant + "'"
	}
	var missing []string
	out := param.ReplaceAllStringFunc(q, func(m string) string {
		sub := param.FindStringSubmatch(m)
		if sub[1] != "" {
			if v, ok := values[sub[1]]; ok {
				return v
			}
			return "NULL"
		}
		if v, ok := values[sub[2]]; ok {
			return v
		}
		missing = append(missing, sub[2])
		return m
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%s %s: no value for %s", path, name, strings.Join(missing, ", "))
	}
	return out, nil
}

var param = regexp.MustCompile(`sqlc\.narg\((\w+)\)|@(\w+)`)

// namedQuery reads one query from a sqlc query file, without its comments.
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
		return strings.TrimSuffix(strings.TrimSpace(strings.Join(lines, "\n")), ";"), nil
	}
	return "", fmt.Errorf("query %s not in %s", name, path)
}
