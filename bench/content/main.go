// Command content is the load harness for the content services, next to pgbench running the
// equivalent SQL on the same database in the same run:
//
//   - creating spoken words (each allocating a story position) at 16 clients: POST /spokenWords vs a
//     transaction that inserts the row with the service's own statement and places it with the
//     sequence service's published placement function, as the service does;
//   - listing a 5,000-line script in story order, 1,000 lines a page: five GET /spokenWords vs five
//     ordered reads of the same rows joined from positions and lines.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fountainai/fountainai/bench/internal/harness"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "length of each measurement")
	clients := flag.Int("clients", 16, "concurrent clients")
	lines := flag.Int("lines", 5000, "lines of the script that is listed")
	flag.Parse()
	if err := run(*duration, *clients, *lines); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

const pageSize = 1000

func run(d time.Duration, clients, lines int) error {
	ctx := context.Background()
	env, err := harness.Start(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Printf("content services vs pgbench, %s each, %d clients\n%s, %d cores\n\n", d, clients, env.Describe(ctx), runtime.NumCPU())
	fmt.Printf("%-44s  %10s  %9s  %9s  %12s  %7s\n", "operation", "ops/s", "p50 ms", "p99 ms", "pgbench TPS", "ratio")

	// Creating spoken words.
	writeScript, err := createScript(env.BaseURL, "create benchmark")
	if err != nil {
		return err
	}
	h, err := harness.Load(clients, d, func(c *http.Client) error {
		return createLine(c, env.BaseURL, writeScript, "But, soft! what light through yonder window breaks?")
	})
	if err != nil {
		return err
	}
	pgScript, err := createScript(env.BaseURL, "pgbench create")
	if err != nil {
		return err
	}
	insert, err := harness.Query("queries/characters.sql", "SpokenWordCreate", map[string]string{
		"script_id": ":script", "text": "'But, soft! what light through yonder window breaks?'",
		"dual": "false", "continues_dialogue": "false", "lyric": "false", "forced": "false",
	})
	if err != nil {
		return err
	}
	// No placement: at the end of the story, as POST /spokenWords without one.
	place, err := harness.Query("queries/placement.sql", "Place", map[string]string{
		"script_id": ":script", "scope": "'story'", "element_type": "'spokenWord'", "element_id": ":id",
	})
	if err != nil {
		return err
	}
	createSQL := "BEGIN;\n" + insert + " \\gset\n" + place + ";\nCOMMIT;\n"
	tps, err := env.Pgbench(ctx, clients, d, createSQL, map[string]string{"script": strconv.FormatInt(pgScript, 10)})
	if err != nil {
		return err
	}
	report("POST /spokenWords (allocates a position)", h, tps)

	// Listing a long script in order.
	listScript, err := createScript(env.BaseURL, "list benchmark")
	if err != nil {
		return err
	}
	if err := fill(env.BaseURL, listScript, lines, clients); err != nil {
		return err
	}
	pages := (lines + pageSize - 1) / pageSize
	h, err = harness.Load(clients, d, func(c *http.Client) error {
		for p := range pages {
			n, err := listPage(c, env.BaseURL, listScript, p*pageSize)
			if err != nil {
				return err
			}
			if want := min(pageSize, lines-p*pageSize); n != want {
				return fmt.Errorf("page %d has %d lines, want %d", p, n, want)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var listSQL strings.Builder
	listSQL.WriteString("BEGIN;\n")
	for p := range pages {
		// A number is a position's rank in its order (it stores a key, not the number): the order is
		// read in key order and ranked as it goes, up to the end of the page, as the sequence
		// service's PositionListByScope reads it.
		fmt.Fprintf(&listSQL, `SELECT sw.id, sw.script_id, sw.section_id, sw.character_id, sw.text, sw.version, sw.created_at, sw.updated_at, n.rank
FROM (
    SELECT p.element_type, p.element_id, row_number() OVER (ORDER BY p.order_key) AS rank
    FROM sequence.positions p
    JOIN sequence.scopes s ON s.id = p.scope_id
    WHERE s.script_id = :script AND s.name = 'story'
    ORDER BY p.order_key
) n
JOIN characters.spoken_words sw ON sw.id = n.element_id
WHERE n.element_type = 'spokenWord'
ORDER BY n.rank LIMIT %d OFFSET %d;
`, pageSize, p*pageSize)
	}
	listSQL.WriteString("COMMIT;\n")
	tps, err = env.Pgbench(ctx, clients, d, listSQL.String(), map[string]string{"script": strconv.FormatInt(listScript, 10)})
	if err != nil {
		return err
	}
	report(fmt.Sprintf("list %d lines in order (%d GET /spokenWords)", lines, pages), h, tps)
	return nil
}

func report(name string, h harness.Result, tps float64) {
	fmt.Printf("%-44s  %10.1f  %9.2f  %9.2f  %12.1f  %6.0f%%\n", name, h.RPS, h.P50, h.P99, tps, 100*h.RPS/tps)
}

func createScript(base, title string) (int64, error) {
	var s struct {
		ScriptID int64 `json:"scriptId"`
	}
	body, _ := json.Marshal(map[string]any{"title": title, "author": "bench"})
	if err := call(http.DefaultClient, "POST", base+"/scripts", body, http.StatusCreated, &s); err != nil {
		return 0, err
	}
	return s.ScriptID, nil
}

func createLine(c *http.Client, base string, script int64, text string) error {
	body, _ := json.Marshal(map[string]any{"scriptId": script, "text": text})
	return call(c, "POST", base+"/spokenWords", body, http.StatusCreated, nil)
}

func listPage(c *http.Client, base string, script int64, offset int) (int, error) {
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	url := fmt.Sprintf("%s/spokenWords?scriptId=%d&limit=%d&offset=%d", base, script, pageSize, offset)
	err := call(c, "GET", url, nil, http.StatusOK, &page)
	return len(page.Items), err
}

// fill writes n lines into script with several clients at once.
func fill(base string, script int64, n, clients int) error {
	work := make(chan int)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := range work {
				if err := createLine(http.DefaultClient, base, script, fmt.Sprintf("Line %d: O, speak again, bright angel!", i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs
}

func call(c *http.Client, method, url string, body []byte, want int, out any) error {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
