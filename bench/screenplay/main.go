// Command screenplay is the load harness of Fountain import and export: a feature-length screenplay
// (fountaintest.Feature, about 3,000 elements, some 120 pages) imported with POST /scripts/import,
// and its story exported as Fountain (GET /stories/fountain) and as a PDF (GET /stories/pdf), every
// service in one process (`fountain serve`), one client at a time, so the figures are latencies of
// one request, not of a queue.
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
	"time"

	"github.com/fountainai/fountainai/bench/internal/harness"
	"github.com/fountainai/fountainai/internal/fountain"
	"github.com/fountainai/fountainai/internal/fountain/fountaintest"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "length of each measurement")
	elements := flag.Int("elements", 3000, "elements of the screenplay")
	flag.Parse()
	if err := run(*duration, *elements); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(d time.Duration, elements int) error {
	ctx := context.Background()
	env, err := harness.Start(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	doc := fountaintest.Feature(elements)
	parsed, err := fountain.Parse(doc)
	if err != nil {
		return fmt.Errorf("the feature does not parse: %w", err)
	}
	fmt.Printf("Fountain import and export (one process, one client), %s each\n%s, %d cores\n", d, env.Describe(ctx), runtime.NumCPU())
	fmt.Printf("screenplay: %d elements, %d bytes\n\n", len(parsed.Elements), len(doc))

	var scriptID int64
	imports, err := harness.Load(1, d, func(c *http.Client) error {
		resp, err := c.Post(env.BaseURL+"/scripts/import", "text/x-fountain", bytes.NewReader(doc))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("import: %d %s", resp.StatusCode, body)
		}
		var got struct {
			Script struct {
				ScriptID int64 `json:"scriptId"`
			} `json:"script"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return err
		}
		scriptID = got.Script.ScriptID
		return nil
	})
	if err != nil {
		return err
	}
	fountainURL := fmt.Sprintf("%s/stories/fountain?scriptId=%d", env.BaseURL, scriptID)
	exports, err := harness.Load(1, d, func(c *http.Client) error {
		b, err := harness.Get(c, fountainURL)
		if err == nil && len(b) < len(doc)/2 {
			err = fmt.Errorf("the export holds %d bytes of a %d-byte document", len(b), len(doc))
		}
		return err
	})
	if err != nil {
		return err
	}
	pdfURL := fmt.Sprintf("%s/stories/pdf?scriptId=%d", env.BaseURL, scriptID)
	pdfs, err := harness.Load(1, d, func(c *http.Client) error {
		b, err := harness.Get(c, pdfURL)
		if err == nil && !bytes.HasPrefix(b, []byte("%PDF-")) {
			err = fmt.Errorf("the answer is no PDF")
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("%-40s  %7s  %9s  %9s  %9s\n", "operation", "n", "p50 ms", "p90 ms", "p99 ms")
	for _, r := range []struct {
		name string
		res  harness.Result
	}{
		{"POST /scripts/import (the screenplay)", imports},
		{"GET /stories/fountain (whole story)", exports},
		{"GET /stories/pdf (whole story, Letter)", pdfs},
	} {
		fmt.Printf("%-40s  %7d  %9.1f  %9.1f  %9.1f\n", r.name, r.res.N, r.res.P50, r.res.P90, r.res.P99)
	}
	return nil
}
