package kongconf_test

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services"
)

// committedPath is kong/kong.yml, the file Kong loads, relative to this package.
const committedPath = "../../kong/kong.yml"

func committed(t *testing.T) kongconf.Config {
	t.Helper()
	data, err := os.ReadFile(committedPath)
	require.NoError(t, err)
	cfg, err := kongconf.Parse(data)
	require.NoError(t, err)
	return cfg
}

func TestCommittedConfigIsCurrent(t *testing.T) {
	t.Parallel()
	cfg, err := kongconf.Generate(services.All())
	require.NoError(t, err)
	want, err := kongconf.Marshal(cfg)
	require.NoError(t, err)
	got, err := os.ReadFile(committedPath)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "kong/kong.yml is stale: run `make generate`")
}

// route is one path of a parsed Kong route, with its service and compiled path regex.
type route struct {
	service string
	kongconf.Route
	re *regexp.Regexp
}

// routes are the paths of cfg's routes, one entry each. An operation's route has one path; the
// preflight route of a service (with CORS) has all of them.
func routes(t *testing.T, cfg kongconf.Config) []route {
	t.Helper()
	var all []route
	for _, s := range cfg.Services {
		for _, r := range s.Routes {
			if !strings.HasSuffix(r.Name, "-"+kongconf.PreflightRoute) {
				require.Len(t, r.Paths, 1, r.Name)
			}
			for _, p := range r.Paths {
				require.True(t, strings.HasPrefix(p, "~/"), "route %s: %q is not a Kong 3 regex path", r.Name, p)
				// Kong anchors a regex path at the start of the path; the generator ends it with $.
				require.True(t, strings.HasSuffix(p, "$"), "route %s: %q is not anchored at the end", r.Name, p)
				all = append(all, route{service: s.Name, Route: r, re: regexp.MustCompile("^" + strings.TrimPrefix(p, "~"))})
			}
		}
	}
	return all
}

// resolve picks the route Kong would: among the routes whose method and regex match, the one with
// the highest regex_priority. It fails the test when two routes tie there (two paths of one route
// matching are one route).
func resolve(t *testing.T, all []route, method, path string) (route, bool) {
	t.Helper()
	var best []route
	for _, r := range all {
		if !slices.Contains(r.Methods, method) || !r.re.MatchString(path) {
			continue
		}
		switch {
		case len(best) == 0 || r.RegexPriority > best[0].RegexPriority:
			best = []route{r}
		case r.RegexPriority == best[0].RegexPriority && !slices.ContainsFunc(best, func(b route) bool { return b.Name == r.Name }):
			best = append(best, r)
		}
	}
	if len(best) == 0 {
		return route{}, false
	}
	require.Len(t, best, 1, "%s %s: routes tie at the same priority: %v", method, path, best)
	return best[0], true
}

var param = regexp.MustCompile(`\{[^{}/]+\}`)

// samplePath fills a path template's parameters with a value no literal segment uses.
func samplePath(template string) string {
	return param.ReplaceAllString(template, "p42")
}

// TestEveryOperationIsRouted checks, for every operation of every spec, that a concrete request
// path reaches the operation's own route on its own service, and nothing else is routed.
func TestEveryOperationIsRouted(t *testing.T) {
	t.Parallel()
	cfg := committed(t)
	all := routes(t, cfg)
	require.Equal(t, kongconf.FormatVersion, cfg.FormatVersion)

	operations := 0
	for _, s := range services.All() {
		i := slices.IndexFunc(cfg.Services, func(ks kongconf.Service) bool { return ks.Name == s.Name })
		require.GreaterOrEqual(t, i, 0, "no Kong service for %s", s.Name)
		ks := cfg.Services[i]
		require.Equal(t, fmt.Sprintf("http://%s:%d", s.Name, kongconf.UpstreamPort), ks.URL)
		require.Positive(t, ks.ConnectTimeout)
		require.Positive(t, ks.ReadTimeout)
		require.Positive(t, ks.WriteTimeout)

		doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
		require.NoError(t, err)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				operations++
				sample := samplePath(path)
				r, ok := resolve(t, all, method, sample)
				require.True(t, ok, "%s %s (%s) is not routed", method, sample, path)
				require.Equal(t, s.Name, r.service, "%s %s", method, sample)
				require.Equal(t, s.Name+"-"+op.OperationID, r.Name, "%s %s", method, sample)
				require.False(t, r.StripPath, r.Name)

				// A longer path or one that only starts like it is not routed here.
				if r, ok := resolve(t, all, method, sample+"/extra"); ok {
					require.NotEqual(t, s.Name+"-"+op.OperationID, r.Name, "%s %s/extra", method, sample)
				}
				if !strings.HasSuffix(path, "}") {
					if r, ok := resolve(t, all, method, sample+"x"); ok {
						require.NotEqual(t, s.Name+"-"+op.OperationID, r.Name, "%s %sx", method, sample)
					}
				}
			}
		}
		specPath := "/openapi/" + s.Name + ".yaml"
		r, ok := resolve(t, all, "GET", specPath)
		require.True(t, ok, "GET %s is not routed", specPath)
		require.Equal(t, s.Name, r.service)
		_, ok = resolve(t, all, "GET", "/openapi/"+s.Name+"Xyaml")
		require.False(t, ok, "the '.' of the spec path is literal")
		operations++
	}
	// Swagger UI through the gateway: the page and its files, from one process that lists every spec.
	for _, path := range []string{"/docs", "/docs/", "/docs/init.js", "/docs/swagger-ui.css"} {
		r, ok := resolve(t, all, "GET", path)
		require.True(t, ok, "GET %s is not routed", path)
		require.Equal(t, kongconf.DocsService, r.service, path)
		operations++
	}
	operations-- // the two files share the /docs/{file} route
	_, ok := resolve(t, all, "GET", "/docs/a/b")
	require.False(t, ok, "only the page's own files")
	require.Len(t, all, operations, "every route serves exactly one operation")
	require.Len(t, cfg.Services, len(services.All()))
}

func TestPluginsAreConfigured(t *testing.T) {
	t.Parallel()
	plugins := map[string]map[string]any{}
	for _, p := range committed(t).Plugins {
		require.NotContains(t, plugins, p.Name, "plugin %s is configured twice", p.Name)
		plugins[p.Name] = p.Config
	}
	// No authentication plugin, and none that rewrites request headers: the services verify the
	// client's own Authorization or X-API-Key header, which must reach them unchanged.
	require.ElementsMatch(t, []string{"rate-limiting", "request-size-limiting", "correlation-id", "http-log", "prometheus"},
		keys(plugins))

	rl := plugins["rate-limiting"]
	require.Equal(t, "local", rl["policy"])
	require.Equal(t, "header", rl["limit_by"], "a bucket per credential")
	require.Equal(t, "Authorization", rl["header_name"])
	require.Equal(t, kongconf.RateLimitHeader, rl["header_name"])
	limits := 0
	for _, period := range []string{"second", "minute", "hour", "day", "month", "year"} {
		if v, ok := rl[period]; ok {
			require.Positive(t, v.(int), period)
			limits++
		}
	}
	require.Positive(t, limits, "rate-limiting needs at least one limit")

	size := plugins["request-size-limiting"]
	require.Equal(t, "bytes", size["size_unit"])
	require.Equal(t, httpapi.MaxBody, size["allowed_payload_size"], "the services' body limit")

	cid := plugins["correlation-id"]
	require.Equal(t, httpapi.RequestIDHeader, cid["header_name"])
	require.Equal(t, true, cid["echo_downstream"])
	require.Contains(t, []any{"uuid", "uuid#counter", "tracker"}, cid["generator"])

	hl := plugins["http-log"]
	require.Equal(t, kongconf.LogsEndpoint, hl["http_endpoint"])
	require.Equal(t, "POST", hl["method"])
	require.Equal(t, "application/json", hl["content_type"])
	require.NotContains(t, hl, "headers", "the ingest credential is added at start, never committed")
	require.Equal(t, map[string]any{"request.headers.x-api-key": "return nil"}, hl["custom_fields_by_lua"],
		"the API key a client sends is not logged (Kong redacts Authorization itself)")
	queue, ok := hl["queue"].(map[string]any)
	require.True(t, ok, "http-log queue")
	require.Positive(t, queue["max_batch_size"].(int))

	prom := plugins["prometheus"]
	require.Equal(t, true, prom["status_code_metrics"])
	require.Equal(t, true, prom["latency_metrics"])
}

// TestLogsEndpointIsTheKongIngest checks that http-log posts to the Logging Service's operation for
// Kong's payload, on the service's upstream.
func TestLogsEndpointIsTheKongIngest(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(kongconf.LogsEndpoint)
	require.NoError(t, err)
	require.Equal(t, strconv.Itoa(kongconf.UpstreamPort), u.Port())
	all := services.All()
	i := slices.IndexFunc(all, func(s service.Service) bool { return s.Name == u.Hostname() })
	require.GreaterOrEqual(t, i, 0, "http-log posts to %s, which is no service", u.Hostname())
	doc, err := openapi3.NewLoader().LoadFromData(all[i].Spec)
	require.NoError(t, err)
	item := doc.Paths.Find(u.Path)
	require.NotNil(t, item, "the %s spec has no path %s", u.Hostname(), u.Path)
	require.NotNil(t, item.Post, "the %s spec has no POST %s", u.Hostname(), u.Path)
}

func TestPathRegex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		template, regex string
		literals        int
	}{
		{"/scripts", "~/scripts$", 1},
		{"/scripts/{scriptId}", "~/scripts/[^/]+$", 1},
		{"/scripts/{scriptId}/sections/reorder", "~/scripts/[^/]+/sections/reorder$", 3},
		{"/openapi/logs.yaml", `~/openapi/logs\.yaml$`, 2},
		{"/files/{name}.{ext}", `~/files/[^/]+\.[^/]+$`, 1},
	} {
		re, literals, err := kongconf.PathRegex(tc.template)
		require.NoError(t, err)
		require.Equal(t, tc.regex, re, tc.template)
		require.Equal(t, tc.literals, literals, tc.template)
	}
	_, _, err := kongconf.PathRegex("scripts")
	require.Error(t, err)
}

func keys(m map[string]map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
