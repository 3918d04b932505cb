package sequence_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/sequence"
)

// FuzzSequenceHandler drives the whole handler stack with arbitrary bodies on every write
// operation. Whatever arrives, the answer is never a 5xx and every 4xx carries an ErrorResponse.
// `go test` runs the seed corpus; `go test -fuzz FuzzSequenceHandler ./services/sequence` explores.
func FuzzSequenceHandler(f *testing.F) {
	seeds := []string{
		`{"elementType":"script","elementId":1}`,
		`{"elementType":"spokenWord","elementId":3,"scriptId":9}`,
		`{"elementType":"action","elementId":3,"scriptId":9,"scope":"story"}`,
		`{"elementType":"section","elements":[{"elementId":1,"newSequence":2},{"elementId":2,"newSequence":1}]}`,
		`{"elementType":"section","elements":[{"elementId":1,"newSequence":1}],"scriptId":9,"scope":"sections"}`,
		`{"elementType":"spokenWord","elementId":1,"newVersionData":{"text":"O Romeo"}}`,
		`{"elementType":"spokenWord","elementId":1,"newVersionData":{"n":1e400}}`,
		`{"elementType":"script","elementId":9223372036854775807}`,
		`{"elementType":"script","elementId":9223372036854775808}`,
		`{"elementType":"script","elementId":1,"scope":""}`,
		`{"elementType":"\u0000","elementId":1}`,
		`{"elementType":"section","elements":[{"elementId":1,"newSequence":9223372036854775807}]}`,
		`{"elementType":"script","elementId":1,"newVersionData":{"\ud800":"x"}}`,
		`{`, `[]`, `null`, `0`, `""`, `{"elementType":null}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	pool := dbtest.NewPool(f)
	h, err := app.Handler([]service.Service{sequence.Service()}, app.Options{Pool: pool, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	targets := []struct{ method, path string }{
		{"POST", "/sequence"}, {"PUT", "/sequence/reorder"}, {"POST", "/sequence/version"},
	}
	f.Fuzz(func(t *testing.T, target uint8, body []byte) {
		tgt := targets[int(target)%len(targets)]
		req := httptest.NewRequest(tgt.method, tgt.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s %q -> %d %s", tgt.method, tgt.path, body, res.StatusCode, out)
		}
		if res.StatusCode >= 400 {
			var e struct{ ErrorCode, Message string }
			if err := json.Unmarshal(out, &e); err != nil || e.ErrorCode == "" || e.Message == "" {
				t.Fatalf("%s %s %q -> %d without ErrorResponse: %s", tgt.method, tgt.path, body, res.StatusCode, out)
			}
		}
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated && res.StatusCode < 400 {
			t.Fatalf("%s %s -> unexpected %d", tgt.method, tgt.path, res.StatusCode)
		}
	})
}
