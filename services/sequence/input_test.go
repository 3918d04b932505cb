package sequence_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/services/sequence"
)

type rawCase struct {
	name, method, path, contentType, body string
	status                                int
	code                                  string
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sequence.Service())
	client := e.HTTP
	huge := `{"elementType":"script","elementId":1,"newVersionData":{"text":"` + strings.Repeat("x", 2<<20) + `"}}`

	cases := []rawCase{
		{"malformed JSON", "POST", "/sequence", "application/json", `{"elementType":"script",`, 400, "MALFORMED_JSON"},
		{"not JSON at all", "POST", "/sequence", "application/json", `hello`, 400, "MALFORMED_JSON"},
		{"empty body", "POST", "/sequence", "application/json", ``, 400, "VALIDATION_FAILED"},
		{"wrong type", "POST", "/sequence", "application/json", `{"elementType":"script","elementId":"one"}`, 400, "VALIDATION_FAILED"},
		{"unknown enum value", "POST", "/sequence", "application/json", `{"elementType":"dialogue","elementId":1}`, 400, "VALIDATION_FAILED"},
		{"negative id", "POST", "/sequence", "application/json", `{"elementType":"script","elementId":-4}`, 400, "VALIDATION_FAILED"},
		{"zero id", "POST", "/sequence", "application/json", `{"elementType":"script","elementId":0}`, 400, "VALIDATION_FAILED"},
		{"fractional id", "POST", "/sequence", "application/json", `{"elementType":"script","elementId":1.5}`, 400, "VALIDATION_FAILED"},
		{"id beyond int64", "POST", "/sequence", "application/json", `{"elementType":"script","elementId":99999999999999999999}`, 400, ""},
		{"missing field", "POST", "/sequence", "application/json", `{"elementType":"script"}`, 400, "VALIDATION_FAILED"},
		{"unknown field", "POST", "/sequence", "application/json", `{"elementType":"script","elementId":1,"scriptID":3}`, 400, "VALIDATION_FAILED"},
		{"bad scope name", "POST", "/sequence", "application/json", `{"elementType":"script","elementId":1,"scope":"Story Order"}`, 400, "VALIDATION_FAILED"},
		{"array body", "POST", "/sequence", "application/json", `[1,2]`, 400, "VALIDATION_FAILED"},
		{"wrong content type", "POST", "/sequence", "text/plain", `{"elementType":"script","elementId":1}`, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"huge body", "POST", "/sequence/version", "application/json", huge, 413, "PAYLOAD_TOO_LARGE"},
		{"version data not an object", "POST", "/sequence/version", "application/json", `{"elementType":"script","elementId":1,"newVersionData":"text"}`, 400, "VALIDATION_FAILED"},
		{"empty reorder", "PUT", "/sequence/reorder", "application/json", `{"elementType":"section","elements":[]}`, 400, "VALIDATION_FAILED"},
		{"reorder to zero", "PUT", "/sequence/reorder", "application/json", `{"elementType":"section","elements":[{"elementId":1,"newSequence":0}]}`, 400, "VALIDATION_FAILED"},
		{"bad path id", "GET", "/sequence/elements/script/abc", "", ``, 400, "VALIDATION_FAILED"},
		{"bad path type", "GET", "/sequence/elements/dialogue/1", "", ``, 400, "VALIDATION_FAILED"},
		{"missing scope", "GET", "/sequence/positions", "", ``, 400, "VALIDATION_FAILED"},
		{"limit too big", "GET", "/sequence/positions?scope=story&limit=100000", "", ``, 400, "VALIDATION_FAILED"},
		{"negative offset", "GET", "/sequence/positions?scope=story&offset=-1", "", ``, 400, "VALIDATION_FAILED"},
		{"unknown path", "GET", "/sequence/nowhere", "", ``, 404, "NOT_FOUND"},
		{"wrong method", "DELETE", "/sequence", "", ``, 405, "METHOD_NOT_ALLOWED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, e.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var e struct{ ErrorCode, Message, Details string }
			require.NoError(t, json.Unmarshal(body, &e))
			if tc.code != "" {
				require.Equal(t, tc.code, e.ErrorCode, string(body))
			}
			require.NotEmpty(t, e.Message)
			require.NotContains(t, strings.ToLower(string(body)), "sql", "no internal error text")
		})
	}
}

func TestProcessEndpoints(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sequence.Service())
	client := e.HTTP
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		resp, err := client.Get(e.URL + path)
		require.NoError(t, err)
		var body map[string]string
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, want, body["status"])
	}

	req, _ := http.NewRequest("GET", e.URL+"/openapi/sequence.yaml", nil)
	req.Header.Set("X-Request-Id", "client-chosen-id-1")
	resp, err := client.Do(req)
	require.NoError(t, err)
	spec, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(spec), "operationId: generateSequenceNumber")
	require.Equal(t, "client-chosen-id-1", resp.Header.Get("X-Request-Id"), "a well-formed incoming request id is kept")
}
