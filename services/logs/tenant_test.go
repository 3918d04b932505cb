package logs_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/services/logs"
)

// readerOf is a client of the Logging Service at s acting as an admin of tenant: reading logs takes
// the role admin.
func (s logsService) readerOf(t *testing.T, tenant string) *logsapi.ClientWithResponses {
	t.Helper()
	return s.As(t, tenant, auth.Admin).Logs
}

func listAs(t *testing.T, c *logsapi.ClientWithResponses, params logsapi.ListLogsParams) logsapi.LogPage {
	t.Helper()
	resp, err := c.ListLogsWithResponse(context.Background(), &params)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return *resp.JSON200
}

func searchAs(t *testing.T, c *logsapi.ClientWithResponses, query string) logsapi.LogPage {
	t.Helper()
	resp, err := c.SearchLogsWithResponse(context.Background(), &logsapi.SearchLogsParams{Query: query})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return *resp.JSON200
}

func messages(page logsapi.LogPage) []string {
	out := make([]string, len(page.Items))
	for i, e := range page.Items {
		out[i] = e.Message
	}
	return out
}

// of is e as the request of tenant and subject logged it.
func of(e logsapi.LogEntryInput, tenant, subject string) logsapi.LogEntryInput {
	e.Tenant, e.Subject = &tenant, &subject
	e.Message = tenant + " " + e.Message
	return e
}

// TestLogsTenantIsolation: an entry is read by the tenant of the request it describes only, and
// entries of no tenant (requests not authenticated) by the default tenant only; filters, search and
// pages never reach past the caller's tenant.
func TestLogsTenantIsolation(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	t0 := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	anonymous := entry(t0.Add(2*time.Second), "scripts", "GET", "/scripts/1", 401, "shared-id")
	anonymous.Message = "anonymous GET /scripts/1"
	blank := entry(t0.Add(5*time.Second), "scripts", "GET", "/scripts/2", 401, "blank-id")
	blank.Message, blank.Tenant, blank.Subject = "blank GET /scripts/2", new(""), new("")
	s.ingest(t,
		of(entry(t0, "scripts", "GET", "/scripts/1", 200, "shared-id"), "a", "alice"),
		of(entry(t0.Add(time.Second), "scripts", "GET", "/scripts/1", 200, "shared-id"), "b", "bob"),
		anonymous,
		of(entry(t0.Add(3*time.Second), "characters", "POST", "/characters", 201, "a-id"), "a", "key:k1"),
		of(entry(t0.Add(4*time.Second), "scripts", "DELETE", "/scripts/1", 204, "op-id"), auth.DefaultTenant, "operator"),
		blank,
	)

	a, b, operator := s.readerOf(t, "a"), s.readerOf(t, "b"), s.readerOf(t, auth.DefaultTenant)
	pa := listAs(t, a, logsapi.ListLogsParams{})
	require.Equal(t, []string{"a POST /characters", "a GET /scripts/1"}, messages(pa))
	require.Equal(t, "a", *pa.Items[0].Tenant)
	require.Equal(t, "key:k1", *pa.Items[0].Subject)
	require.Equal(t, "alice", *pa.Items[1].Subject)
	require.Equal(t, []string{"b GET /scripts/1"}, messages(listAs(t, b, logsapi.ListLogsParams{})))
	require.Empty(t, listAs(t, s.readerOf(t, "c"), logsapi.ListLogsParams{}).Items)

	po := listAs(t, operator, logsapi.ListLogsParams{})
	require.Equal(t, []string{"blank GET /scripts/2", "default DELETE /scripts/1", "anonymous GET /scripts/1"}, messages(po),
		"the operator's own entries and those of no tenant")
	require.Nil(t, po.Items[0].Tenant, "an empty tenant is none")
	require.Nil(t, po.Items[0].Subject)
	require.Nil(t, po.Items[2].Tenant)
	require.Equal(t, auth.DefaultTenant, *po.Items[1].Tenant)

	// Filters keep to the tenant: the request id all three share, the service, the status range.
	require.Equal(t, []string{"a GET /scripts/1"}, messages(listAs(t, a, logsapi.ListLogsParams{RequestId: new("shared-id")})))
	require.Equal(t, []string{"anonymous GET /scripts/1"}, messages(listAs(t, operator, logsapi.ListLogsParams{RequestId: new("shared-id")})))
	require.Equal(t, []string{"a GET /scripts/1"}, messages(listAs(t, a, logsapi.ListLogsParams{Service: new("scripts")})))
	require.Equal(t, []string{"b GET /scripts/1"}, messages(listAs(t, b, logsapi.ListLogsParams{Service: new("scripts"), StatusMax: new(299)})))
	require.Empty(t, listAs(t, b, logsapi.ListLogsParams{Service: new("characters")}).Items)

	// Search too.
	require.Equal(t, []string{"a GET /scripts/1"}, messages(searchAs(t, a, "/scripts/1")))
	require.Equal(t, []string{"default DELETE /scripts/1", "anonymous GET /scripts/1"}, messages(searchAs(t, operator, "/scripts/1")))
	require.Empty(t, searchAs(t, b, "characters").Items)

	// Pages: a's second page is a's older entry, and the last.
	first := listAs(t, a, logsapi.ListLogsParams{Limit: new(1)})
	require.Equal(t, []string{"a POST /characters"}, messages(first))
	require.NotNil(t, first.NextCursor)
	second := listAs(t, a, logsapi.ListLogsParams{Limit: new(1), Cursor: first.NextCursor})
	require.Equal(t, []string{"a GET /scripts/1"}, messages(second))
	require.Nil(t, second.NextCursor)
	// A cursor read by another tenant continues that tenant's list only.
	require.Equal(t, []string{"anonymous GET /scripts/1"}, messages(listAs(t, operator, logsapi.ListLogsParams{Cursor: first.NextCursor})))
}

// kongSecrets are credentials a client sent through Kong; none may reach the logs.
var kongSecrets = []string{"Bearer eyJ.secret-token", "secret-api-key", "secret-apikey", "session=secret-cookie", "Basic c2VjcmV0", "sid=secret-set-cookie"}

// TestIngestKongTenantAndRedaction: a Kong entry is the tenant of the consumer Kong matched (its
// custom_id) and names the consumer as subject; without a consumer it is no tenant's. The values of
// credential headers are never stored, whatever the entry's tenant.
func TestIngestKongTenantAndRedaction(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)

	withConsumer := kongExample(t)
	withConsumer["started_at"] = 1795636800000
	withConsumer["consumer"] = map[string]any{"id": "5a1c", "username": "agent-7", "custom_id": "a"}
	headers := withConsumer["request"].(map[string]any)["headers"].(map[string]any)
	headers["authorization"] = kongSecrets[0]
	headers["x-api-key"] = kongSecrets[1]
	headers["apikey"] = []any{kongSecrets[2], "another"}
	headers["cookie"] = kongSecrets[3]
	headers["Proxy-Authorization"] = kongSecrets[4]
	withConsumer["response"].(map[string]any)["headers"].(map[string]any)["set-cookie"] = kongSecrets[5]

	anonymous := kongExample(t)
	anonymous["started_at"] = 1795636801000
	anonymous["response"].(map[string]any)["status"] = 401
	anonymous["request"].(map[string]any)["headers"].(map[string]any)["authorization"] = kongSecrets[0]

	entity := kongExample(t)
	entity["started_at"] = 1795636802000
	entity["consumer"] = "not an object"
	entity["authenticated_entity"] = map[string]any{"id": "cred-9", "consumer_id": map[string]any{"id": "5a1c"}}

	status, body := s.post(t, "/logs/kong", "application/json", mustJSON(t, []any{withConsumer, anonymous, entity}))
	require.Equal(t, http.StatusCreated, status, string(body))

	var stored []string
	rows, err := s.Pool.Query(context.Background(), "SELECT raw::text FROM logs.entries")
	require.NoError(t, err)
	for rows.Next() {
		var raw string
		require.NoError(t, rows.Scan(&raw))
		stored = append(stored, raw)
	}
	require.NoError(t, rows.Err())
	require.Len(t, stored, 3)
	for _, raw := range stored {
		for _, secret := range kongSecrets {
			require.NotContains(t, raw, secret)
		}
		require.NotContains(t, raw, "secret")
	}

	pa := listAs(t, s.readerOf(t, "a"), logsapi.ListLogsParams{})
	require.Len(t, pa.Items, 1)
	e := pa.Items[0]
	require.Equal(t, "a", *e.Tenant, "the consumer's custom_id")
	require.Equal(t, "agent-7", *e.Subject, "the consumer's username")
	var kept struct {
		Request struct {
			Headers map[string]any `json:"headers"`
		} `json:"request"`
		Response struct {
			Headers map[string]any `json:"headers"`
		} `json:"response"`
	}
	require.NoError(t, json.Unmarshal(*e.Kong, &kept))
	for _, h := range []string{"authorization", "x-api-key", "apikey", "cookie", "Proxy-Authorization"} {
		require.Equal(t, "[redacted]", kept.Request.Headers[h], h)
	}
	require.Equal(t, "[redacted]", kept.Response.Headers["set-cookie"])
	require.Equal(t, "2f6946328ffc4946b8c9120704a4a155", kept.Request.Headers["x-request-id"], "other headers are kept")
	require.Equal(t, "2f6946328ffc4946b8c9120704a4a155", *e.RequestId)

	po := listAs(t, s.readerOf(t, auth.DefaultTenant), logsapi.ListLogsParams{})
	require.Len(t, po.Items, 2, "entries of no tenant are the operator's")
	require.Nil(t, po.Items[0].Tenant)
	require.Equal(t, "cred-9", *po.Items[0].Subject, "authenticated_entity names the subject when no consumer does")
	require.Nil(t, po.Items[1].Tenant)
	require.Nil(t, po.Items[1].Subject)
	require.Equal(t, 401, po.Items[1].StatusCode)
	require.True(t, strings.Contains(string(*po.Items[1].Kong), `"[redacted]"`))
}

// TestRetentionKeepsTenants: entries moved out of the default partition into their day's keep their
// tenant and subject, so they stay the same tenant's to read; retention itself is no tenant's.
func TestRetentionKeepsTenants(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	now := time.Date(2030, 6, 15, 12, 0, 0, 0, time.UTC)
	s.ingest(t,
		of(entry(now.Add(-time.Hour), "scripts", "GET", "/scripts", 200, "a-today"), "a", "alice"),
		entry(now.Add(-time.Hour), "scripts", "GET", "/scripts", 401, "anonymous-today"),
	)
	require.Equal(t, "logs.entries_default", s.partitionOf(t, "a-today"))
	_, err := logs.NewRetention(s.Pool, 2*day, quiet()).Pass(context.Background(), now)
	require.NoError(t, err)
	require.Equal(t, "logs.entries_p20300615", s.partitionOf(t, "a-today"))
	require.Equal(t, "logs.entries_p20300615", s.partitionOf(t, "anonymous-today"))

	pa := listAs(t, s.readerOf(t, "a"), logsapi.ListLogsParams{})
	require.Equal(t, []string{"a-today"}, requestIDs(pa))
	require.Equal(t, "alice", *pa.Items[0].Subject)
	po := listAs(t, s.readerOf(t, auth.DefaultTenant), logsapi.ListLogsParams{})
	require.Equal(t, []string{"anonymous-today"}, requestIDs(po))
	require.Nil(t, po.Items[0].Tenant)
}
