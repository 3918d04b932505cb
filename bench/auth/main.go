// Command auth is the load harness for the cost of authentication per request: POST /sequence (one
// new element per request) at 1 and 16 clients, and GET /stories of a 5,000-element story at one
// client, each sent to `fountain serve` processes on the same database that differ only in how they
// authenticate the caller:
//
//   - off: FOUNTAIN_AUTH=off (loopback only), requests carry no credential;
//   - bearer HS256: a JWT signed with the shared secret (the harness's default credential);
//   - API key: X-API-Key, a key made with `fountain keys create` (its row is cached 5 s);
//   - bearer RS256: a JWT signed with an RSA key the process reads from a JWKS served here.
//
// Each operation's credentials are measured in rounds, in rotation (each round starts with the
// next credential), after a warm-up of each, so the machine's drift over the run does not favour one.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fountainai/fountainai/bench/internal/harness"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "measured time of each operation, credential and concurrency, over all rounds")
	rounds := flag.Int("rounds", 5, "rounds each measurement is split into, the credentials in rotation")
	warmup := flag.Duration("warmup", time.Second, "unmeasured run of each credential before an operation's rounds")
	levels := flag.String("clients", "1,16", "concurrency levels of POST /sequence")
	size := flag.Int("size", 5000, "elements of the story GET /stories reads (one call reads at most 5,000)")
	flag.Parse()
	var clients []int
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: bad -clients %q\n", *levels)
			os.Exit(2)
		}
		clients = append(clients, n)
	}
	if *rounds < 1 || *size < 1 || *size > pageSize {
		fmt.Fprintln(os.Stderr, "bench: -rounds must be at least 1 and -size between 1 and 5000")
		os.Exit(2)
	}
	if err := run(*duration, *rounds, *warmup, clients, *size); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// pageSize is the most elements one answer of GET /stories holds.
const pageSize = 5000

// credential is one way of authenticating: the process that expects it and how a client sends it.
type credential struct {
	name string
	base string
	wrap func(http.RoundTripper) http.RoundTripper // nil: no credential
}

// operation is one measured request shape; op makes the request function for a credential (its
// index i keeps the credentials' writes apart).
type operation struct {
	name    string
	clients int
	op      func(cr credential, i int) func(*http.Client) (func() error, error)
}

// nextElement numbers elements across all runs: an element holds one position, so reusing an id in
// another run's scope would be refused.
var nextElement atomic.Int64

func run(d time.Duration, rounds int, warmup time.Duration, levels []int, size int) error {
	ctx := context.Background()
	env, err := harness.Start(ctx)
	if err != nil {
		return err
	}
	defer env.Close()

	start := time.Now()
	script, err := harness.WriteStory(env.BaseURL, size, 32)
	if err != nil {
		return err
	}
	seeded := time.Since(start).Round(time.Millisecond)

	key, err := createKey(env)
	if err != nil {
		return err
	}
	jwks, err := startJWKS()
	if err != nil {
		return err
	}
	defer jwks.close()

	// The measured processes are started alike, after the seeding, so none has a head start; Start's
	// process only seeded the story.
	on, err := env.Serve()
	if err != nil {
		return err
	}
	off, err := env.Serve("FOUNTAIN_AUTH=off")
	if err != nil {
		return err
	}
	rs, err := env.Serve("FOUNTAIN_JWT_HS256_SECRET=", "FOUNTAIN_OIDC_ISSUER="+jwks.issuer, "FOUNTAIN_JWKS_URL="+jwks.url)
	if err != nil {
		return err
	}
	creds := []credential{
		{name: "off", base: off},
		{name: "bearer HS256", base: on, wrap: harness.AdminBearer},
		{name: "API key", base: on, wrap: header(auth.APIKeyHeader, key)},
		{name: "bearer RS256 (JWKS)", base: rs, wrap: header("Authorization", "Bearer "+jwks.token)},
	}

	var ops []operation
	for li, c := range levels {
		ops = append(ops, operation{name: "POST /sequence", clients: c, op: func(cr credential, i int) func(*http.Client) (func() error, error) {
			scriptID := int64(7000 + 100*li + i) // one scope per concurrency and credential
			return func(hc *http.Client) (func() error, error) {
				body, _ := json.Marshal(map[string]any{"elementType": "spokenWord", "elementId": nextElement.Add(1), "scriptId": scriptID, "scope": "draft"})
				return nil, harness.PostCreated(hc, cr.base+"/sequence", body)
			}
		}})
	}
	ops = append(ops, operation{name: fmt.Sprintf("GET /stories %d", size), clients: 1, op: func(cr credential, _ int) func(*http.Client) (func() error, error) {
		return func(hc *http.Client) (func() error, error) { return readStory(hc, cr.base, script, size) }
	}})

	fmt.Printf("Authentication's cost per request: the same requests, authentication off and on, one process per\n")
	fmt.Printf("way of authenticating, %s per operation and credential in %d rounds in rotation (after %s of warm-up)\n", d, rounds, warmup)
	fmt.Printf("%s, %d cores; wrote a story of %d elements in %s\n\n", env.Describe(ctx), runtime.NumCPU(), size, seeded)
	fmt.Printf("%-20s  %-20s  %7s  %9s  %9s  %10s  %13s  %9s\n", "operation", "credential", "clients", "p50 ms", "p99 ms", "requests/s", "p50 - off ms", "p50 - off")
	for _, o := range ops {
		results, err := measure(o, creds, d, rounds, warmup)
		if err != nil {
			return fmt.Errorf("%s at %d clients: %w", o.name, o.clients, err)
		}
		base := results[0]
		for i, r := range results {
			delta, pct := "-", "-"
			if i > 0 {
				delta = fmt.Sprintf("%+.3f", r.P50-base.P50)
				pct = fmt.Sprintf("%+.1f%%", 100*(r.P50-base.P50)/base.P50)
			}
			fmt.Printf("%-20s  %-20s  %7d  %9.3f  %9.3f  %10.1f  %13s  %9s\n", o.name, creds[i].name, o.clients, r.P50, r.P99, r.RPS, delta, pct)
		}
	}
	return nil
}

// measure runs o with every credential: a warm-up of each, then rounds of d/rounds each, the
// credentials in rotation, and merges each credential's rounds.
func measure(o operation, creds []credential, d time.Duration, rounds int, warmup time.Duration) ([]harness.Result, error) {
	ops := make([]func(*http.Client) (func() error, error), len(creds))
	for i, cr := range creds {
		ops[i] = o.op(cr, i)
		if warmup > 0 {
			if _, err := harness.LoadVia(o.clients, warmup, cr.wrap, ops[i]); err != nil {
				return nil, fmt.Errorf("%s: %w", cr.name, err)
			}
		}
	}
	lat := make([][]time.Duration, len(creds))
	secs := make([]float64, len(creds))
	for r := range rounds {
		for k := range creds {
			i := (r + k) % len(creds)
			res, err := harness.LoadVia(o.clients, d/time.Duration(rounds), creds[i].wrap, ops[i])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", creds[i].name, err)
			}
			if res.N == 0 {
				return nil, fmt.Errorf("%s: no request finished in a round; raise -duration", creds[i].name)
			}
			lat[i] = append(lat[i], res.Latencies...)
			secs[i] += float64(res.N) / res.RPS
		}
	}
	out := make([]harness.Result, len(creds))
	for i := range creds {
		slices.Sort(lat[i])
		out[i] = harness.Result{RPS: float64(len(lat[i])) / secs[i], P50: harness.Percentile(lat[i], 0.50),
			P90: harness.Percentile(lat[i], 0.90), P99: harness.Percentile(lat[i], 0.99), N: len(lat[i])}
	}
	return out, nil
}

// header sends name: value on every request that carries no credential; nothing else is added.
func header(name, value string) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper { return authtest.WithCredential(name, value, next) }
}

// createKey makes an admin API key of the default tenant as an operator does.
func createKey(env *harness.Env) (string, error) {
	cmd := exec.Command(env.Bin(), "keys", "create", "--database-url", env.DatabaseURL, "--name", "bench", "--tenant", auth.DefaultTenant, "--role", string(auth.Admin))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("fountain keys create: %w\n%s", err, stderr.Bytes())
	}
	key := strings.TrimSpace(string(out))
	if !strings.HasPrefix(key, auth.KeyPrefix) {
		return "", fmt.Errorf("fountain keys create printed no key: %q", key)
	}
	return key, nil
}

// jwksServer publishes one RSA key as a JWKS; token is an admin's RS256 token signed with it.
type jwksServer struct {
	issuer, url, token string
	close              func()
}

func startJWKS() (*jwksServer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	const kid = "bench-1"
	b64 := base64.RawURLEncoding.EncodeToString
	set, _ := json.Marshal(map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
		"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes()),
	}}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(set)
	}))
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": srv.URL, "aud": authtest.Audience, "sub": "bench-rs256", "tenant": auth.DefaultTenant, "role": string(auth.Admin),
		"iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix(),
	})
	tok.Header["kid"] = kid
	signed, err := tok.SignedString(key)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &jwksServer{issuer: srv.URL, url: srv.URL + "/jwks.json", token: signed, close: srv.Close}, nil
}

// readStory reads the whole story of a script of n elements (n <= pageSize: one call); the check it
// returns decodes what was read and fails unless the story is whole and in order.
func readStory(c *http.Client, base string, script int64, n int) (func() error, error) {
	b, err := harness.Get(c, fmt.Sprintf("%s/stories?scriptId=%d&limit=%d&offset=0", base, script, pageSize))
	if err != nil {
		return nil, err
	}
	return func() error {
		var page struct {
			TotalCount int `json:"totalCount"`
			Story      []struct {
				Sequence int64 `json:"sequence"`
			} `json:"story"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return err
		}
		if page.TotalCount != n || len(page.Story) != n {
			return fmt.Errorf("story of %d elements: totalCount %d, %d read", n, page.TotalCount, len(page.Story))
		}
		var last int64
		for _, e := range page.Story {
			if e.Sequence <= last {
				return fmt.Errorf("element %d after %d", e.Sequence, last)
			}
			last = e.Sequence
		}
		return nil
	}, nil
}
