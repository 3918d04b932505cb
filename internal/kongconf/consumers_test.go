package kongconf_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/services"
)

var (
	keyA = strings.Repeat("a1", 32)
	keyB = strings.Repeat("b2", 32)
)

func TestParseConsumers(t *testing.T) {
	t.Parallel()
	got, err := kongconf.ParseConsumers(" writer=" + keyA + ", agent-1=" + keyB + ",")
	require.NoError(t, err)
	require.Equal(t, []kongconf.Consumer{
		{Username: "writer", KeyauthCredentials: []kongconf.KeyauthCredential{{Key: keyA}}},
		{Username: "agent-1", KeyauthCredentials: []kongconf.KeyauthCredential{{Key: keyB}}},
	}, got)

	for _, tc := range []struct{ list, err string }{
		{"", "is empty"},
		{" , ", "is empty"},
		{"writer", "is not name=key"},
		{"writer=change-me", "has 9 characters"},
		{"wri ter=" + keyA, "consumer name"},
		{"=" + keyA, "consumer name"},
		{"writer=" + keyA + ",writer=" + keyB, "listed twice"},
		{"writer=" + keyA + ",agent=" + keyA, "reuses another consumer's key"},
		{"writer=" + keyA[:40] + " " + keyA[:40], "white space"},
	} {
		_, err := kongconf.ParseConsumers(tc.list)
		require.ErrorContains(t, err, tc.err, tc.list)
	}
}

func TestAddConsumers(t *testing.T) {
	t.Parallel()
	cfg, err := kongconf.Generate(services.All())
	require.NoError(t, err)
	base, err := kongconf.Marshal(cfg)
	require.NoError(t, err)
	consumers, err := kongconf.ParseConsumers("writer=" + keyA)
	require.NoError(t, err)

	out, err := kongconf.AddConsumers(base, consumers)
	require.NoError(t, err)
	got, err := kongconf.Parse(out)
	require.NoError(t, err)
	require.Equal(t, consumers, got.Consumers)
	got.Consumers = nil
	want, err := kongconf.Parse(base)
	require.NoError(t, err)
	require.True(t, reflect.DeepEqual(want, got), "the rest of the configuration is kept as it was")

	_, err = kongconf.AddConsumers(out, consumers)
	require.ErrorContains(t, err, "already lists consumers")
	_, err = kongconf.AddConsumers([]byte("- a list"), consumers)
	require.ErrorContains(t, err, "not a YAML mapping")
}
