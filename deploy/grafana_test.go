package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	ID         int            `json:"id"`
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Datasource *datasourceRef `json:"datasource"`
	GridPos    struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string         `json:"name"`
			Datasource *datasourceRef `json:"datasource"`
			Query      struct {
				Query string `json:"query"`
			} `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	raw, err := os.ReadFile("grafana/dashboards/fountainai.json")
	require.NoError(t, err)
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	require.NoError(t, dec.Decode(&d))
	require.NotEmpty(t, d.UID)
	require.NotEmpty(t, d.Panels)
	return d
}

// provisionedDatasource returns the uid of the Prometheus datasource Grafana is provisioned with.
func provisionedDatasource(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("grafana/provisioning/datasources/prometheus.yml")
	require.NoError(t, err)
	var cfg struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &cfg))
	require.Equal(t, 1, cfg.APIVersion)
	require.Len(t, cfg.Datasources, 1)
	require.Equal(t, "prometheus", cfg.Datasources[0].Type)
	require.Equal(t, "http://prometheus:9090", cfg.Datasources[0].URL, "the compose prometheus service")
	return cfg.Datasources[0].UID
}

func TestDashboardProvisioning(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("grafana/provisioning/dashboards/fountainai.yml")
	require.NoError(t, err)
	var cfg struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &cfg))
	require.Equal(t, 1, cfg.APIVersion)
	require.Len(t, cfg.Providers, 1)
	require.Equal(t, "file", cfg.Providers[0].Type)
	require.Equal(t, "/var/lib/grafana/dashboards", cfg.Providers[0].Options.Path)
	loadDashboard(t)
}

var labelValues = regexp.MustCompile(`^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$`)

// TestDashboardQueriesUseExposedMetrics checks every panel's PromQL: it parses (promtool), it reads
// only metrics a real FountainAI handler exposes on /metrics, and it asks the provisioned datasource.
func TestDashboardQueriesUseExposedMetrics(t *testing.T) {
	t.Parallel()
	d := loadDashboard(t)
	uid := provisionedDatasource(t)
	exposed := exposedMetrics(t)

	exprs := map[string]string{}
	ids := map[int]bool{}
	var walk func(ps []panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			require.False(t, ids[p.ID], "panel id %d repeats", p.ID)
			ids[p.ID] = true
			require.LessOrEqual(t, p.GridPos.X+p.GridPos.W, 24, "panel %q is wider than the dashboard", p.Title)
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			require.NotNil(t, p.Datasource, "panel %q has no datasource", p.Title)
			require.Equal(t, uid, p.Datasource.UID, "panel %q", p.Title)
			require.NotEmpty(t, p.Targets, "panel %q has no query", p.Title)
			for _, q := range p.Targets {
				key := fmt.Sprintf("%s/%s", p.Title, q.RefID)
				require.NotEmpty(t, q.Expr, key)
				exprs[key] = q.Expr
				names := metricNames(q.Expr)
				require.NotEmpty(t, names, "%s selects no metric", key)
				for _, n := range names {
					require.True(t, exposed[n], "%s reads %s, which FountainAI does not expose", key, n)
				}
			}
		}
	}
	walk(d.Panels)
	require.GreaterOrEqual(t, len(exprs), 10)

	for _, v := range d.Templating.List {
		require.NotNil(t, v.Datasource, "variable %s", v.Name)
		require.Equal(t, uid, v.Datasource.UID, "variable %s", v.Name)
		m := labelValues.FindStringSubmatch(v.Query.Query)
		require.NotNil(t, m, "variable %s: %q", v.Name, v.Query.Query)
		require.True(t, exposed[m[1]], "variable %s reads %s, which FountainAI does not expose", v.Name, m[1])
	}

	checkSyntax(t, exprs)
}

// TestDashboardCoversTheIssue checks the dashboard shows what operators were promised: request rate,
// errors, p50 and p99 latency by service and operation, in-flight requests and the database pool.
func TestDashboardCoversTheIssue(t *testing.T) {
	t.Parallel()
	var all strings.Builder
	var walk func(ps []panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			for _, q := range p.Targets {
				all.WriteString(q.Expr + "\n")
			}
			walk(p.Panels)
		}
	}
	walk(loadDashboard(t).Panels)
	s := all.String()
	for _, want := range []string{
		"rate(fountain_http_requests_total",
		`status=~"5.."`,
		"histogram_quantile(0.5, sum by (service, operation, le)",
		"histogram_quantile(0.99, sum by (service, operation, le)",
		"fountain_http_requests_in_flight",
		"fountain_db_pool_acquired_conns",
		"fountain_db_pool_max_conns",
		"fountain_db_pool_empty_acquire_wait_seconds_total",
		"fountain_db_ready",
	} {
		require.Contains(t, s, want)
	}
}
