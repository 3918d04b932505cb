// Command logs is the load harness for the Logging Service: sustained ingest at a fixed rate (5,000
// entries/s by default) against a `fountain serve` process, mixing the shapes production sends:
// batches from the services' shippers, Kong http-log batches and single entries, several clients
// each. Requests are sent on a schedule, not when the previous answer arrives (open loop), and each
// latency counts from the scheduled time, so a server falling behind shows as latency instead of
// quietly lowering the rate. At the end every acknowledged entry is counted in the database.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/bench/internal/harness"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
)

func main() {
	duration := flag.Duration("duration", 30*time.Second, "length of the sustained run")
	rate := flag.Int("rate", 5000, "entries per second, all streams together")
	flag.Parse()
	if err := run(*duration, *rate); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// stream is one kind of client traffic: share of the total rate, entries per request, clients.
type stream struct {
	name    string
	path    string
	share   float64
	perReq  int
	clients int
	body    func(n int, seq int64) []byte
}

var streams = []stream{
	{"service batches of 100", "/logs", 0.6, 100, 8, serviceEntries},
	{"Kong batches of 50", "/logs/kong", 0.2, 50, 4, kongEntries},
	{"single service entries", "/logs", 0.2, 1, 32, serviceEntries},
}

// p99Target is the latency the Logging Service is built to keep at 5,000 entries/s.
const p99Target = 50.0

func run(d time.Duration, rate int) error {
	ctx := context.Background()
	env, err := harness.Start(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Printf("POST /logs and /logs/kong at %d entries/s for %s (open loop, latency from the scheduled send)\n", rate, d)
	fmt.Printf("%s, %d cores\n\n", env.Describe(ctx), runtime.NumCPU())

	// A short warm-up fills connection pools and caches; its entries are counted like the others.
	var acked atomic.Int64
	for _, s := range streams {
		if _, err := pace(env.BaseURL, s, 2*time.Second, float64(rate)*s.share, &acked); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}

	type row struct {
		s   stream
		res result
	}
	rows := make([]row, len(streams))
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for i, s := range streams {
		wg.Go(func() {
			res, err := pace(env.BaseURL, s, d, float64(rate)*s.share, &acked)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			rows[i] = row{s, res}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}

	fmt.Printf("%-24s  %7s  %10s  %10s  %9s  %8s  %8s  %8s\n", "stream", "clients", "target/s", "entries/s", "requests", "p50 ms", "p99 ms", "max ms")
	var all []time.Duration
	var total float64
	for _, r := range rows {
		all = append(all, r.res.lat...)
		total += r.res.entriesPerSec
		fmt.Printf("%-24s  %7d  %10.0f  %10.0f  %9d  %8.2f  %8.2f  %8.2f\n", r.s.name, r.s.clients, float64(rate)*r.s.share,
			r.res.entriesPerSec, len(r.res.lat), harness.Percentile(r.res.lat, 0.50), harness.Percentile(r.res.lat, 0.99), harness.Percentile(r.res.lat, 1))
	}
	p99 := harness.Percentile(all, 0.99)
	fmt.Printf("%-24s  %7s  %10d  %10.0f  %9d  %8.2f  %8.2f  %8.2f\n", "all", "", rate, total, len(all), harness.Percentile(all, 0.50), p99, harness.Percentile(all, 1))

	stored, err := countStored(ctx, env.DatabaseURL)
	if err != nil {
		return err
	}
	fmt.Printf("\nentries acknowledged %d, stored %d\n", acked.Load(), stored)
	verdict := "met"
	if total < 0.98*float64(rate) || p99 >= p99Target {
		verdict = "MISSED"
	}
	fmt.Printf("target %d entries/s sustained at p99 < %.0f ms: %s\n", rate, p99Target, verdict)
	if stored != acked.Load() {
		return fmt.Errorf("%d entries acknowledged but %d stored", acked.Load(), stored)
	}
	return nil
}

type result struct {
	lat           []time.Duration
	entriesPerSec float64
}

// pace sends one request of s every 1/(rate/perReq) seconds for d through s.clients workers and
// measures each from its scheduled time.
func pace(baseURL string, s stream, d time.Duration, rate float64, acked *atomic.Int64) (result, error) {
	interval := time.Duration(float64(time.Second) * float64(s.perReq) / rate)
	transport := &http.Transport{MaxIdleConnsPerHost: s.clients, MaxConnsPerHost: s.clients}
	defer transport.CloseIdleConnections()
	// Request logs are posted with the ingest key, as the gateway and the services post them.
	client := &http.Client{Transport: authtest.Transport("", auth.Ingest, transport), Timeout: 30 * time.Second}
	jobs := make(chan time.Time, 1<<16)
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var firstErr atomic.Value
	// Bodies are made before the run, so the load generator spends its share of the machine's CPU
	// on sending, not on encoding JSON.
	bodies := make([][]byte, 64)
	for i := range bodies {
		bodies[i] = s.body(s.perReq, int64(i))
	}
	var seq atomic.Int64
	var wg sync.WaitGroup
	for range s.clients {
		wg.Go(func() {
			local := make([]time.Duration, 0, 1024)
			for at := range jobs {
				err := harness.PostCreated(client, baseURL+s.path, bodies[seq.Add(1)%int64(len(bodies))])
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				acked.Add(int64(s.perReq))
				local = append(local, time.Since(at))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	start := time.Now()
	n := int(d / interval)
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(at))
		jobs <- at
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	if f := failed.Load(); f > 0 {
		return result{}, fmt.Errorf("%s: %d requests failed, first: %v", s.name, f, firstErr.Load())
	}
	slices.Sort(lat)
	return result{lat: lat, entriesPerSec: float64(len(lat)*s.perReq) / elapsed.Seconds()}, nil
}

var benchServices = []string{"scripts", "characters", "sequence", "sessions", "stories"}

// serviceEntries is a body of n entries as a service's shipper sends them (one object when n is 1).
func serviceEntries(n int, seq int64) []byte {
	now := time.Now().UTC()
	entries := make([]map[string]any, n)
	for i := range entries {
		status := 200
		if (int(seq)+i)%20 == 0 {
			status = 404
		}
		svc := benchServices[(int(seq)+i)%len(benchServices)]
		id := fmt.Sprintf("%016x%08x", seq, i)
		entries[i] = map[string]any{
			"timestamp": now.Add(-time.Duration(i) * time.Microsecond).Format(time.RFC3339Nano), "service": svc,
			"operationId": "get" + svc, "endpoint": fmt.Sprintf("/%s/%d", svc, seq%1000), "method": "GET",
			"statusCode": status, "responseTimeMs": 1.25, "requestId": id,
			"message": fmt.Sprintf("GET /%s/%d %d get%s", svc, seq%1000, status, svc),
		}
	}
	if n == 1 {
		b, _ := json.Marshal(entries[0])
		return b
	}
	b, _ := json.Marshal(entries)
	return b
}

// kongEntries is a Kong http-log batch of n objects in Kong 3.x's layout.
func kongEntries(n int, seq int64) []byte {
	now := time.Now().UnixMilli()
	objs := make([]map[string]any, n)
	for i := range objs {
		svc := benchServices[(int(seq)+i)%len(benchServices)]
		id := fmt.Sprintf("%016x%08xkong", seq, i)
		uri := fmt.Sprintf("/%s/%d?limit=10", svc, seq%1000)
		objs[i] = map[string]any{
			"request": map[string]any{
				"id": id, "method": "GET", "uri": uri, "url": "http://localhost:8000" + uri, "size": 139,
				"querystring": map[string]any{"limit": "10"},
				"headers":     map[string]any{"host": "localhost:8000", "accept": "application/json", "user-agent": "bench", "x-request-id": id},
			},
			"response": map[string]any{"status": 200, "size": 512, "headers": map[string]any{
				"content-type": "application/json", "x-request-id": id, "x-kong-upstream-latency": "3", "x-kong-proxy-latency": "1", "via": "1.1 kong/3.9.0",
			}},
			"latencies":    map[string]any{"request": 5, "kong": 1, "proxy": 3},
			"tries":        []any{map[string]any{"balancer_start": now, "ip": "172.18.0.5", "port": 8080, "balancer_latency": 0}},
			"route":        map[string]any{"id": "0f1a4101-3327-4274-b1e4-484a4ab0c030", "name": svc + "-get", "paths": []any{"/" + svc}, "protocols": []any{"http", "https"}},
			"service":      map[string]any{"id": "fb4eecf8-dec2-40ef-b779-16de7e2384c7", "name": svc, "host": svc, "port": 8080, "protocol": "http"},
			"workspace":    "f381e34e-5c25-4e65-b91b-3c0a86cfc393",
			"client_ip":    "172.18.0.1",
			"started_at":   now - int64(i),
			"upstream_uri": uri,
			"source":       "upstream",
		}
	}
	b, _ := json.Marshal(objs)
	return b
}

func countStored(ctx context.Context, url string) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, "SELECT count(*) FROM logs.entries").Scan(&n)
	return n, err
}
