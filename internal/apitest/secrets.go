package apitest

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/fountainai/fountainai/internal/authtest"
)

// secrets are every credential a test client sent in this test binary. No log line a test server
// writes and no error body it answers may contain one (DESIGN.md: no secret is ever logged).
var secrets = struct {
	sync.Mutex
	seen map[string]bool
}{seen: map[string]bool{}}

// Secret records s, a credential or a secret part of one, as never to be shown.
func RecordSecret(s string) {
	if len(s) < 16 {
		return // too short to find by accident; tokens and keys are far longer
	}
	secrets.Lock()
	secrets.seen[s] = true
	secrets.Unlock()
}

// leaked returns the recorded secret b contains, or "".
func leaked(b []byte) string {
	secrets.Lock()
	defer secrets.Unlock()
	for s := range secrets.seen {
		if bytes.Contains(b, []byte(s)) {
			return s
		}
		// A JWT's signature alone is as secret as the token.
		if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i > 16 && bytes.Contains(b, []byte(s[i+1:])) {
			return s
		}
	}
	return ""
}

// checkLogs fails t for every line of out that holds a recorded secret.
func checkLogs(t testing.TB, out *Output) {
	for line := range strings.Lines(out.String()) {
		if leaked([]byte(line)) != "" {
			t.Errorf("a log line holds a credential the test sent: %s", line)
		}
	}
}

func init() {
	RecordSecret(authtest.Secret)
	RecordSecret(authtest.IngestKey)
}
