// Package sdk runs the SDKs under sdk/ against a fountain server started for the purpose: the Go
// module's examples and tests, and the TypeScript package's build, type check and smoke program.
package sdk

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/subprocess"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// root is the repository's root directory.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sdk", "go", "go.mod")); err != nil {
		t.Fatalf("no SDK under %s: %v", dir, err)
	}
	return dir
}

// baseEnv is the environment without the developer's FOUNTAIN_ settings, which would point the
// server or the SDKs' tests elsewhere, and outside any go.work, so that the SDK module builds on its
// own as its users build it.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FOUNTAIN_") && !strings.HasPrefix(kv, "GOWORK=") {
			env = append(env, kv)
		}
	}
	return append(env, "GOWORK=off")
}

// run runs name with args in dir and env, and fails t with its output if it fails.
func run(t *testing.T, dir string, env []string, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out.String())
	}
	return out.String()
}

// server starts fountain serve on a fresh database and returns its URL and an admin API key of a
// tenant of its own.
func server(t *testing.T) (url, key string) {
	t.Helper()
	dbURL := dbtest.New(t)
	bin, err := subprocess.BuildFountain(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := baseEnv()
	run(t, ".", env, time.Minute, bin, "migrate", "--database-url", dbURL, "--log-level", "warn", "--ship-logs=false")
	// keys create prints the key alone on stdout, and what it made on stderr.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "keys", "create", "--database-url", dbURL, "--name", "sdk e2e", "--tenant", "sdk", "--role", "admin")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fountain keys create: %v\n%s", err, stderr.String())
	}
	key = strings.TrimSpace(string(out))
	if !strings.HasPrefix(key, "fai_") {
		t.Fatalf("fountain keys create printed %q", key)
	}

	addr, err := subprocess.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	serve := exec.Command(bin, "serve", "--addr", addr, "--database-url", dbURL, "--migrate=false",
		"--shutdown-timeout", "5s", "--max-conns", "8", "--log-level", "warn")
	serve.Env = env
	var log bytes.Buffer
	serve.Stdout, serve.Stderr = &log, &log
	p, err := subprocess.Start(serve)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(10 * time.Second); err != nil {
			t.Errorf("fountain serve: %v", err)
		}
		if t.Failed() {
			t.Logf("fountain serve's output:\n%s", log.String())
		}
	})
	url = "http://" + addr
	if err := p.WaitReady(url+"/readyz", 30*time.Second); err != nil {
		t.Fatalf("fountain serve: %v\n%s", err, log.String())
	}
	return url, key
}

// TestSDKsAgainstALiveServer writes a story and reads it back through each SDK, and holds their
// error types to what the services answer.
func TestSDKsAgainstALiveServer(t *testing.T) {
	dir := root(t)
	ts := filepath.Join(dir, "sdk", "typescript")
	// Checked before anything starts: without them the TypeScript half could not run, and a test
	// that passed without it would hide that.
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: the TypeScript SDK's test needs Node.js and npm. "+
				"make test installs them (scripts/ensure-node.sh) and the SDK's packages (npm ci in sdk/typescript)", tool)
		}
	}
	if _, err := os.Stat(filepath.Join(ts, "node_modules", ".bin", "tsc")); err != nil {
		t.Fatalf("the TypeScript SDK's packages are not installed (%v): run npm ci in sdk/typescript, as make test does", err)
	}

	url, key := server(t)
	env := append(baseEnv(), "FOUNTAIN_URL="+url, "FOUNTAIN_API_KEY="+key)

	t.Run("go", func(t *testing.T) {
		out := run(t, filepath.Join(dir, "sdk", "go"), env, 10*time.Minute, "go", "test", "-count=1", "-v", "./...")
		// The examples are the part that talks to the server: make sure they ran.
		for _, name := range []string{"Example", "ExampleError", "ExampleCheck"} {
			if !strings.Contains(out, "--- PASS: "+name+" ") {
				t.Errorf("%s did not pass:\n%s", name, out)
			}
		}
	})
	t.Run("typescript", func(t *testing.T) {
		run(t, ts, env, 5*time.Minute, "npm", "run", "build")
		run(t, ts, env, 5*time.Minute, "npm", "run", "typecheck")
		out := run(t, ts, env, 2*time.Minute, "node", "test/smoke.mjs")
		if !strings.Contains(out, " passed, 0 failed") {
			t.Errorf("the smoke program did not finish:\n%s", out)
		}
	})
}
