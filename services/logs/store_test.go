package logs_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
)

// TestConcurrentIngestStoresEveryEntryOnce sends single entries, service batches and Kong batches
// from many clients at once, so that the writer stores several requests in one insert: every entry
// must be stored once, each request answered with its own count, and each batch's entries kept
// together under their request ids.
func TestConcurrentIngestStoresEveryEntryOnce(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	const clients, rounds = 24, 8
	now := time.Now().UTC()
	var wg sync.WaitGroup
	errs := make(chan error, clients*rounds)
	for w := range clients {
		wg.Go(func() {
			for r := range rounds {
				id := fmt.Sprintf("c%d-r%d", w, r)
				switch w % 3 {
				case 0: // one entry
					var body logsapi.LogIngestRequest
					_ = body.FromLogEntryInput(entry(now, "scripts", "GET", "/scripts", 200, id))
					resp, err := s.Logs.IngestLogsWithResponse(context.Background(), nil, body)
					if err != nil || resp.StatusCode() != http.StatusCreated || resp.JSON201.Accepted != 1 {
						errs <- fmt.Errorf("%s: %v %s", id, err, resp.Body)
					}
				case 1: // a batch of 20
					batch := make([]logsapi.LogEntryInput, 20)
					for i := range batch {
						batch[i] = entry(now, "characters", "POST", "/spokenWords", 201, id)
					}
					var body logsapi.LogIngestRequest
					_ = body.FromLogEntryBatch(batch)
					resp, err := s.Logs.IngestLogsWithResponse(context.Background(), nil, body)
					if err != nil || resp.StatusCode() != http.StatusCreated || resp.JSON201.Accepted != 20 {
						errs <- fmt.Errorf("%s: %v %s", id, err, resp.Body)
					}
				case 2: // a Kong batch of 5
					batch := make([]map[string]any, 5)
					for i := range batch {
						k := kongExample(t)
						k["request"].(map[string]any)["headers"] = map[string]any{"x-request-id": id}
						batch[i] = k
					}
					if status, body := s.post(t, "/logs/kong", "application/json", mustJSON(t, batch)); status != http.StatusCreated {
						errs <- fmt.Errorf("%s: %d %s", id, status, body)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	perKind := clients / 3 * rounds
	require.Equal(t, perKind*(1+20+5), s.stored(t))
	var maxPerRequest, requests int
	require.NoError(t, s.Pool.QueryRow(context.Background(),
		`SELECT max(n), count(*) FROM (SELECT count(*) AS n FROM logs.entries GROUP BY request_id) c`).Scan(&maxPerRequest, &requests))
	require.Equal(t, 3*perKind, requests, "every request id stored")
	require.Equal(t, 20, maxPerRequest, "no entry stored twice")
}
