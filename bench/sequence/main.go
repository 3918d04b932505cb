// Command sequence is the load harness for the Central Sequence Service: POST /sequence against a
// `fountain serve` process at 1, 16 and 64 concurrent clients and, in the same run on the same
// database, pgbench running the very allocation statement the service runs (one allocation per
// transaction).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fountainai/fountainai/bench/internal/harness"
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

// nextElement numbers elements across all runs: an element holds one position, so reusing an id in
// another run's scope would be refused.
var nextElement atomic.Int64

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
	env, err := harness.Start(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	query, err := harness.Query("queries/sequence.sql", "PositionAllocate", map[string]string{
		"script_id": ":script", "scope_name": "'draft'",
		"element_types": "ARRAY['pgbench']", "element_ids": "ARRAY[:id]",
	})
	if err != nil {
		return err
	}
	// One element per transaction, in autocommit, as one POST /sequence does when alone.
	script := "\\set id random(1, 1000000000000)\n" + query + ";\n"

	fmt.Printf("POST /sequence (one new element per request, all in one scope) vs pgbench, %s each\n", duration)
	fmt.Printf("%s, %d cores\n\n", env.Describe(ctx), runtime.NumCPU())
	fmt.Printf("%8s  %12s  %9s  %9s  %14s  %8s\n", "clients", "HTTP req/s", "p50 ms", "p99 ms", "pgbench TPS", "ratio")
	for i, c := range clients {
		scriptID := int64(1000 + i)
		h, err := harness.Load(c, duration, func(client *http.Client) error {
			body, _ := json.Marshal(map[string]any{"elementType": "spokenWord", "elementId": nextElement.Add(1), "scriptId": scriptID, "scope": "draft"})
			return harness.PostCreated(client, env.BaseURL+"/sequence", body)
		})
		if err != nil {
			return err
		}
		tps, err := env.Pgbench(ctx, c, duration, script, map[string]string{"script": strconv.FormatInt(scriptID+500, 10)})
		if err != nil {
			return err
		}
		fmt.Printf("%8d  %12.0f  %9.2f  %9.2f  %14.0f  %7.0f%%\n", c, h.RPS, h.P50, h.P99, tps, 100*h.RPS/tps)
	}
	return nil
}
