package deploy_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services"
)

// promtool runs Debian's promtool with args in dir and fails t with its output if it fails.
func promtool(t *testing.T, dir string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("promtool")
	require.NoError(t, err, "promtool is not installed: run scripts/ensure-prometheus.sh (make test does)")
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "promtool %s:\n%s", strings.Join(args, " "), out)
	return string(out)
}

// exposedMetrics returns the sample names a FountainAI handler serving every service exposes on
// /metrics after serving a request, histograms' _bucket, _sum and _count included.
func exposedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	h, err := app.Handler(services.All(), app.Options{Pool: dbtest.NewPool(t), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/scripts", nil))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(rec.Body)
	require.NoError(t, err)
	names := map[string]bool{}
	for name, f := range families {
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM:
			names[name+"_bucket"], names[name+"_sum"], names[name+"_count"] = true, true, true
		case dto.MetricType_SUMMARY:
			names[name], names[name+"_sum"], names[name+"_count"] = true, true, true
		default:
			names[name] = true
		}
	}
	return names
}

// scrapeSeries are the series Prometheus itself adds to every target.
var scrapeSeries = []string{"up", "scrape_duration_seconds", "scrape_samples_scraped"}

var (
	promqlString   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promqlMatchers = regexp.MustCompile(`\{[^}]*\}`)
	promqlRange    = regexp.MustCompile(`\[[^\]]*\]`)
	promqlGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promqlIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	promqlKeywords = []string{"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
		"unless", "offset", "inf", "nan"}
)

// metricNames returns the metric names a PromQL expression selects: identifiers outside strings,
// label matchers, ranges and grouping clauses that are neither keywords, nor functions or
// aggregations (followed by a parenthesis), nor part of a number. It is no parser (promtool checks
// the syntax); it only has to find the names in the expressions deploy/ writes.
func metricNames(expr string) []string {
	s := promqlString.ReplaceAllString(expr, " ")
	s = promqlMatchers.ReplaceAllString(s, " ")
	s = promqlRange.ReplaceAllString(s, " ")
	s = promqlGrouping.ReplaceAllString(s, " ")
	var names []string
	for _, loc := range promqlIdent.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		if loc[0] > 0 && (unicode.IsDigit(rune(s[loc[0]-1])) || s[loc[0]-1] == '.') {
			continue // the exponent or a unit inside a number
		}
		if rest := strings.TrimLeftFunc(s[loc[1]:], unicode.IsSpace); strings.HasPrefix(rest, "(") {
			continue
		}
		if slices.Contains(promqlKeywords, strings.ToLower(name)) {
			continue
		}
		names = append(names, name)
	}
	return names
}

func TestMetricNames(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string][]string{
		`sum by (service, le) (rate(a_bucket{service=~"x|y", le!="1"}[5m]))`:           {"a_bucket"},
		`histogram_quantile(0.99, sum without (instance) (rate(b[$__rate_interval])))`: {"b"},
		`x / on (service) group_left (version) y > 1e3 and z offset 5m`:                {"x", "y", "z"},
		`absent(up{job="fountain"}) or vector(0)`:                                      {"up"},
		`service:errors:rate5m / ignoring(status) service:requests:rate5m`:             {"service:errors:rate5m", "service:requests:rate5m"},
		`count by (version) (m{label="sum by (a) (b)"}) * 2`:                           {"m"},
	} {
		require.Equal(t, want, metricNames(expr), expr)
	}
}

// checkSyntax has promtool parse exprs, as recording rules of a temporary rules file, after
// substituting Grafana's variables.
func checkSyntax(t *testing.T, exprs map[string]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("groups:\n  - name: syntax\n    rules:\n")
	keys := make([]string, 0, len(exprs))
	for k := range exprs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	grafana := strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$service", ".+")
	for i, k := range keys {
		expr := grafana.Replace(exprs[k])
		fmt.Fprintf(&b, "      # %s\n      - record: expr_%d\n", k, i)
		b.WriteString("        expr: |\n")
		for _, line := range strings.Split(expr, "\n") {
			b.WriteString("          " + line + "\n")
		}
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "exprs.yml"), []byte(b.String()), 0o600))
	promtool(t, dir, "check", "rules", "exprs.yml")
}
