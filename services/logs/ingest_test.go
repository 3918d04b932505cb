package logs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

func TestIngestOneEntryAndABatch(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 20, 0, 0, 123000000, time.UTC)

	var one logsapi.LogIngestRequest
	require.NoError(t, one.FromLogEntryInput(logsapi.LogEntryInput{
		Timestamp: t0, Service: "scripts", OperationId: new("getScript"), Endpoint: "/scripts/1", Method: "GET",
		StatusCode: 200, ResponseTimeMs: 1.84, Message: "GET /scripts/1 200 getScript", RequestId: "6f1c2a0e9b8d4c3a",
	}))
	resp, err := s.Logs.IngestLogsWithResponse(ctx, nil, one)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	require.Equal(t, 1, resp.JSON201.Accepted)

	s.ingest(t,
		entry(t0.Add(time.Second), "sequence", "PUT", "/sequence/reorder", 400, "r-400"),
		entry(t0.Add(2*time.Second), "sessions", "POST", "/sessions", 503, "r-503"),
		logsapi.LogEntryInput{Timestamp: t0.Add(3 * time.Second), Service: "stories", Method: "GET", Endpoint: "/stories",
			StatusCode: 200, ResponseTimeMs: 12, Message: "slow story", RequestId: "r-debug", Level: new(logsapi.Debug)},
	)

	page := s.list(t, logsapi.ListLogsParams{})
	require.Equal(t, []string{"r-debug", "r-503", "r-400", "6f1c2a0e9b8d4c3a"}, requestIDs(page), "newest first")
	require.Nil(t, page.NextCursor)
	levels := []logsapi.Level{}
	for _, e := range page.Items {
		levels = append(levels, e.Level)
		require.Equal(t, logsapi.Service, e.Source)
		require.Nil(t, e.Kong)
		require.Nil(t, e.ClientIp)
	}
	require.Equal(t, []logsapi.Level{logsapi.Debug, logsapi.Error, logsapi.Warn, logsapi.Info}, levels, "given, else from the status")

	first := page.Items[3]
	require.Equal(t, t0, first.Timestamp)
	require.Equal(t, "scripts", first.Service)
	require.Equal(t, "getScript", *first.OperationId)
	require.Equal(t, "/scripts/1", first.Endpoint)
	require.Equal(t, "GET", first.Method)
	require.Equal(t, 200, first.StatusCode)
	require.InDelta(t, 1.84, first.ResponseTimeMs, 1e-9)
	require.Equal(t, "GET /scripts/1 200 getScript", first.Message)
	require.WithinDuration(t, time.Now(), first.ReceivedAt, time.Minute)
	require.Nil(t, page.Items[0].OperationId)
}

// TestIngestRefusesMalformedBatchesWhole: one bad entry refuses the whole body with 400 and stores
// nothing of it.
func TestIngestRefusesMalformedBatchesWhole(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	good := `{"timestamp":"2026-11-25T20:00:00Z","service":"scripts","endpoint":"/scripts","method":"GET","statusCode":200,"responseTimeMs":1,"message":"ok","requestId":"r1"}`
	withField := func(field, value string) string {
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(good), &m))
		if value == "" {
			delete(m, field)
		} else {
			m[field] = json.RawMessage(value)
		}
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	many := make([]string, 1001)
	for i := range many {
		many[i] = good
	}
	for name, tc := range map[string]struct{ body, code, detail string }{
		"status out of range":     {"[" + good + "," + withField("statusCode", "700") + "]", "VALIDATION_FAILED", "body[1].statusCode"},
		"missing service":         {"[" + good + "," + withField("service", "") + "]", "VALIDATION_FAILED", "body[1]: property \"service\" is missing"},
		"unknown field":           {"[" + good + "," + withField("extra", `"x"`) + "]", "VALIDATION_FAILED", "body[1]: property \"extra\" is unsupported"},
		"lower-case method":       {"[" + good + "," + withField("method", `"get"`) + "]", "VALIDATION_FAILED", ""},
		"negative response time":  {"[" + good + "," + withField("responseTimeMs", "-1") + "]", "VALIDATION_FAILED", ""},
		"timestamp not a time":    {"[" + good + "," + withField("timestamp", `"yesterday"`) + "]", "VALIDATION_FAILED", ""},
		"status as a string":      {"[" + good + "," + withField("statusCode", `"200"`) + "]", "VALIDATION_FAILED", "body[1].statusCode"},
		"unknown level":           {"[" + good + "," + withField("level", `"fatal"`) + "]", "VALIDATION_FAILED", ""},
		"NUL in a message":        {"[" + good + "," + withField("message", `"a\u0000b"`) + "]", "VALIDATION_FAILED", ""},
		"empty array":             {"[]", "VALIDATION_FAILED", "body: at least 1 items are required"},
		"more than 1,000 entries": {"[" + strings.Join(many, ",") + "]", "VALIDATION_FAILED", "body: at most 1000 items are allowed"},
		"not JSON":                {"[" + good + ",", "MALFORMED_JSON", ""},
		"a string":                {`"hello"`, "VALIDATION_FAILED", "body: value must be"},
	} {
		status, body := s.post(t, "/logs", "application/json", tc.body)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", name, body)
		require.Equal(t, tc.code, apitest.ErrorCode(t, body), name)
		var e logsapi.ErrorResponse
		require.NoError(t, json.Unmarshal(body, &e))
		require.Contains(t, *e.Details, tc.detail, "%s: the details say what is wrong", name)
	}
	require.Zero(t, s.stored(t), "nothing of a refused body is stored")

	status, body := s.post(t, "/logs", "text/plain", good)
	require.Equal(t, http.StatusUnsupportedMediaType, status, string(body))

	// Over the 1 MiB body limit: refused before anything is read into the database.
	big := make([]string, 0, 1000)
	pad := strings.Repeat("x", 1500)
	for range 1000 {
		big = append(big, withField("message", `"`+pad+`"`))
	}
	status, body = s.post(t, "/logs", "application/json", "["+strings.Join(big, ",")+"]")
	require.Equal(t, http.StatusRequestEntityTooLarge, status, string(body))
	require.Equal(t, "PAYLOAD_TOO_LARGE", apitest.ErrorCode(t, body))
	require.Zero(t, s.stored(t))

	status, body = s.post(t, "/logs", "application/json", "["+good+","+good+"]")
	require.Equal(t, http.StatusCreated, status, string(body))
	require.Equal(t, 2, s.stored(t))
}

// TestIngestRefusesTextThatIsNotUnicode: the services' own entries are text they wrote; invalid
// UTF-8 or a lone surrogate in them is refused, not stored as U+FFFD. (Kong's entries are stored as
// read, see TestIngestKongStoresOddText.)
func TestIngestRefusesTextThatIsNotUnicode(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	for text, detail := range map[string]string{
		"/scripts/\xff":             "byte offset 77: invalid UTF-8 in a string",
		"/scripts/caf\u00e9\\ud800": `byte offset 82: unpaired UTF-16 surrogate \ud800`,
	} {
		body := "{\"timestamp\":\"2026-11-25T20:00:00Z\",\"service\":\"scripts\",\"endpoint\":\"" + text + "\",\"method\":\"GET\"," +
			"\"statusCode\":404,\"responseTimeMs\":0.3,\"message\":\"m\",\"requestId\":\"r1\"}"
		status, resp := s.post(t, "/logs", "application/json", body)
		require.Equal(t, http.StatusBadRequest, status, string(resp))
		var e logsapi.ErrorResponse
		require.NoError(t, json.Unmarshal(resp, &e))
		require.Equal(t, "MALFORMED_JSON", e.ErrorCode)
		require.Contains(t, *e.Details, detail)
	}
	require.Zero(t, s.stored(t))
}

func TestIngestWithIdempotencyKeyStoresOnce(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	var body logsapi.LogIngestRequest
	require.NoError(t, body.FromLogEntryBatch([]logsapi.LogEntryInput{
		entry(time.Now(), "scripts", "GET", "/scripts", 200, "a"),
		entry(time.Now(), "scripts", "GET", "/scripts", 200, "b"),
	}))
	params := &logsapi.IngestLogsParams{IdempotencyKey: new("batch-1")}
	for i := range 3 {
		resp, err := s.Logs.IngestLogsWithResponse(context.Background(), params, body)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode(), fmt.Sprint(i, string(resp.Body)))
	}
	require.Equal(t, 2, s.stored(t), "a retried batch is stored once")
}
