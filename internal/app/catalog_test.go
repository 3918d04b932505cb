package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services"
	"github.com/fountainai/fountainai/services/access"
)

// TestCatalogDocumentsTheDeployment: a process serving one service lists every spec of the
// deployment at /docs and serves each, as the gateway's /docs needs; it still routes only its own
// operations.
func TestCatalogDocumentsTheDeployment(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	h, err := app.Handler([]service.Service{access.Service()}, app.Options{
		Pool: pool, Logger: slog.New(slog.DiscardHandler), Auth: apitest.Auth(t, pool), Catalog: services.All(),
	})
	require.NoError(t, err)
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		b, err := io.ReadAll(rec.Body)
		require.NoError(t, err)
		return rec.Code, string(b)
	}
	code, init := get("/docs/init.js")
	require.Equal(t, http.StatusOK, code)
	for _, s := range services.All() {
		require.Contains(t, init, `"../openapi/`+s.Name+`.yaml"`)
	}
	code, spec := get("/openapi/scripts.yaml")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, string(api.Scripts), spec)
	code, _ = get("/scripts")
	require.Equal(t, http.StatusNotFound, code, "another service's operation is not served here")
}
