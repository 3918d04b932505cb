// Package kongconf builds the Kong gateway's DB-less declarative configuration (kong/kong.yml) from
// the services' OpenAPI specs, so the gateway routes exactly the operations the services serve, at
// the same public URLs as `fountain serve`, and cannot drift from the specs.
package kongconf

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
)

// FormatVersion is the declarative format Kong 3.x reads.
const FormatVersion = "3.0"

// UpstreamPort is the port every service listens on in the compose topology
// (`fountain serve <name> --addr :8080`).
const UpstreamPort = 8080

// LogsEndpoint is where the http-log plugin ships each request's log: the Logging Service's Kong
// ingest operation (POST /logs/kong in api/logs.yaml), reached directly rather than through Kong.
const LogsEndpoint = "http://logs:8080/logs/kong"

// RateLimitHeader is the header whose value the rate limit counts requests by: each bearer
// credential has its own bucket. Requests without it (API keys sent as X-API-Key, or no
// credential) are counted by client IP, as Kong's rate-limiting plugin does when the header is
// absent.
const RateLimitHeader = "Authorization"

// Config is a Kong declarative configuration: the subset of the format FountainAI uses.
type Config struct {
	FormatVersion string    `yaml:"_format_version"`
	Services      []Service `yaml:"services"`
	Plugins       []Plugin  `yaml:"plugins"`
}

// Service is a Kong service: one FountainAI service and the routes that reach it.
type Service struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
	// Timeouts in milliseconds. The read timeout matches the services' own 60 s read timeout; a
	// whole story of tens of thousands of elements is the slowest answer.
	ConnectTimeout int      `yaml:"connect_timeout"`
	ReadTimeout    int      `yaml:"read_timeout"`
	WriteTimeout   int      `yaml:"write_timeout"`
	Retries        int      `yaml:"retries"`
	Tags           []string `yaml:"tags,flow"`
	Routes         []Route  `yaml:"routes"`
}

// Route is a Kong route: one operation of a spec (method and path).
type Route struct {
	Name    string   `yaml:"name"`
	Methods []string `yaml:"methods,flow"`
	// Paths holds one Kong 3 regex path ("~/scripts/[^/]+$"), or, on a preflight route, every path
	// of its service; Kong anchors each at the start, the generator at the end, so it matches
	// exactly the paths the spec's template matches.
	Paths []string `yaml:"paths,flow"`
	// StripPath is false: the services serve the same paths as the gateway.
	StripPath bool `yaml:"strip_path"`
	// RegexPriority breaks ties between regexes that match the same path: the route with more
	// literal segments wins, as the more specific pattern wins in the services' own mux.
	RegexPriority int      `yaml:"regex_priority"`
	Protocols     []string `yaml:"protocols,flow"`
	Tags          []string `yaml:"tags,flow"`
}

// Plugin is a Kong plugin applied to every route (a global plugin).
type Plugin struct {
	Name   string         `yaml:"name"`
	Config map[string]any `yaml:"config"`
}

const tag = "fountainai"

// Generate builds the configuration for services: a Kong service per FountainAI service at
// http://<name>:8080 with a route per operation of its spec plus its /openapi/<name>.yaml, and the
// global plugins. It holds no secret: the ingest credential http-log sends is added at deployment
// time by AddIngestKey.
func Generate(services []service.Service) (Config, error) {
	cfg := Config{FormatVersion: FormatVersion, Plugins: Plugins()}
	for _, s := range services {
		routes, err := serviceRoutes(s)
		if err != nil {
			return Config{}, err
		}
		cfg.Services = append(cfg.Services, Service{
			Name:           s.Name,
			URL:            fmt.Sprintf("http://%s:%d", s.Name, UpstreamPort),
			ConnectTimeout: 5000,
			ReadTimeout:    60000,
			WriteTimeout:   60000,
			// Kong retries only when it could not get an answer from the upstream (connection
			// refused, a replica restarting); two retries ride out one replica going away.
			Retries: 2,
			Tags:    []string{tag},
			Routes:  routes,
		})
	}
	return cfg, nil
}

func serviceRoutes(s service.Service) ([]Route, error) {
	doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
	if err != nil {
		return nil, fmt.Errorf("load %s spec: %w", s.Name, err)
	}
	var routes []Route
	items := doc.Paths.Map()
	paths := make([]string, 0, len(items))
	for p := range items {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		re, literals, err := PathRegex(path)
		if err != nil {
			return nil, fmt.Errorf("%s spec: %w", s.Name, err)
		}
		ops := items[path].Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, m := range methods {
			op := ops[m]
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s spec: %s %s has no operationId", s.Name, m, path)
			}
			routes = append(routes, newRoute(s.Name+"-"+op.OperationID, m, re, literals))
		}
	}
	specRe, literals, err := PathRegex("/openapi/" + s.Name + ".yaml")
	if err != nil {
		return nil, err
	}
	routes = append(routes, newRoute(s.Name+"-openapiSpec", "GET", specRe, literals))
	if s.Name == DocsService {
		for i, p := range []string{"/docs", "/docs/", "/docs/{file}"} {
			re, literals, err := PathRegex(p)
			if err != nil {
				return nil, err
			}
			routes = append(routes, newRoute(fmt.Sprintf("%s-docs-%d", s.Name, i+1), "GET", re, literals))
		}
	}
	return routes, nil
}

// DocsService is the service whose process answers /docs through the gateway. Every process lists
// the whole deployment's specs there (app.Options.Catalog) and the gateway routes each spec and
// each operation to its own service, so Try it out from that page goes through the gateway too.
const DocsService = "access"

func newRoute(name, method, pathRegex string, literals int) Route {
	methods := []string{method}
	if method == "GET" {
		// The services answer HEAD wherever they answer GET.
		methods = append(methods, "HEAD")
	}
	return Route{
		Name:          name,
		Methods:       methods,
		Paths:         []string{pathRegex},
		StripPath:     false,
		RegexPriority: literals,
		Protocols:     []string{"http", "https"},
		Tags:          []string{tag},
	}
}

var (
	templateParam = regexp.MustCompile(`\{[^{}/]+\}`)
	routeName     = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
)

// PathRegex turns an OpenAPI path template into a Kong 3 regex path that matches exactly the
// paths the template matches: each {param} stands for one non-empty segment and everything else
// is literal. It also returns the number of segments without a parameter, the route's priority.
func PathRegex(template string) (regex string, literalSegments int, err error) {
	if !strings.HasPrefix(template, "/") {
		return "", 0, fmt.Errorf("path %q does not start with /", template)
	}
	var b strings.Builder
	b.WriteString("~")
	for _, seg := range strings.Split(template[1:], "/") {
		b.WriteString("/")
		params := templateParam.FindAllStringIndex(seg, -1)
		if len(params) == 0 {
			literalSegments++
		}
		last := 0
		for _, p := range params {
			b.WriteString(regexp.QuoteMeta(seg[last:p[0]]))
			b.WriteString("[^/]+")
			last = p[1]
		}
		b.WriteString(regexp.QuoteMeta(seg[last:]))
	}
	b.WriteString("$")
	return b.String(), literalSegments, nil
}

// Plugins are the global plugins: every request is rate limited, size limited, given a request
// id, logged to the Logging Service and counted for Prometheus. None authenticates: the services
// verify every request's credential (Authorization or X-API-Key) themselves, and no plugin removes
// or adds those headers, so what a service sees is what the client sent.
func Plugins() []Plugin {
	return []Plugin{
		{Name: "rate-limiting", Config: map[string]any{
			"second": 100,
			"minute": 3000,
			// A bucket per Authorization value, else per client IP. The gateway does not verify
			// the credential, so the limit is per credential sent, not per identity proven: a
			// client inventing a new header value per request gets a new bucket, and the service
			// refuses those requests (401).
			"limit_by":    "header",
			"header_name": RateLimitHeader,
			// Counters live in each Kong node's memory: no database or Redis on the request path.
			// With several Kong nodes each enforces the limit on its own share of the traffic.
			"policy":         "local",
			"fault_tolerant": true,
		}},
		{Name: "request-size-limiting", Config: map[string]any{
			// The services refuse bodies over httpapi.MaxBody; refusing them at the gateway keeps
			// them off the upstream connections.
			"allowed_payload_size":   httpapi.MaxBody,
			"size_unit":              "bytes",
			"require_content_length": false,
		}},
		{Name: "correlation-id", Config: map[string]any{
			// The header the services read, log and answer: one id follows a request through
			// Kong's log, the service's log line and the Logging Service.
			"header_name":     httpapi.RequestIDHeader,
			"generator":       "uuid",
			"echo_downstream": true,
		}},
		{Name: "http-log", Config: map[string]any{
			"http_endpoint": LogsEndpoint,
			"method":        "POST",
			"content_type":  "application/json",
			"timeout":       10000,
			"keepalive":     60000,
			// Kong logs every request header and redacts only Authorization: the API key a client
			// sends in X-API-Key is removed from the entry, so no credential lands in the logs.
			"custom_fields_by_lua": map[string]string{
				"request.headers." + strings.ToLower(auth.APIKeyHeader): "return nil",
			},
			// Entries are sent in batches (a JSON array) from a queue, so logging never holds up a
			// request; a batch stays well under the Logging Service's 1 MiB body limit.
			"queue": map[string]any{
				"max_batch_size":       100,
				"max_coalescing_delay": 1,
				"max_entries":          10000,
				"max_retry_time":       60,
			},
		}},
		{Name: "prometheus", Config: map[string]any{
			// Served on Kong's status listener (:8100/metrics), scraped by deploy/prometheus.
			"status_code_metrics":     true,
			"latency_metrics":         true,
			"bandwidth_metrics":       true,
			"upstream_health_metrics": true,
			"per_consumer":            false,
		}},
	}
}

const header = `# Kong gateway, DB-less declarative configuration. GENERATED by ` + "`fountain kong`" + ` from api/*.yaml
# (` + "`make generate`" + `); do not edit: ` + "`make verify`" + ` fails when this file is stale.
#
# One service per FountainAI service (http://<name>:8080), one route per operation of its spec at the
# same path as ` + "`fountain serve`" + `, plus /openapi/<name>.yaml. The gateway authenticates no one: it passes
# Authorization and X-API-Key through, and the services verify them. The ingest credential http-log
# sends is a secret, not here: ` + "`fountain kong --with-secrets`" + ` adds it at start (see docker-compose.yml).
# No browser on another origin is allowed: FOUNTAIN_CORS_ORIGINS (or --cors-origin) adds the cors plugin.
`

// Marshal renders cfg as the YAML Kong reads, with an explanatory header.
func Marshal(cfg Config) ([]byte, error) {
	for _, s := range cfg.Services {
		for _, r := range s.Routes {
			if !routeName.MatchString(r.Name) {
				return nil, fmt.Errorf("route name %q is not a valid Kong name", r.Name)
			}
		}
	}
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cfg); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Parse reads a declarative configuration, refusing fields this package does not know.
func Parse(data []byte) (Config, error) {
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("parse Kong configuration: %w", err)
	}
	return cfg, nil
}
