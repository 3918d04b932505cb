package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/rs/cors"
)

// CORSOriginsEnv lists, comma-separated, the origins whose pages may call the API from a browser;
// `fountain serve` and `fountain kong` both read it, so the services and the gateway allow the same
// origins.
const CORSOriginsEnv = "FOUNTAIN_CORS_ORIGINS"

// AnyOrigin, alone in the list of origins, allows every origin. That is safe here because the API's
// credentials are request headers (X-API-Key, Authorization) and never cookies: a page on another
// origin can only send a credential it already holds, a browser adds none by itself, and the
// policy never allows credentials in the CORS sense.
const AnyOrigin = "*"

// The CORS policy, defined once: the services apply it (CORS.Middleware) and the gateway's cors
// plugin is generated from it (internal/kongconf), so a browser gets the same answer either way.
var (
	corsMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	// What a browser may send: the two credentials, JSON bodies, idempotent retries, conditional
	// requests and a request id of its own.
	corsRequestHeaders = []string{"Authorization", "X-API-Key", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match", RequestIDHeader}
	// What a script may read beyond the CORS-safelisted response headers: versions, created
	// resources, the request id to quote in a report, why a request was refused or must wait, and
	// notices of deprecation and pagination.
	corsExposedHeaders = []string{
		"ETag", "Location", RequestIDHeader, "WWW-Authenticate", "Retry-After",
		"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Deprecation", "Sunset", "Link",
	}
)

// corsMaxAge is how long, in seconds, a browser may reuse a preflight's answer: few preflights
// are repeated, and a changed policy reaches every browser within ten minutes.
const corsMaxAge = 600

// CORS is a cross-origin policy that allows at least one origin. A nil *CORS allows none: its
// Middleware adds nothing, and a process without one answers as if CORS did not exist.
type CORS struct {
	origins []string
	handler *cors.Cors
}

// NewCORS returns the policy allowing origins, each as a browser sends it in the Origin header
// (scheme://host[:port], lower case, no path) or AnyOrigin alone. No origins give nil: nothing is
// allowed. A malformed origin is refused with the form it should take, rather than never matching.
func NewCORS(origins []string) (*CORS, error) {
	var allowed []string
	for _, o := range origins {
		o, err := ParseOrigin(o)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(allowed, o) {
			allowed = append(allowed, o)
		}
	}
	if len(allowed) == 0 {
		return nil, nil
	}
	if len(allowed) > 1 && slices.Contains(allowed, AnyOrigin) {
		return nil, fmt.Errorf("CORS origin %q allows every origin: list it alone, not with %s", AnyOrigin, strings.Join(slices.DeleteFunc(slices.Clone(allowed), func(o string) bool { return o == AnyOrigin }), ", "))
	}
	return &CORS{origins: allowed, handler: cors.New(cors.Options{
		AllowedOrigins: allowed,
		AllowedMethods: corsMethods,
		AllowedHeaders: corsRequestHeaders,
		ExposedHeaders: corsExposedHeaders,
		MaxAge:         corsMaxAge,
		// Credentials are headers the page sets itself; no cookie or HTTP authentication is ever
		// asked of a browser, so none is allowed to ride along.
		AllowCredentials: false,
	})}, nil
}

// ParseOrigin checks that s is an origin a browser can send and returns it. Origins are compared
// as strings, by the services and by the gateway, so only the serialized form is accepted; for a
// near miss (a trailing slash, capitals, the scheme's default port) the error names the right form.
func ParseOrigin(s string) (string, error) {
	if s == AnyOrigin {
		return s, nil
	}
	bad := func(why string) error { return fmt.Errorf("CORS origin %q: %s", s, why) }
	if s == "null" {
		return "", bad("the null origin is shared by sandboxed frames and local files of any site, so allowing it allows them all")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", bad(err.Error())
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", bad("an origin is http:// or https://, then the host and an optional port, e.g. https://app.example.com")
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return "", bad("no host: write scheme://host[:port], e.g. https://app.example.com")
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", bad("an origin has no user, query or fragment: write scheme://host[:port]")
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, "*") {
		return "", bad("no wildcards in an origin: list each origin, or " + AnyOrigin + " alone for all")
	}
	// Letters, digits, dots and hyphens only: the gateway reads any other character as a regular
	// expression, and browsers send international names in their ASCII (xn--) form.
	if host == "" || strings.HasPrefix(u.Host, "[") || strings.ContainsFunc(host, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '.' || r == '-')
	}) {
		return "", bad("the host must be a name or an IPv4 address (letters, digits, dots and hyphens; IPv6 literals are not supported)")
	}
	want := scheme + "://" + host
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", bad("port " + port + " is not 1 to 65535")
		}
		if !(scheme == "http" && n == 80) && !(scheme == "https" && n == 443) {
			want += ":" + strconv.Itoa(n)
		}
	}
	if s != want {
		return "", bad("write it as a browser sends it: " + want)
	}
	return s, nil
}

// Origins are the allowed origins, in the order given (AnyOrigin alone when all are).
func (c *CORS) Origins() []string { return slices.Clone(c.origins) }

// Methods are the methods a page on an allowed origin may use.
func (c *CORS) Methods() []string { return slices.Clone(corsMethods) }

// RequestHeaders are the request headers a page on an allowed origin may set.
func (c *CORS) RequestHeaders() []string { return slices.Clone(corsRequestHeaders) }

// ExposedHeaders are the response headers a page on an allowed origin may read.
func (c *CORS) ExposedHeaders() []string { return slices.Clone(corsExposedHeaders) }

// MaxAge is how long, in seconds, a browser may cache a preflight's answer.
func (c *CORS) MaxAge() int { return corsMaxAge }

// Middleware answers preflights (OPTIONS with Access-Control-Request-Method) itself with 204,
// without asking for credentials, which a browser never sends on a preflight; so it must run
// before authentication. Every other request goes on with Access-Control-Allow-Origin and
// Access-Control-Expose-Headers set when its origin is allowed, whatever the answer turns out to
// be: a script can read a 401 or 404 as well as a 200. Responses always say Vary: Origin, since
// they differ by origin. The request's log line names the origin and whether it was allowed, the
// one trace of a refusal a browser otherwise shows only in its console.
func (c *CORS) Middleware(next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	h := c.handler.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" {
			AddLogAttrs(r.Context(), slog.String("origin", origin), slog.Bool("cors_allowed", c.handler.OriginAllowed(r)))
		}
		h.ServeHTTP(w, r)
	})
}
