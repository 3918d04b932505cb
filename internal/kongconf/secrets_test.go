package kongconf_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/services"
)

var ingestKey = strings.Repeat("a1", 32)

func TestCheckIngestKey(t *testing.T) {
	t.Parallel()
	require.NoError(t, kongconf.CheckIngestKey(ingestKey))
	require.NoError(t, kongconf.CheckIngestKey(strings.Repeat("k", kongconf.MinKeyLength)))
	for _, tc := range []struct{ key, err string }{
		{"", "is not set"},
		{"change-me", "has 9 characters"},
		{strings.Repeat("k", kongconf.MinKeyLength-1), "at least 32"},
		{ingestKey[:40] + " " + ingestKey[:40], "white space"},
		{ingestKey + "\n", "white space"},
		{ingestKey + "\x00", "white space"},
	} {
		require.ErrorContains(t, kongconf.CheckIngestKey(tc.key), tc.err, "%q", tc.key)
	}
}

func TestAddIngestKey(t *testing.T) {
	t.Parallel()
	cfg, err := kongconf.Generate(services.All())
	require.NoError(t, err)
	base, err := kongconf.Marshal(cfg)
	require.NoError(t, err)
	want, err := kongconf.Parse(base)
	require.NoError(t, err)
	for _, p := range want.Plugins {
		require.NotContains(t, p.Config, "headers", "the generated configuration carries no credential")
	}

	out, err := kongconf.AddIngestKey(base, ingestKey)
	require.NoError(t, err)
	got, err := kongconf.Parse(out)
	require.NoError(t, err)
	var logged int
	for i, p := range got.Plugins {
		if p.Name != "http-log" {
			continue
		}
		logged++
		// The header the Logging Service reads the ingest credential from.
		require.Equal(t, map[string]any{auth.APIKeyHeader: ingestKey}, p.Config["headers"])
		delete(p.Config, "headers")
		require.Equal(t, want.Plugins[i], p)
	}
	require.Equal(t, 1, logged)
	require.True(t, reflect.DeepEqual(want, got), "the rest of the configuration is kept as it was")

	_, err = kongconf.AddIngestKey(out, ingestKey)
	require.ErrorContains(t, err, "already has headers")
	_, err = kongconf.AddIngestKey(base, "change-me")
	require.ErrorContains(t, err, "at least 32")
	_, err = kongconf.AddIngestKey([]byte("- a list"), ingestKey)
	require.ErrorContains(t, err, "not a YAML mapping")
	_, err = kongconf.AddIngestKey([]byte("_format_version: \"3.0\"\nplugins:\n  - name: prometheus\n    config: {}\n"), ingestKey)
	require.ErrorContains(t, err, "no http-log plugin")
	_, err = kongconf.AddIngestKey([]byte("_format_version: \"3.0\"\n"), ingestKey)
	require.ErrorContains(t, err, "no list of plugins")
}
