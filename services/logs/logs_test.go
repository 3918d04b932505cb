package logs_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/logs"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// logsService is the Logging Service alone on its own database; it needs no other service.
type logsService struct{ apitest.Env }

func newLogsService(t *testing.T) logsService {
	t.Helper()
	return logsService{apitest.NewEnv(t, logs.Service())}
}

// post sends body as it is (for bodies the generated client cannot produce) and returns the status
// and the response body.
func (s logsService) post(t *testing.T, path, contentType, body string) (int, []byte) {
	t.Helper()
	status, _, b := s.Do(t, http.MethodPost, path, body, "Content-Type", contentType)
	return status, b
}

func (s logsService) get(t *testing.T, path string) (int, []byte) {
	t.Helper()
	status, _, b := s.Do(t, http.MethodGet, path, "")
	return status, b
}

func (s logsService) ingest(t *testing.T, entries ...logsapi.LogEntryInput) {
	t.Helper()
	var body logsapi.LogIngestRequest
	require.NoError(t, body.FromLogEntryBatch(entries))
	resp, err := s.Logs.IngestLogsWithResponse(context.Background(), nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	require.Equal(t, len(entries), resp.JSON201.Accepted)
}

func (s logsService) list(t *testing.T, params logsapi.ListLogsParams) logsapi.LogPage {
	t.Helper()
	resp, err := s.Logs.ListLogsWithResponse(context.Background(), &params)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return *resp.JSON200
}

// stored counts the entries in the database, whichever partition holds them.
func (s logsService) stored(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, s.Pool.QueryRow(context.Background(), "SELECT count(*) FROM logs.entries").Scan(&n))
	return n
}

// entry is a well-formed service entry at ts.
func entry(ts time.Time, service, method, path string, status int, requestID string) logsapi.LogEntryInput {
	return logsapi.LogEntryInput{
		Timestamp: ts, Service: service, Method: method, Endpoint: path, StatusCode: status,
		ResponseTimeMs: 1.5, Message: method + " " + path, RequestId: requestID,
	}
}

func ids(page logsapi.LogPage) []int64 {
	out := make([]int64, len(page.Items))
	for i, e := range page.Items {
		out[i] = e.Id
	}
	return out
}

func requestIDs(page logsapi.LogPage) []string {
	out := make([]string, len(page.Items))
	for i, e := range page.Items {
		if e.RequestId != nil {
			out[i] = *e.RequestId
		}
	}
	return out
}
