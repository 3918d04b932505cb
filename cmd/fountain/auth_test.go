package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services"
)

// TestKeysCommand makes, lists and revokes a key from the command line, as an operator would.
func TestKeysCommand(t *testing.T) {
	t.Parallel()
	url := dbtest.New(t)
	var out, errOut bytes.Buffer
	require.NoError(t, run([]string{"keys", "create", "--database-url", url, "--name", "gateway", "--tenant", "acme", "--role", "ingest", "--expires", "720h"}, &out, &errOut))
	key := strings.TrimSpace(out.String())
	require.True(t, strings.HasPrefix(key, auth.KeyPrefix), key)
	require.Contains(t, errOut.String(), "shown only now")

	pool := dbtest.PoolFor(t, url, 2)
	id, err := auth.NewKeyStore(pool).Verify(context.Background(), key)
	require.NoError(t, err)
	require.Equal(t, auth.Identity{Subject: id.Subject, Tenant: "acme", Role: auth.Ingest}, id)
	keyID := strings.TrimPrefix(id.Subject, "key:")

	out.Reset()
	require.NoError(t, run([]string{"keys", "list", "--database-url", url, "--tenant", "acme"}, &out, &errOut))
	require.Contains(t, out.String(), keyID)
	require.Contains(t, out.String(), "gateway")
	require.NotContains(t, out.String(), key[len(auth.KeyPrefix)+17:], "list never shows a key")

	require.NoError(t, run([]string{"keys", "revoke", "--database-url", url, keyID}, &out, &errOut))
	_, err = auth.NewKeyStore(pool).Verify(context.Background(), key)
	require.Error(t, err)
	require.ErrorContains(t, run([]string{"keys", "revoke", "--database-url", url, "0123456789abcdef"}, &out, &errOut), "no key")
	require.ErrorContains(t, run([]string{"keys", "create", "--database-url", url, "--name", "x", "--tenant", "acme", "--role", "owner"}, &out, &errOut), "unknown role")
	require.ErrorContains(t, run([]string{"keys", "create", "--database-url", url, "--role", "reader"}, &out, &errOut), "--name and --tenant")
}

// TestLocalAdminKey: the first start makes an admin key kept under the data directory, readable by
// its owner only; later starts reuse it, and a revoked one is replaced.
func TestLocalAdminKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.PoolFor(t, dbtest.New(t), 2)
	require.NoError(t, app.Migrate(ctx, pool, services.All(), nil))
	dir := t.TempDir()
	first, err := localAdminKey(ctx, pool, dir)
	require.NoError(t, err)
	info, err := os.Stat(filepath.Join(dir, adminKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	id, err := auth.NewKeyStore(pool).Verify(ctx, first)
	require.NoError(t, err)
	require.Equal(t, auth.Admin, id.Role)
	require.Equal(t, auth.DefaultTenant, id.Tenant)

	again, err := localAdminKey(ctx, pool, dir)
	require.NoError(t, err)
	require.Equal(t, first, again)

	_, err = pool.Exec(ctx, `UPDATE auth.api_keys SET revoked_at = now()`)
	require.NoError(t, err)
	replaced, err := localAdminKey(ctx, pool, dir)
	require.NoError(t, err)
	require.NotEqual(t, first, replaced)
}

// TestAuthOffOnlyOnLoopback: switching authentication off is refused where other hosts can reach
// the process.
func TestAuthOffOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	off := authConfig{off: true}
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:8080", "localhost:8080"} {
		_, err := off.authenticator(context.Background(), addr, nil)
		require.NoError(t, err, addr)
	}
	for _, addr := range []string{":8080", "0.0.0.0:8080", "10.0.0.5:8080", "[::]:8080", "example.com:8080"} {
		_, err := off.authenticator(context.Background(), addr, nil)
		require.ErrorContains(t, err, "refused", addr)
	}
	var out bytes.Buffer
	err := run([]string{"serve", "--auth", "off", "--addr", "0.0.0.0:0", "--database-url", "postgres://nowhere.invalid/x", "--migrate=false"}, &out, &out)
	require.ErrorContains(t, err, "refused")
}
