package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/kongconf"
)

// TestKongCommand runs `fountain kong` as `make generate` does and as the compose gateway-config
// step does (--with-secrets).
func TestKongCommand(t *testing.T) {
	t.Setenv(corsOriginsEnv, "") // as `make generate` runs it, whatever the shell allows
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
	t.Setenv(kongconf.IngestKeyEnv, key)
	out := filepath.Join(dir, "gateway.yml")
	require.NoError(t, run([]string{"kong", "--with-secrets", base, "--out", out}, io.Discard, io.Discard))
	info, err := os.Stat(out)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), info.Mode().Perm(), "readable by the gateway's user")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	cfg, err := kongconf.Parse(data)
	require.NoError(t, err)
	require.NotEmpty(t, cfg.Services)
	var headers []any
	for _, p := range cfg.Plugins {
		if p.Name == "http-log" {
			headers = append(headers, p.Config["headers"])
		}
	}
	require.Equal(t, []any{map[string]any{auth.APIKeyHeader: key}}, headers, "http-log sends the ingest credential")
	unchanged, err := os.ReadFile(base)
	require.NoError(t, err)
	require.Equal(t, string(committed), string(unchanged), "the input keeps no secret")

	// Refused: a secret on standard output (container logs) or over the input (the repository).
	var leaked strings.Builder
	err = run([]string{"kong", "--with-secrets", base}, &leaked, io.Discard)
	require.ErrorContains(t, err, "--out")
	require.Empty(t, leaked.String())
	err = run([]string{"kong", "--with-secrets", base, "--out", base}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "is the input")
	unchanged, err = os.ReadFile(base)
	require.NoError(t, err)
	require.Equal(t, string(committed), string(unchanged))

	for _, bad := range []string{"", "change-me"} {
		t.Setenv(kongconf.IngestKeyEnv, bad)
		refused := filepath.Join(dir, "refused.yml")
		err = run([]string{"kong", "--with-secrets", base, "--out", refused}, io.Discard, io.Discard)
		require.ErrorContains(t, err, kongconf.IngestKeyEnv, "%q", bad)
		require.NoFileExists(t, refused)
	}

	require.ErrorContains(t, run([]string{"kong", "--with-consumers", base, "--out", out}, io.Discard, io.Discard), "with-consumers",
		"the gateway's own keys are gone: the services authenticate")
	require.ErrorContains(t, run([]string{"kong", "extra"}, io.Discard, io.Discard), "takes no arguments")
}
