package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/subprocess"
)

// TestPrometheusScrapesRealCounts runs the fountain binary (`fountain serve`, every service), starts
// Debian's prometheus against it with a 1 s scrape interval, and reads the request counter back
// through Prometheus's query API: the numbers Prometheus stores are the requests made.
func TestPrometheusScrapesRealCounts(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("prometheus")
	require.NoError(t, err, "prometheus is not installed: run scripts/ensure-prometheus.sh (make test does)")
	target := startFountain(t)

	get := func(n int) {
		for range n {
			resp, err := http.Get("http://" + target + "/scripts")
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
		}
	}
	get(7)

	prom := startPrometheus(t, bin, target)
	query := `fountain_http_requests_total{job="fountain",service="scripts",operation="listScripts",method="GET",status="200"}`
	require.Equal(t, 7.0, waitForValue(t, prom, query, 7))
	require.Equal(t, 1.0, waitForValue(t, prom, `up{job="fountain"}`, 1))
	require.Equal(t, 1.0, waitForValue(t, prom, `fountain_db_ready{job="fountain"}`, 1))

	// Later requests reach Prometheus at a later scrape: the series is live, not a first snapshot.
	get(5)
	require.Equal(t, 12.0, waitForValue(t, prom, query, 12))
}

// startFountain builds the fountain binary and runs `fountain serve` on a database of its own until
// the test ends; it returns the address once the process is ready.
func startFountain(t *testing.T) string {
	t.Helper()
	bin, err := subprocess.BuildFountain(t.TempDir())
	require.NoError(t, err)
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "FOUNTAIN_DATABASE_URL="+dbtest.New(t), "FOUNTAIN_ADDR="+addr)
	start(t, cmd, "http://"+addr+"/readyz", "fountain serve")
	return addr
}

// startPrometheus runs bin scraping target every second, on a free local port with its storage in a
// temporary directory, stopped when t ends; it returns the base URL of its HTTP API once it answers.
func startPrometheus(t *testing.T, bin, target string) string {
	t.Helper()
	dir := t.TempDir()
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: fountain
    static_configs:
      - targets: [%q]
`, target)
	configFile := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(configFile, []byte(config), 0o600))

	addr := freeAddr(t)
	cmd := exec.Command(bin,
		"--config.file="+configFile,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	base := "http://" + addr
	start(t, cmd, base+"/-/ready", "prometheus")
	return base
}

// start runs cmd until t ends and waits until readyURL answers 200; the program's output is shown
// when the test fails.
func start(t *testing.T, cmd *exec.Cmd, readyURL, name string) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	p, err := subprocess.Start(cmd)
	require.NoError(t, err)
	t.Cleanup(func() {
		p.Stop(30 * time.Second)
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
	if err := p.WaitReady(readyURL, 60*time.Second); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out.String())
	}
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := subprocess.FreeAddr()
	require.NoError(t, err)
	return addr
}

// waitForValue queries prom until the single series query selects has value want (or 30 s pass) and
// returns the last value seen.
func waitForValue(t *testing.T, prom, query string, want float64) float64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last float64
	var lastErr error
	for time.Now().Before(deadline) {
		last, lastErr = instantQuery(prom, query)
		if lastErr == nil && last == want {
			return last
		}
		time.Sleep(250 * time.Millisecond)
	}
	require.NoError(t, lastErr, "query %s", query)
	return last
}

// instantQuery runs query through the HTTP API and returns the value of its only sample.
func instantQuery(prom, query string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, prom+"/api/v1/query?query="+url.QueryEscape(query), nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, err
	}
	if body.Status != "success" {
		return 0, fmt.Errorf("query %s: %s", query, body.Error)
	}
	if len(body.Data.Result) != 1 {
		return 0, fmt.Errorf("query %s: %d series, want 1", query, len(body.Data.Result))
	}
	s, ok := body.Data.Result[0].Value[1].(string)
	if !ok {
		return 0, errors.New("query " + query + ": sample value is not a string")
	}
	return strconv.ParseFloat(s, 64)
}
