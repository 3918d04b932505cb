package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/kongconf"
)

// TestKongCommand runs `fountain kong` as `make generate` does and as the compose gateway-config
// step does.
func TestKongCommand(t *testing.T) {
	var stdout strings.Builder
	require.NoError(t, run([]string{"kong"}, &stdout, io.Discard))
	committed, err := os.ReadFile("../../kong/kong.yml")
	require.NoError(t, err)
	require.Equal(t, string(committed), stdout.String(), "kong/kong.yml is stale: run `make generate`")

	dir := t.TempDir()
	base := filepath.Join(dir, "kong.yml")
	require.NoError(t, run([]string{"kong", "--out", base}, io.Discard, io.Discard))
	written, err := os.ReadFile(base)
	require.NoError(t, err)
	require.Equal(t, string(committed), string(written))

	key := strings.Repeat("0123456789abcdef", 4)
	t.Setenv(kongconf.ConsumersEnv, "writer="+key)
	out := filepath.Join(dir, "gateway.yml")
	require.NoError(t, run([]string{"kong", "--with-consumers", base, "--out", out}, io.Discard, io.Discard))
	info, err := os.Stat(out)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), info.Mode().Perm(), "readable by the gateway's user")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	cfg, err := kongconf.Parse(data)
	require.NoError(t, err)
	require.Equal(t, []kongconf.Consumer{{Username: "writer", KeyauthCredentials: []kongconf.KeyauthCredential{{Key: key}}}}, cfg.Consumers)
	require.NotEmpty(t, cfg.Services)

	t.Setenv(kongconf.ConsumersEnv, "writer=change-me")
	err = run([]string{"kong", "--with-consumers", base, "--out", filepath.Join(dir, "refused.yml")}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "at least 32")
	require.NoFileExists(t, filepath.Join(dir, "refused.yml"))

	require.ErrorContains(t, run([]string{"kong", "extra"}, io.Discard, io.Discard), "takes no arguments")
}
