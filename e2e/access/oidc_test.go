package access

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/accessapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/oidctest"
	"github.com/fountainai/fountainai/services"
)

// TestServicesTrustAnOpenIDConnectProvider serves every service with bearer tokens verified by
// discovery and JWKS against a real provider, which issues them by client credentials: the tenant
// and role come from the token's claims, a reader's write is refused, another tenant's script is
// not found, and a rotation of the provider's signing key in the middle is followed.
func TestServicesTrustAnOpenIDConnectProvider(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := oidctest.Start(t)
	p.AddClient("alpha-writer", "alpha-writer-secret", "fountainai", map[string]any{"tenant": "alpha", "role": "writer"})
	p.AddClient("alpha-reader", "alpha-reader-secret", "fountainai", map[string]any{"tenant": "alpha", "role": "reader"})
	p.AddClient("beta-admin", "beta-admin-secret", "fountainai", map[string]any{"tenant": "beta", "role": "admin"})
	p.AddClient("elsewhere", "elsewhere-secret", "another-api", map[string]any{"tenant": "alpha", "role": "admin"})

	pool := dbtest.NewPool(t)
	v, err := auth.NewJWTVerifier(ctx, auth.JWTConfig{Issuer: p.Issuer(), Audience: "fountainai"})
	require.NoError(t, err)
	all := services.All()
	h, err := app.Handler(all, app.Options{Pool: pool, Auth: auth.New(auth.Config{JWT: v, Keys: auth.NewKeyStore(pool)})})
	require.NoError(t, err)
	srv := serve(t, h)

	as := func(token string) *scriptsapi.ClientWithResponses {
		hc := apitest.Anonymous(t, all...)
		hc.Transport = authtest.WithCredential("Authorization", "Bearer "+token, hc.Transport)
		return apitest.NewClients(t, srv, hc).Scripts
	}
	writer := as(p.Token(t, "alpha-writer", "alpha-writer-secret"))
	created, err := writer.CreateScriptWithResponse(ctx, &scriptsapi.CreateScriptParams{}, scriptsapi.CreateScriptJSONRequestBody{Title: "Romeo and Juliet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	id := created.JSON201.ScriptId

	reader := as(p.Token(t, "alpha-reader", "alpha-reader-secret"))
	got, err := reader.GetScriptWithResponse(ctx, id)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	denied, err := reader.CreateScriptWithResponse(ctx, &scriptsapi.CreateScriptParams{}, scriptsapi.CreateScriptJSONRequestBody{Title: "Hamlet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, denied.StatusCode())

	beta := as(p.Token(t, "beta-admin", "beta-admin-secret"))
	got, err = beta.GetScriptWithResponse(ctx, id)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, got.StatusCode(), "another tenant's script")

	elsewhere := as(p.Token(t, "elsewhere", "elsewhere-secret"))
	got, err = elsewhere.GetScriptWithResponse(ctx, id)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, got.StatusCode(), "a token for another audience")

	// The provider rotates its key: tokens signed with the new one are accepted (the key set is
	// fetched again on an unknown key id), and those signed before still are.
	p.RotateKey()
	rotated := as(p.Token(t, "alpha-writer", "alpha-writer-secret"))
	renamed, err := rotated.UpdateScriptWithResponse(ctx, id, &scriptsapi.UpdateScriptParams{}, scriptsapi.UpdateScriptJSONRequestBody{Title: new("The Tragedy of Romeo and Juliet")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, renamed.StatusCode(), string(renamed.Body))
	got, err = writer.GetScriptWithResponse(ctx, id)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())

	hc := apitest.Anonymous(t, all...)
	hc.Transport = authtest.WithCredential("Authorization", "Bearer "+p.Token(t, "beta-admin", "beta-admin-secret"), hc.Transport)
	me := apitest.NewClients(t, srv, hc).Access
	caller, err := me.GetCallerWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, accessapi.Caller{Subject: "beta-admin", Tenant: "beta", Role: accessapi.RoleAdmin}, *caller.JSON200)
}

func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
