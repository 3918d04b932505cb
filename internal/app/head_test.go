package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services"
)

// TestHeadAnswersAsGet: HEAD gets GET's status and headers without the body wherever GET is
// served, as the Allow header of every path says.
func TestHeadAnswersAsGet(t *testing.T) {
	t.Parallel()
	srv := apitest.NewServer(t, dbtest.NewPool(t), services.All()...)
	client := authtest.Client(auth.DefaultTenant, auth.Admin) // HEAD answers have no body to validate
	resp, err := client.Post(srv.URL+"/scripts", "application/json", strings.NewReader(`{"title":"Hamlet"}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.NoError(t, resp.Body.Close())

	for path, status := range map[string]int{
		"/scripts":              http.StatusOK,
		"/scripts/1":            http.StatusOK,
		"/scripts/999":          http.StatusNotFound,
		"/scripts?limit=0":      http.StatusBadRequest,
		"/openapi/scripts.yaml": http.StatusOK,
		"/healthz":              http.StatusOK,
		"/sequence":             http.StatusMethodNotAllowed, // POST only
	} {
		get, err := client.Get(srv.URL + path)
		require.NoError(t, err)
		require.NoError(t, get.Body.Close())
		head, err := client.Head(srv.URL + path)
		require.NoError(t, err)
		body, err := io.ReadAll(head.Body)
		require.NoError(t, err)
		require.NoError(t, head.Body.Close())
		require.Equal(t, status, head.StatusCode, "HEAD %s", path)
		require.Equal(t, get.StatusCode, head.StatusCode, path)
		require.Empty(t, body, path)
		for _, h := range []string{"Content-Type", "ETag", "Allow"} {
			require.Equal(t, get.Header.Get(h), head.Header.Get(h), "%s: %s", path, h)
		}
	}
}
