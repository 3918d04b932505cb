// Package access holds the tests that hold every operation of every spec to the access rules: no
// credentials or bad ones are 401, a role short of the operation's is 403, another tenant's
// resource is 404 and stays as it was.
package access

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// operation is one method and path of a spec, with its path parameters filled in.
type operation struct {
	service, id, method, path string
	role                      auth.Role
}

// operations lists every operation of every service, path parameters set to values their schemas
// accept (ids that exist nowhere).
func operations(t *testing.T) []operation {
	t.Helper()
	var ops []operation
	for _, s := range services.All() {
		doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
		require.NoError(t, err)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				role := auth.Writer
				if method == http.MethodGet {
					role = auth.Reader
				}
				if r, ok := op.Extensions["x-fountain-role"].(string); ok {
					role = auth.Role(r)
				}
				ops = append(ops, operation{s.Name, op.OperationID, method, fill(path, append(item.Parameters, op.Parameters...)), role})
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	require.Greater(t, len(ops), 90)
	return ops
}

var param = regexp.MustCompile(`\{[^}]+\}`)

func fill(path string, params openapi3.Parameters) string {
	return param.ReplaceAllStringFunc(path, func(p string) string {
		for _, ref := range params {
			if "{"+ref.Value.Name+"}" == p && ref.Value.Schema != nil && ref.Value.Schema.Value.Type.Is("string") {
				return "0123456789abcdef" // a key id's shape
			}
		}
		return "987654321"
	})
}

func (o operation) request(t *testing.T, base string) *http.Request {
	var body []byte
	if o.method != http.MethodGet && o.method != http.MethodDelete {
		body = []byte(`{}`)
	}
	req, err := http.NewRequest(o.method, base+o.path, bytes.NewReader(body))
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// TestEveryOperationNeedsCredentials sends every operation without credentials and with each kind
// of bad token: 401 with a challenge, before anything of the request is read.
func TestEveryOperationNeedsCredentials(t *testing.T) {
	t.Parallel()
	env := apitest.NewEnv(t, services.All()...)
	client := env.Anonymous(t).HTTP
	now := time.Now()
	good := jwt.MapClaims{"sub": "s", "tenant": "acme", "role": "admin", "iss": authtest.Issuer, "aud": authtest.Audience,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	bad := map[string]func() string{
		"none": func() string { return "" },
		"expired": func() string {
			return authtest.Sign(with(good, "exp", now.Add(-time.Hour).Unix()))
		},
		"not yet valid": func() string {
			return authtest.Sign(with(good, "nbf", now.Add(time.Hour).Unix()))
		},
		"wrong issuer":   func() string { return authtest.Sign(with(good, "iss", "https://evil.example")) },
		"wrong audience": func() string { return authtest.Sign(with(good, "aud", "other")) },
		"alg none":       func() string { return unsigned(good) },
		"other secret": func() string {
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, good).SignedString([]byte(strings.Repeat("k", 32)))
			return s
		},
		"garbage": func() string { return "not.a.token" },
	}
	for _, op := range operations(t) {
		for name, token := range bad {
			req := op.request(t, env.URL)
			if tok := token(); tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := client.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s %s (%s) with %s", op.method, op.path, op.id, name)
			require.True(t, strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer "), "%s: challenge", op.id)
		}
		req := op.request(t, env.URL)
		req.Header.Set(auth.APIKeyHeader, "fai_0123456789abcdef_"+strings.Repeat("A", 43))
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s with an unknown API key", op.id)
	}
}

// TestEveryOperationChecksTheRole calls every operation with each role: a role short of the
// operation's is 403, any other is past the check (whatever the operation then answers to an
// empty body and ids that do not exist).
func TestEveryOperationChecksTheRole(t *testing.T) {
	t.Parallel()
	env := apitest.NewEnv(t, services.All()...)
	for _, role := range []auth.Role{auth.Reader, auth.Writer, auth.Admin, auth.Ingest} {
		client := env.As(t, "acme", role).HTTP // with role ingest, the ingest key
		for _, op := range operations(t) {
			resp, err := client.Do(op.request(t, env.URL))
			require.NoError(t, err)
			resp.Body.Close()
			if role.Allows(op.role) {
				require.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, resp.StatusCode, "%s as %s", op.id, role)
			} else {
				require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s as %s", op.id, role)
			}
		}
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	out[k] = v
	return out
}

// unsigned is a token with alg "none", which the library refuses to make.
func unsigned(c jwt.MapClaims) string {
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(b) + "."
}
