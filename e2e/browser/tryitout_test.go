// Package browser checks Swagger UI at /docs/ in a real browser: Debian's chromium driven by the
// pinned playwright-core of this directory (tryitout.mjs), against `fountain serve` on a port of
// its own, as a person trying the API out would use it.
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/subprocess"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// setup installs what the test needs; `make test` runs it before the tests.
const setup = "`make browser` (what `make test` runs first: scripts/ensure-node.sh, scripts/ensure-chromium.sh, npm ci in e2e/browser)"

// chromiums are where the chromium package puts the browser: Debian's, and Ubuntu's (whose package
// installs the snap), as scripts/ensure-chromium.sh finds them.
var chromiums = []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium"}

// requireSetup fails, rather than skips, without the browser or the driver: a machine that cannot
// run this test must not pass it. It returns node and the environment the scripts run with.
func requireSetup(t *testing.T) (string, []string) {
	t.Helper()
	browser := ""
	for _, c := range chromiums {
		if _, err := os.Stat(c); err == nil {
			browser = c
			break
		}
	}
	if browser == "" {
		t.Fatalf("chromium is missing (looked for %s); install it with %s", strings.Join(chromiums, ", "), setup)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is missing; install it with %s", setup)
	}
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	var installed struct{ Version string }
	raw, err := os.ReadFile("package-lock.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &lock))
	want := lock.Packages["node_modules/playwright-core"].Version
	require.NotEmpty(t, want, "package-lock.json pins playwright-core")
	raw, err = os.ReadFile("node_modules/playwright-core/package.json")
	if err != nil {
		t.Fatalf("playwright-core is not installed in e2e/browser/node_modules (%v); install it with %s", err, setup)
	}
	require.NoError(t, json.Unmarshal(raw, &installed))
	if installed.Version != want {
		t.Fatalf("e2e/browser/node_modules has playwright-core %s, package-lock.json pins %s; reinstall it with %s", installed.Version, want, setup)
	}
	return node, append(environWithoutFountain(), "CHROMIUM="+browser)
}

// script is what the page showed of a created script.
type script struct {
	ScriptID int64  `json:"scriptId"`
	Title    string `json:"title"`
}

// TestTryItOut serves every service on a port that is not the specs' old fixed 8080 and has the
// browser create two scripts, a transition and read the story through Try it out; tryitout.mjs
// fails on any step the page gets wrong, any console error or failed request. The test then reads
// the two scripts back over HTTP: the page's answers were the server's.
func TestTryItOut(t *testing.T) {
	node, env := requireSetup(t)
	f := serveFountain(t)
	base, apiKey := f.base, f.apiKey

	// Kept when the test fails, so that the screenshot and page text it names can be looked at.
	artifacts, err := os.MkdirTemp("", "tryitout-")
	require.NoError(t, err)
	t.Cleanup(func() {
		if !t.Failed() {
			_ = os.RemoveAll(artifacts)
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, node, "tryitout.mjs")
	run.Env = append(env, "FOUNTAIN_URL="+base, "FOUNTAIN_API_KEY="+apiKey,
		"USER_DATA_DIR="+t.TempDir(), "ARTIFACT_DIR="+artifacts)
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("node tryitout.mjs: %v (screenshot and page text, if the page got that far, in %s)\n%s%s", err, artifacts, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var result struct {
		Scripts  []script `json:"scripts"`
		Requests []string `json:"requests"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &result), stdout.String())
	t.Logf("the page sent: %s", strings.Join(result.Requests, ", "))
	require.Len(t, result.Scripts, 2)
	require.NotEqual(t, result.Scripts[0].ScriptID, result.Scripts[1].ScriptID)

	for _, s := range result.Scripts {
		req, err := http.NewRequest(http.MethodGet, base+"/scripts/"+strconv.FormatInt(s.ScriptID, 10), nil)
		require.NoError(t, err)
		req.Header.Set("X-API-Key", apiKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var stored script
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&stored))
		_ = resp.Body.Close()
		require.Equal(t, s, stored, "the script the page showed is the one stored")
	}
}

// fountain is a `fountain serve` of every service for one test, on a port that is not the specs'
// old fixed 8080, with an admin API key of a tenant of its own.
type fountain struct {
	base, apiKey string
}

func serveFountain(t *testing.T, args ...string) fountain {
	t.Helper()
	dbURL := dbtest.New(t)
	bin, err := subprocess.BuildFountain(t.TempDir())
	require.NoError(t, err)
	env := environWithoutFountain()
	keys := exec.Command(bin, "keys", "create", "--database-url", dbURL, "--name", "browser", "--tenant", "browser", "--role", "admin")
	keys.Env = env
	var keyOut, keyErr bytes.Buffer
	keys.Stdout, keys.Stderr = &keyOut, &keyErr
	require.NoError(t, keys.Run(), "fountain keys create: %s", keyErr.String())

	var addr string
	for addr == "" || strings.HasSuffix(addr, ":8080") {
		addr, err = subprocess.FreeAddr()
		require.NoError(t, err)
	}
	base := "http://" + addr
	serve := exec.Command(bin, append([]string{"serve", "--addr", addr, "--database-url", dbURL, "--migrate=false",
		"--ship-logs=false", "--shutdown-timeout", "5s", "--max-conns", "8", "--log-level", "warn"}, args...)...)
	serve.Env = env
	out := &apitest.Output{}
	serve.Stdout, serve.Stderr = out, out
	proc, err := subprocess.Start(serve)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = proc.Stop(10 * time.Second)
		if t.Failed() {
			t.Logf("fountain serve output:\n%s", out.String())
		}
	})
	require.NoError(t, proc.WaitReady(base+"/readyz", 30*time.Second), out.String())
	return fountain{base: base, apiKey: strings.TrimSpace(keyOut.String())}
}

// scriptTitles lists the titles of the key's tenant's scripts.
func (f fountain) scriptTitles(t *testing.T) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.base+"/scripts", nil)
	require.NoError(t, err)
	req.Header.Set("X-API-Key", f.apiKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var page struct {
		Scripts []script `json:"scripts"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	titles := make([]string, len(page.Scripts))
	for i, s := range page.Scripts {
		titles[i] = s.Title
	}
	return titles
}

// environWithoutFountain is the test's environment without the developer's FOUNTAIN_ settings, which
// would point the processes at another database or credentials.
func environWithoutFountain() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FOUNTAIN_") {
			env = append(env, kv)
		}
	}
	return env
}
