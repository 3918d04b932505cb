package access_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/accessapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestAPIKeys: an admin makes a key, which is shown once, stored hashed, acts with its tenant and
// role, is invisible to other tenants, and stops working when revoked.
func TestAPIKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apitest.NewEnv(t, services.All()...)
	pool := e.Pool
	admin := e.As(t, "acme", auth.Admin).Access

	created, err := admin.CreateKeyWithResponse(ctx, accessapi.KeyRequest{Name: "dashboard", Role: accessapi.KeyRequestRoleReader})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	k := created.JSON201
	require.True(t, strings.HasPrefix(k.Key, auth.KeyPrefix+k.KeyId+"_"), k.Key)
	require.Equal(t, "/keys/"+k.KeyId, created.HTTPResponse.Header.Get("Location"))
	require.Equal(t, "acme", k.Tenant)
	require.Equal(t, "test-admin", k.CreatedBy)
	apitest.RecordSecret(k.Key)

	// Stored hashed: no column of the row holds the key or its secret part.
	var row string
	require.NoError(t, pool.QueryRow(ctx, `SELECT k::text FROM auth.api_keys k WHERE id = $1`, k.KeyId).Scan(&row))
	secret := k.Key[strings.LastIndexByte(k.Key, '_')+1:]
	require.NotContains(t, row, secret)

	got, err := admin.GetKeyWithResponse(ctx, k.KeyId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.NotContains(t, string(got.Body), secret, "a key is shown only when it is made")
	list, err := admin.ListKeysWithResponse(ctx, &accessapi.ListKeysParams{})
	require.NoError(t, err)
	require.EqualValues(t, 1, list.JSON200.TotalCount)
	require.Equal(t, k.KeyId, list.JSON200.Keys[0].KeyId)

	// The key acts for its tenant with its role.
	byKey := e.WithKey(t, k.Key)
	me, err := byKey.Access.GetCallerWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, accessapi.Caller{Subject: "key:" + k.KeyId, Tenant: "acme", Role: accessapi.RoleReader}, *me.JSON200)
	write, err := byKey.Scripts.CreateScriptWithResponse(ctx, &scriptsapi.CreateScriptParams{}, scriptsapi.CreateScriptJSONRequestBody{Title: "Hamlet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, write.StatusCode(), "a reader key may not write")
	read, err := byKey.Access.ListKeysWithResponse(ctx, &accessapi.ListKeysParams{})
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, read.StatusCode(), "keys are for admins")

	// Another tenant's admin neither sees nor revokes it; a writer may not make keys.
	other := e.As(t, "globex", auth.Admin).Access
	got, err = other.GetKeyWithResponse(ctx, k.KeyId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, got.StatusCode())
	revoked, err := other.RevokeKeyWithResponse(ctx, k.KeyId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, revoked.StatusCode())
	list, err = other.ListKeysWithResponse(ctx, &accessapi.ListKeysParams{})
	require.NoError(t, err)
	require.Empty(t, list.JSON200.Keys)
	writer := e.As(t, "acme", auth.Writer).Access
	denied, err := writer.CreateKeyWithResponse(ctx, accessapi.KeyRequest{Name: "x", Role: accessapi.KeyRequestRoleAdmin})
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, denied.StatusCode())
	past := time.Now().Add(-time.Hour)
	refused, err := admin.CreateKeyWithResponse(ctx, accessapi.KeyRequest{Name: "x", Role: accessapi.KeyRequestRoleReader, ExpiresAt: &past})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, refused.StatusCode())

	// Revoked: refused at once, and revoking again changes nothing.
	revoked, err = admin.RevokeKeyWithResponse(ctx, k.KeyId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, revoked.StatusCode())
	me, err = byKey.Access.GetCallerWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, me.StatusCode())
	require.Contains(t, me.HTTPResponse.Header.Get("WWW-Authenticate"), `error="invalid_token"`)
	revoked, err = admin.RevokeKeyWithResponse(ctx, k.KeyId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, revoked.StatusCode())
	got, err = admin.GetKeyWithResponse(ctx, k.KeyId)
	require.NoError(t, err)
	require.NotNil(t, got.JSON200.RevokedAt)
}

// TestExpiredAndForgedKeys: a key past its expiry, a key whose secret is wrong and text that is no
// key at all are refused alike.
func TestExpiredAndForgedKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apitest.NewEnv(t, services.All()...)
	pool := e.Pool
	later, past := time.Now().Add(time.Hour), time.Now().Add(-time.Second)
	_, key, err := auth.Create(ctx, pool, auth.NewKeyParams{Name: "valid", Tenant: "acme", Role: auth.Writer, CreatedBy: "test", ExpiresAt: &later})
	require.NoError(t, err)
	apitest.RecordSecret(key)
	// The API refuses a past expiry; the store does not, which makes an expired key without waiting.
	_, expired, err := auth.Create(ctx, pool, auth.NewKeyParams{Name: "expired", Tenant: "acme", Role: auth.Writer, CreatedBy: "test", ExpiresAt: &past})
	require.NoError(t, err)
	apitest.RecordSecret(expired)
	call := func(k string) int {
		resp, err := e.WithKey(t, k).Access.GetCallerWithResponse(ctx)
		require.NoError(t, err)
		return resp.StatusCode()
	}
	require.Equal(t, http.StatusOK, call(key))
	forged := key[:len(key)-4] + "AAAA"
	if forged == key {
		forged = key[:len(key)-4] + "BBBB"
	}
	require.Equal(t, http.StatusUnauthorized, call(forged))
	require.Equal(t, http.StatusUnauthorized, call("fai_nothex0123456789_x"))
	require.Equal(t, http.StatusUnauthorized, call("not a key"))
	require.Equal(t, http.StatusUnauthorized, call(expired), "expired")
}
