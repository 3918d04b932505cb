package deploy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/services"
)

// TestPrometheusConfig checks the scrape config and the rule files it loads, and runs the rules'
// unit tests.
func TestPrometheusConfig(t *testing.T) {
	t.Parallel()
	out := promtool(t, "prometheus", "check", "config", "prometheus.yml")
	require.Contains(t, out, "SUCCESS: 1 rule files found", "prometheus.yml must load rules/fountain.yml")
	rules, err := filepath.Glob("prometheus/rules/*.yml")
	require.NoError(t, err)
	require.NotEmpty(t, rules)
	promtool(t, ".", append([]string{"check", "rules"}, rules...)...)
	tests, err := filepath.Glob("prometheus/tests/*.yml")
	require.NoError(t, err)
	require.NotEmpty(t, tests)
	promtool(t, ".", append([]string{"test", "rules"}, tests...)...)
}

type scrapeConfig struct {
	ScrapeConfigs []struct {
		JobName      string `yaml:"job_name"`
		MetricsPath  string `yaml:"metrics_path"`
		DNSSDConfigs []struct {
			Names []string `yaml:"names"`
			Port  int      `yaml:"port"`
		} `yaml:"dns_sd_configs"`
		StaticConfigs []struct {
			Targets []string `yaml:"targets"`
		} `yaml:"static_configs"`
	} `yaml:"scrape_configs"`
}

// TestPrometheusScrapesEveryService checks the compose topology: every service at <name>:8080/metrics
// and Kong at kong:8100/metrics, and that FountainServiceMissing names every service.
func TestPrometheusScrapesEveryService(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("prometheus/prometheus.yml")
	require.NoError(t, err)
	var cfg scrapeConfig
	require.NoError(t, yaml.Unmarshal(raw, &cfg))
	targets := map[string]bool{}
	for _, sc := range cfg.ScrapeConfigs {
		require.Equal(t, "/metrics", sc.MetricsPath, sc.JobName)
		for _, d := range sc.DNSSDConfigs {
			for _, n := range d.Names {
				targets[n+":"+strconv.Itoa(d.Port)] = true
			}
		}
		for _, s := range sc.StaticConfigs {
			for _, tg := range s.Targets {
				targets[tg] = true
			}
		}
	}
	want := []string{"kong:8100", "logs:8080"} // logs: the Logging service, in every compose topology
	for _, s := range services.All() {
		want = append(want, s.Name+":8080")
	}
	for _, w := range want {
		require.True(t, targets[w], "prometheus.yml does not scrape %s", w)
	}

	rules, err := os.ReadFile("prometheus/rules/fountain.yml")
	require.NoError(t, err)
	for _, w := range want {
		if name, ok := strings.CutSuffix(w, ":8080"); ok {
			require.Contains(t, string(rules), `job_service="`+name+`"`, "FountainServiceMissing does not watch %s", name)
		}
	}
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record string `yaml:"record"`
			Alert  string `yaml:"alert"`
			Expr   string `yaml:"expr"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// TestRulesUseExposedMetrics fails when a rule reads a metric no FountainAI process exposes (a
// renamed metric would leave an alert that can never fire).
func TestRulesUseExposedMetrics(t *testing.T) {
	t.Parallel()
	exposed := exposedMetrics(t)
	files, err := filepath.Glob("prometheus/rules/*.yml")
	require.NoError(t, err)
	var rules ruleFile
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var rf ruleFile
		require.NoError(t, yaml.Unmarshal(raw, &rf))
		rules.Groups = append(rules.Groups, rf.Groups...)
	}
	recorded := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				recorded[r.Record] = true
			}
		}
	}
	alerts := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			names := metricNames(r.Expr)
			require.NotEmpty(t, names, "%s%s selects no metric", r.Record, r.Alert)
			for _, n := range names {
				require.True(t, exposed[n] || recorded[n] || slices.Contains(scrapeSeries, n),
					"rule %s%s reads %s, which no FountainAI process exposes", r.Record, r.Alert, n)
			}
			if r.Alert != "" {
				alerts++
			}
		}
	}
	require.GreaterOrEqual(t, alerts, 4)
}
