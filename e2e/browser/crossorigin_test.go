package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// page is a browser application on an origin of its own: it creates a script on the API with its
// key (a POST with a JSON body, which the browser preflights) and shows the status, the exposed
// Location and ETag and the title it read back, or the error fetch gave.
const page = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>app</title></head><body>
<pre id="result"></pre>
<script>
(async () => {
  const out = document.getElementById('result');
  try {
    const created = await fetch(%[1]q + '/scripts', {
      method: 'POST',
      headers: { 'X-API-Key': %[2]q, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ title: 'From ' + location.origin }),
    });
    const body = await created.json();
    const read = await fetch(%[1]q + created.headers.get('Location'), { headers: { 'X-API-Key': %[2]q } });
    const again = await fetch(%[1]q + created.headers.get('Location'), {
      headers: { 'X-API-Key': %[2]q, 'If-None-Match': read.headers.get('ETag') },
    });
    out.textContent = JSON.stringify({
      status: created.status, location: created.headers.get('Location'), etag: created.headers.get('ETag'),
      requestId: created.headers.get('X-Request-Id') !== null, title: (await read.json()).title, id: body.scriptId,
      revalidated: again.status,
    });
  } catch (e) {
    out.textContent = 'blocked: ' + e.message;
  }
  const done = document.createElement('i');
  done.id = 'done';
  document.body.append(done);
})();
</script></body></html>`

// TestCrossOriginApplication: a page on an origin the server allows calls the API from the
// browser, preflight, credential, JSON body and exposed headers included; a page on another origin
// is refused by the browser, and nothing of its request is written.
func TestCrossOriginApplication(t *testing.T) {
	node, env := requireSetup(t)
	// Two origins serving the same page, started once the page knows the API it calls.
	var body string
	app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(body))
	})
	allowed, other := httptest.NewUnstartedServer(app), httptest.NewUnstartedServer(app)
	allowedURL, otherURL := "http://"+allowed.Listener.Addr().String(), "http://"+other.Listener.Addr().String()
	f := serveFountain(t, "--cors-origin", allowedURL)
	body = fmt.Sprintf(page, f.base, f.apiKey)
	allowed.Start()
	t.Cleanup(allowed.Close)
	other.Start()
	t.Cleanup(other.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, node, "crossorigin.mjs")
	run.Env = append(env, "PAGES="+allowedURL+","+otherURL, "USER_DATA_DIR="+t.TempDir())
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	require.NoError(t, run.Run(), "node crossorigin.mjs:\n%s%s", stdout.String(), stderr.String())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var report []struct {
		Page          string   `json:"page"`
		Result        string   `json:"result"`
		ConsoleErrors []string `json:"consoleErrors"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &report), stdout.String())
	require.Len(t, report, 2)

	var got struct {
		Status      int    `json:"status"`
		Location    string `json:"location"`
		ETag        string `json:"etag"`
		RequestID   bool   `json:"requestId"`
		Title       string `json:"title"`
		ID          int64  `json:"id"`
		Revalidated int    `json:"revalidated"`
	}
	require.NoError(t, json.Unmarshal([]byte(report[0].Result), &got), "the allowed page: %s %v", report[0].Result, report[0].ConsoleErrors)
	require.Empty(t, report[0].ConsoleErrors)
	require.Equal(t, http.StatusCreated, got.Status)
	require.Equal(t, fmt.Sprintf("/scripts/%d", got.ID), got.Location, "Location is exposed to the page")
	require.Equal(t, `"1"`, got.ETag, "ETag is exposed to the page")
	require.True(t, got.RequestID, "X-Request-Id is exposed to the page")
	require.Equal(t, "From "+allowedURL, got.Title)
	require.Equal(t, http.StatusNotModified, got.Revalidated, "If-None-Match from the page")

	require.True(t, strings.HasPrefix(report[1].Result, "blocked: "), "the other origin's page: %s", report[1].Result)
	require.Contains(t, strings.Join(report[1].ConsoleErrors, "\n"), "CORS policy")
	titles := f.scriptTitles(t)
	require.Equal(t, []string{"From " + allowedURL}, titles, "the refused preflight wrote nothing")
}
