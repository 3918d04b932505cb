// Command stories is the load harness for the Story Factory: GET /stories for whole scripts of 500,
// 5,000 and 50,000 elements (in pages of 5,000, the bound of one answer), every service in one
// process (`fountain serve`), next to pgbench reading the same rows on the same database in the same
// run: one ordered query per page joining the story positions with the actions, spoken words,
// transitions, characters and the character context in force.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fountainai/fountainai/bench/internal/harness"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// pageSize is the most elements one answer of GET /stories holds.
const pageSize = 5000

func main() {
	duration := flag.Duration("duration", 10*time.Second, "length of each measurement")
	clients := flag.Int("clients", 16, "concurrent clients of the throughput runs")
	sizes := flag.String("sizes", "500,5000,50000", "story sizes (elements), comma-separated")
	skipLarge := flag.Bool("skip-50k", false, "leave out stories above 5,000 elements (writing 50,000 takes a while)")
	flag.Parse()
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: bad size %q\n", s)
			os.Exit(2)
		}
		if *skipLarge && n > 5000 {
			continue
		}
		ns = append(ns, n)
	}
	if err := run(*duration, *clients, ns); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(d time.Duration, clients int, sizes []int) error {
	ctx := context.Background()
	env, err := harness.Start(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Printf("Story Factory (one process, and one process per service) vs pgbench, %s each\n%s, %d cores\n\n", d, env.Describe(ctx), runtime.NumCPU())

	scripts := map[int]int64{}
	for _, n := range sizes {
		start := time.Now()
		id, err := harness.WriteStory(env.BaseURL, n, 32)
		if err != nil {
			return err
		}
		scripts[n] = id
		fmt.Printf("wrote a story of %d elements in %s\n", n, time.Since(start).Round(time.Millisecond))
	}
	separate, err := env.StartSeparate([]string{"sequence", "scripts", "characters", "sessions", "stories"})
	if err != nil {
		return err
	}
	shapes := []struct{ name, base string }{{"one process", env.BaseURL}, {"separate processes", separate["stories"]}}
	fmt.Printf("\n%-36s  %-18s  %7s  %10s  %9s  %9s  %12s  %7s\n", "operation (whole story)", "shape", "clients", "stories/s", "p50 ms", "p99 ms", "pgbench TPS", "ratio")
	p50 := map[int]float64{}
	for _, n := range sizes {
		id := scripts[n]
		pages := (n + pageSize - 1) / pageSize
		name := fmt.Sprintf("GET /stories %d (%d call", n, pages)
		if pages > 1 {
			name += "s"
		}
		name += ")"
		sql := storySQL(pages)
		for _, c := range []int{1, clients} {
			tps, err := env.Pgbench(ctx, c, d, sql, map[string]string{"script": strconv.FormatInt(id, 10)})
			if err != nil {
				return err
			}
			for _, shape := range shapes {
				h, err := harness.LoadThenCheck(c, d, func(hc *http.Client) (func() error, error) { return readStory(hc, shape.base, id, n) })
				if err != nil {
					return err
				}
				fmt.Printf("%-36s  %-18s  %7d  %10.1f  %9.2f  %9.2f  %12.1f  %6.0f%%\n", name, shape.name, c, h.RPS, h.P50, h.P99, tps, 100*h.RPS/tps)
				if c == 1 && shape.base == env.BaseURL {
					p50[n] = h.P50
				}
			}
		}
	}
	if id, ok := scripts[5000]; ok {
		if err := conditionalRead(d, env.BaseURL, id); err != nil {
			return err
		}
	}
	if a, b := p50[5000], p50[50000]; a > 0 && b > 0 {
		fmt.Printf("\ngrowth 5,000 -> 50,000 elements (p50, one client): x%.1f (linear: x10)\n", b/a)
	}
	if v, ok := p50[5000]; ok {
		verdict := "met"
		if v >= 60 {
			verdict = "MISSED"
		}
		fmt.Printf("target: 5,000-element story under 60 ms at p50 (one process): %.2f ms, %s\n", v, verdict)
	}
	return nil
}

// storySQL reads a whole story in pages of pageSize: what the Story Factory answers, from the tables
// directly, in one ordered query per page. A position stores an order key, not its number: a
// number is its rank in the order, so a page of numbers is the order's index read in key order up to
// the page's last number, ranked as it goes (row_number), keeping the page's rows; the same reach
// the sequence service's PositionListByScope has, and the best plan SQL has without stored numbers.
// The rows of the page, and only they, are joined with the elements, characters and contexts.
func storySQL(pages int) string {
	var b strings.Builder
	b.WriteString("BEGIN;\n")
	for p := range pages {
		fmt.Fprintf(&b, `SELECT n.rank, n.element_type, n.element_id,
       coalesce(a.description, sw.text, t.text) AS text,
       coalesce(a.section_id, sw.section_id, t.section_id) AS section_id,
       c.id, c.name, c.description, cx.id, cx.start_sequence, cx.context
FROM (
    SELECT p.element_type, p.element_id, row_number() OVER (ORDER BY p.order_key) AS rank
    FROM sequence.positions p
    JOIN sequence.scopes s ON s.id = p.scope_id
    WHERE s.script_id = :script AND s.name = 'story'
    ORDER BY p.order_key
    LIMIT %d
) n
LEFT JOIN characters.actions a ON n.element_type = 'action' AND a.id = n.element_id
LEFT JOIN characters.spoken_words sw ON n.element_type = 'spokenWord' AND sw.id = n.element_id
LEFT JOIN scripts.transitions t ON n.element_type = 'transition' AND t.id = n.element_id
LEFT JOIN characters.characters c ON c.id = coalesce(a.character_id, sw.character_id)
LEFT JOIN LATERAL (
    SELECT cc.id, cc.start_sequence, cc.context FROM sessions.character_contexts cc
    WHERE cc.script_id = :script AND cc.character_id = c.id AND cc.start_sequence <= n.rank
    ORDER BY cc.start_sequence DESC LIMIT 1) cx ON true
WHERE n.rank >= %d
ORDER BY n.rank;
`, (p+1)*pageSize, p*pageSize+1)
	}
	b.WriteString("COMMIT;\n")
	return b.String()
}

// readStory reads the whole story of a script of n elements; the check it returns decodes what was
// read and fails unless the story is whole and in order.
func readStory(c *http.Client, base string, script int64, n int) (func() error, error) {
	var bodies [][]byte
	for offset := 0; offset < n; offset += pageSize {
		url := fmt.Sprintf("%s/stories?scriptId=%d&limit=%d&offset=%d", base, script, pageSize, offset)
		b, err := harness.Get(c, url)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, b)
	}
	return func() error {
		var last int64
		count := 0
		for _, b := range bodies {
			var page struct {
				TotalCount int `json:"totalCount"`
				Story      []struct {
					Sequence int64 `json:"sequence"`
				} `json:"story"`
			}
			if err := json.Unmarshal(b, &page); err != nil {
				return err
			}
			if page.TotalCount != n {
				return fmt.Errorf("story of %d elements has totalCount %d", n, page.TotalCount)
			}
			for _, e := range page.Story {
				if e.Sequence <= last {
					return fmt.Errorf("element %d after %d", e.Sequence, last)
				}
				last = e.Sequence
				count++
			}
		}
		if count != n {
			return fmt.Errorf("read %d elements of %d", count, n)
		}
		return nil
	}, nil
}

// conditionalRead measures what a client that already holds a 5,000-element story pays to learn it
// is unchanged: the same read with If-None-Match, answered 304 with no body.
func conditionalRead(d time.Duration, base string, script int64) error {
	url := fmt.Sprintf("%s/stories?scriptId=%d&limit=5000", base, script)
	c := &http.Client{Transport: harness.AdminBearer(http.DefaultTransport)}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	tag := resp.Header.Get("ETag")
	start := time.Now()
	const hashes = 200
	for range hashes {
		httpapi.WeakETag(body)
	}
	perHash := time.Since(start) / hashes
	// The same read with and without the tag, alternating, so that both meet the same machine.
	read := func(tag string, want int) (time.Duration, error) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		if tag != "" {
			req.Header.Set("If-None-Match", tag)
		}
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			return 0, fmt.Errorf("GET %s (If-None-Match %q): %d, want %d", url, tag, resp.StatusCode, want)
		}
		return time.Since(start), nil
	}
	var plain, held []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); {
		p, err := read("", http.StatusOK)
		if err != nil {
			return err
		}
		h, err := read(tag, http.StatusNotModified)
		if err != nil {
			return err
		}
		plain, held = append(plain, p), append(held, h)
	}
	slices.Sort(plain)
	slices.Sort(held)
	fmt.Printf("\nGET /stories 5000, one client: 200 with %d bytes p50 %.2f ms p99 %.2f ms; with If-None-Match of the current tag: 304 with none, p50 %.2f ms p99 %.2f ms; the tag costs %s of hashing\n",
		len(body), harness.Percentile(plain, 0.50), harness.Percentile(plain, 0.99), harness.Percentile(held, 0.50), harness.Percentile(held, 0.99), perHash.Round(time.Microsecond))
	return nil
}
