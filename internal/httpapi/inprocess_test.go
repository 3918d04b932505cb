package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestServeInProcessHead: HEAD answers with headers only, as it would over the network.
func TestServeInProcessHead(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	for method, wantBody := range map[string]string{http.MethodGet: "{\"status\":\"ok\"}\n", http.MethodHead: ""} {
		resp, err := ServeInProcess(h, httptest.NewRequest(method, "/x", nil))
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, method)
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"), method)
		require.Equal(t, wantBody, string(body), method)
	}
}
