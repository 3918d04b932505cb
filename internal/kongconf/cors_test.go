package kongconf_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/services"
)

// kongMethods are the values Kong's cors plugin accepts in methods.
var kongMethods = []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"}

func generated(t *testing.T) []byte {
	t.Helper()
	cfg, err := kongconf.Generate(services.All())
	require.NoError(t, err)
	base, err := kongconf.Marshal(cfg)
	require.NoError(t, err)
	return base
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// TestNoCORSByDefault: without origins there is no cors plugin (which, given no origins, would
// allow every origin) and no route takes OPTIONS.
func TestNoCORSByDefault(t *testing.T) {
	t.Parallel()
	base := generated(t)
	same, err := kongconf.AddCORS(base, nil)
	require.NoError(t, err)
	require.Equal(t, string(base), string(same))
	cfg := committed(t)
	for _, p := range cfg.Plugins {
		require.NotEqual(t, "cors", p.Name)
	}
	for _, r := range routes(t, cfg) {
		require.NotContains(t, r.Methods, "OPTIONS", r.Name)
	}
}

// TestAddCORS: the gateway applies the services' own policy, answers the preflights of every
// operation's path, and routes everything else as before.
func TestAddCORS(t *testing.T) {
	t.Parallel()
	policy, err := httpapi.NewCORS([]string{"https://app.example.com", "http://localhost:3000"})
	require.NoError(t, err)
	base := generated(t)
	want, err := kongconf.Parse(base)
	require.NoError(t, err)
	out, err := kongconf.AddCORS(base, policy)
	require.NoError(t, err)
	got, err := kongconf.Parse(out)
	require.NoError(t, err)

	require.Len(t, got.Plugins, len(want.Plugins)+1)
	require.Equal(t, want.Plugins, got.Plugins[:len(want.Plugins)], "the other plugins are kept")
	cors := got.Plugins[len(want.Plugins)]
	require.Equal(t, "cors", cors.Name)
	require.Equal(t, map[string]any{
		"origins":            anys(policy.Origins()),
		"methods":            anys(policy.Methods()),
		"headers":            anys(policy.RequestHeaders()),
		"exposed_headers":    anys(policy.ExposedHeaders()),
		"max_age":            policy.MaxAge(),
		"credentials":        false,
		"private_network":    false,
		"preflight_continue": false,
	}, cors.Config)
	for _, m := range policy.Methods() {
		require.Contains(t, kongMethods, m)
	}
	// Kong reads an origin holding other characters as a regular expression.
	for _, o := range policy.Origins() {
		require.Regexp(t, `^[A-Za-z0-9.:/-]+$`, o)
	}

	// Each service gains one route, for OPTIONS on the paths of its own routes.
	require.Len(t, got.Services, len(want.Services))
	for i, s := range got.Services {
		w := want.Services[i]
		require.Len(t, s.Routes, len(w.Routes)+1, s.Name)
		pre := s.Routes[len(s.Routes)-1]
		require.Equal(t, s.Name+"-"+kongconf.PreflightRoute, pre.Name)
		require.Equal(t, []string{"OPTIONS"}, pre.Methods)
		var paths []string
		for _, r := range w.Routes {
			for _, p := range r.Paths {
				if !slices.Contains(paths, p) {
					paths = append(paths, p)
				}
			}
		}
		require.Equal(t, paths, pre.Paths, s.Name)
		s.Routes = s.Routes[:len(s.Routes)-1]
		require.True(t, reflect.DeepEqual(w, s), "%s: the other routes are kept", s.Name)
	}

	all := routes(t, got)
	for _, s := range services.All() {
		doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
		require.NoError(t, err)
		paths := []string{"/openapi/" + s.Name + ".yaml"}
		for path, item := range doc.Paths.Map() {
			paths = append(paths, path)
			for method, op := range item.Operations() {
				r, ok := resolve(t, all, method, samplePath(path))
				require.True(t, ok)
				require.Equal(t, s.Name+"-"+op.OperationID, r.Name, "%s %s is routed as before", method, path)
			}
		}
		for _, path := range paths {
			r, ok := resolve(t, all, "OPTIONS", samplePath(path))
			require.True(t, ok, "the preflight of %s reaches the gateway's cors plugin", path)
			require.Equal(t, s.Name+"-"+kongconf.PreflightRoute, r.Name, path)
		}
	}
	_, ok := resolve(t, all, "OPTIONS", "/no/such/path")
	require.False(t, ok)

	_, err = kongconf.AddCORS(out, policy)
	require.ErrorContains(t, err, "already has a cors plugin")
	_, err = kongconf.AddCORS([]byte("_format_version: \"3.0\"\nservices: []\n"), policy)
	require.ErrorContains(t, err, "no list of plugins")
}

// TestAddCORSWithSecrets adds the policy after the ingest credential, as the gateway's start does,
// and allows every origin with "*" alone.
func TestAddCORSWithSecrets(t *testing.T) {
	t.Parallel()
	policy, err := httpapi.NewCORS([]string{httpapi.AnyOrigin})
	require.NoError(t, err)
	withKey, err := kongconf.AddIngestKey(generated(t), ingestKey)
	require.NoError(t, err)
	out, err := kongconf.AddCORS(withKey, policy)
	require.NoError(t, err)
	cfg, err := kongconf.Parse(out)
	require.NoError(t, err)
	names := map[string]map[string]any{}
	for _, p := range cfg.Plugins {
		names[p.Name] = p.Config
	}
	require.Equal(t, []any{"*"}, names["cors"]["origins"])
	require.Equal(t, false, names["cors"]["credentials"], "never with *")
	require.Contains(t, names["http-log"], "headers", "the ingest credential is kept")
}
