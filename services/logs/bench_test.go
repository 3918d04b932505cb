package logs_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/logs"
)

// BenchmarkIngest sends the mix bench/logs sends (batches of 100 and single entries, several
// clients each) through the whole stack; `go test -bench Ingest -cpuprofile` shows where the time
// goes. One op is one batch of 100 and five single entries.
func BenchmarkIngest(b *testing.B) {
	srv := apitest.NewServer(b, dbtest.PoolFor(b, dbtest.New(b), 16), logs.Service())
	now := time.Now().UTC()
	batch := make([]logsapi.LogEntryInput, 100)
	for i := range batch {
		batch[i] = entry(now, "characters", "POST", "/spokenWords", 201, fmt.Sprintf("req-%d", i))
	}
	many, _ := json.Marshal(batch)
	one, _ := json.Marshal(batch[0])
	post := func(body []byte) {
		resp, err := http.Post(srv.URL+"/logs", "application/json", bytes.NewReader(body))
		if err != nil || resp.StatusCode != http.StatusCreated {
			b.Errorf("ingest: %v %v", err, resp)
			return
		}
		_ = resp.Body.Close()
	}
	work := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range work {
				post(many)
				for range 5 {
					post(one)
				}
			}
		})
	}
	b.ResetTimer()
	for b.Loop() {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
}
