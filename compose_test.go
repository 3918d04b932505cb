package fountainai_test

// Checks docker-compose.yml (loaded with the compose-spec library as `docker compose` loads it,
// with the variables of .env.example), kong/kong.yml and deploy/prometheus against each other: no
// Docker engine is needed.

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/services"
)

// fountainBinary is where the Dockerfile puts the binary.
const fountainBinary = "/usr/local/bin/fountain"

// oneShots run to completion before what depends on them starts.
var oneShots = []string{"migrate", "gateway-config"}

// jwtSettings are the optional bearer-token settings every service is given from .env.
var jwtSettings = []string{
	"FOUNTAIN_OIDC_ISSUER", "FOUNTAIN_JWKS_URL", "FOUNTAIN_JWT_AUDIENCE",
	"FOUNTAIN_TENANT_CLAIM", "FOUNTAIN_ROLE_CLAIM", "FOUNTAIN_JWT_HS256_SECRET",
}

func loadCompose(t *testing.T, opts ...cli.ProjectOptionsFn) *types.Project {
	t.Helper()
	if opts == nil {
		opts = []cli.ProjectOptionsFn{cli.WithEnvFiles(".env.example"), cli.WithDotEnv}
	}
	opts = append([]cli.ProjectOptionsFn{cli.WithWorkingDirectory("."), cli.WithName("fountainai")}, opts...)
	po, err := cli.NewProjectOptions([]string{"docker-compose.yml"}, opts...)
	require.NoError(t, err)
	p, err := po.LoadProject(context.Background())
	require.NoError(t, err)
	return p
}

func serviceNames() []string {
	var names []string
	for _, s := range services.All() {
		names = append(names, s.Name)
	}
	return names
}

func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

func TestComposeServices(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	want := append([]string{"postgres", "migrate", "gateway-config", "kong", "prometheus", "grafana"}, serviceNames()...)
	require.ElementsMatch(t, want, p.ServiceNames())

	migrate := p.Services["migrate"]
	require.Equal(t, types.ShellCommand{"migrate"}, migrate.Command)
	require.NotNil(t, migrate.Build, "the image is built from the Dockerfile")
	require.Equal(t, types.ServiceConditionHealthy, migrate.DependsOn["postgres"].Condition)
	require.Equal(t, "no", migrate.Restart)
	dbURL, err := url.Parse(env(migrate, "FOUNTAIN_DATABASE_URL"))
	require.NoError(t, err)
	require.Equal(t, "postgres", dbURL.Hostname())

	for _, name := range serviceNames() {
		s := p.Services[name]
		require.Equal(t, types.ShellCommand{"serve", name}, s.Command, name)
		require.Equal(t, migrate.Image, s.Image, "%s runs the same image", name)
		require.Equal(t, ":8080", env(s, "FOUNTAIN_ADDR"), name)
		require.Equal(t, "false", env(s, "FOUNTAIN_MIGRATE"), "%s: migrations run once, in migrate", name)
		require.Equal(t, env(migrate, "FOUNTAIN_DATABASE_URL"), env(s, "FOUNTAIN_DATABASE_URL"), name)
		require.Equal(t, types.ServiceConditionCompletedSuccessfully, s.DependsOn["migrate"].Condition, name)
		require.Empty(t, s.Ports, "%s is reached through the gateway only", name)
		require.Equal(t, "unless-stopped", s.Restart, name)
		// Every service authenticates its callers and ships its request logs with the ingest
		// credential; the JWT settings are passed through, empty when .env leaves them out.
		require.Equal(t, env(p.Services["gateway-config"], kongconf.IngestKeyEnv), env(s, kongconf.IngestKeyEnv), name)
		for _, key := range jwtSettings {
			require.Contains(t, s.Environment, key, name)
			require.Empty(t, env(s, key), "%s: %s has no default here; fountain serve has its own", name, key)
		}
		require.NotContains(t, s.Environment, "FOUNTAIN_AUTH", "%s: authentication stays on", name)
	}
	require.Empty(t, p.Services["postgres"].Ports, "PostgreSQL is not published")

	gc := p.Services["gateway-config"]
	require.Equal(t, migrate.Image, gc.Image)
	require.Equal(t, types.ShellCommand{"kong", "--with-secrets", "/kong/kong.yml", "--out", "/gateway/kong.yml"}, gc.Command)
	require.NotEmpty(t, env(gc, kongconf.IngestKeyEnv))

	kong := p.Services["kong"]
	require.True(t, strings.HasPrefix(kong.Image, "kong:3."), "a Kong 3.x image: %s", kong.Image)
	require.Equal(t, "off", env(kong, "KONG_DATABASE"), "DB-less")
	require.Equal(t, "/gateway/kong.yml", env(kong, "KONG_DECLARATIVE_CONFIG"))
	require.Equal(t, types.ServiceConditionCompletedSuccessfully, kong.DependsOn["gateway-config"].Condition)
	require.True(t, sharesVolume(gc, kong, "/gateway"), "kong reads the configuration gateway-config writes")
}

func sharesVolume(writer, reader types.ServiceConfig, target string) bool {
	for _, w := range writer.Volumes {
		for _, r := range reader.Volumes {
			if w.Type == types.VolumeTypeVolume && w.Source == r.Source && w.Target == target && r.Target == target && r.ReadOnly && !w.ReadOnly {
				return true
			}
		}
	}
	return false
}

func TestComposePorts(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	published := map[string][]string{}
	for name, s := range p.Services {
		for _, port := range s.Ports {
			published[name] = append(published[name], port.HostIP+":"+port.Published+"->"+strconv.FormatUint(uint64(port.Target), 10))
		}
	}
	require.Equal(t, map[string][]string{
		// The gateway is the one public entry; its status listener (Prometheus plugin) and the
		// monitoring UIs answer on the host's loopback only.
		"kong":       {":8000->8000", "127.0.0.1:8100->8100"},
		"prometheus": {"127.0.0.1:9090->9090"},
		"grafana":    {"127.0.0.1:3000->3000"},
	}, published)
	require.Equal(t, "0.0.0.0:8000", env(p.Services["kong"], "KONG_PROXY_LISTEN"))
	require.Equal(t, "0.0.0.0:8100", env(p.Services["kong"], "KONG_STATUS_LISTEN"))
}

func TestComposeHealthchecks(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	for name, s := range p.Services {
		if slices.Contains(oneShots, name) {
			require.Equal(t, "no", s.Restart, name)
			continue
		}
		require.NotNil(t, s.HealthCheck, "%s has no health check", name)
		require.False(t, s.HealthCheck.Disable, name)
		require.NotEmpty(t, s.HealthCheck.Test, name)
		// Exec form: the FountainAI image has no shell.
		require.Equal(t, "CMD", s.HealthCheck.Test[0], name)
		require.NotNil(t, s.HealthCheck.Interval, name)
		require.NotNil(t, s.HealthCheck.Timeout, name)
		require.NotNil(t, s.HealthCheck.Retries, name)
	}
	for _, name := range serviceNames() {
		test := p.Services[name].HealthCheck.Test
		require.Equal(t, []string{"CMD", fountainBinary, "healthcheck", "--url", "http://127.0.0.1:8080/readyz"}, []string(test), name)
	}
	require.Equal(t, []string{"CMD", "pg_isready", "-U", "fountain", "-d", "fountain"}, []string(p.Services["postgres"].HealthCheck.Test))
}

func TestComposeDependencies(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	for name, s := range p.Services {
		for dep, d := range s.DependsOn {
			require.Contains(t, p.Services, dep, "%s depends on unknown service %s", name, dep)
			if slices.Contains(oneShots, dep) {
				require.Equal(t, types.ServiceConditionCompletedSuccessfully, d.Condition, "%s waits for one-shot %s to finish", name, dep)
				continue
			}
			require.Contains(t, []string{types.ServiceConditionHealthy, types.ServiceConditionStarted}, d.Condition, "%s -> %s", name, dep)
			if d.Condition == types.ServiceConditionHealthy {
				require.NotNil(t, p.Services[dep].HealthCheck, "%s waits for %s to be healthy, which has no health check", name, dep)
			}
		}
	}
	// Startup order, as `docker compose up` follows it: no cycles.
	seen := map[string]int{}
	var visit func(string)
	visit = func(name string) {
		require.NotEqual(t, 1, seen[name], "dependency cycle through %s", name)
		if seen[name] == 2 {
			return
		}
		seen[name] = 1
		for dep := range p.Services[name].DependsOn {
			visit(dep)
		}
		seen[name] = 2
	}
	for name := range p.Services {
		visit(name)
	}
}

var peerURLVar = regexp.MustCompile(`^FOUNTAIN_([A-Z0-9]+)_URL$`)

// TestComposePeerURLs checks that every FOUNTAIN_<SERVICE>_URL names a compose service that serves
// that service on its listen port, and that every service process can reach every other service.
func TestComposePeerURLs(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	for name, s := range p.Services {
		for key, v := range s.Environment {
			m := peerURLVar.FindStringSubmatch(key)
			// The database and the JWT keys are URLs of something other than a service.
			if m == nil || key == "FOUNTAIN_DATABASE_URL" || key == "FOUNTAIN_JWKS_URL" {
				continue
			}
			require.NotNil(t, v, "%s: %s has no value", name, key)
			u, err := url.Parse(*v)
			require.NoError(t, err, "%s: %s", name, key)
			target, ok := p.Services[u.Hostname()]
			require.True(t, ok, "%s: %s=%s names no compose service", name, key, *v)
			svc := strings.ToLower(m[1])
			require.Equal(t, types.ShellCommand{"serve", svc}, target.Command, "%s: %s=%s", name, key, *v)
			require.Equal(t, ":"+u.Port(), env(target, "FOUNTAIN_ADDR"), "%s: %s=%s", name, key, *v)
		}
	}
	for _, name := range serviceNames() {
		for _, peer := range serviceNames() {
			require.NotEmpty(t, env(p.Services[name], app.PeerURLEnv(peer)), "%s cannot reach %s", name, peer)
		}
	}
}

// TestComposeMounts checks that every file or directory mounted from the repository exists and
// that named volumes are declared.
func TestComposeMounts(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	root, err := filepath.Abs(".")
	require.NoError(t, err)
	mounted := map[string]bool{}
	for name, s := range p.Services {
		for _, v := range s.Volumes {
			switch v.Type {
			case types.VolumeTypeBind:
				rel, err := filepath.Rel(root, v.Source)
				require.NoError(t, err)
				require.False(t, strings.HasPrefix(rel, ".."), "%s mounts %s from outside the repository", name, v.Source)
				_, err = os.Stat(v.Source)
				require.NoError(t, err, "%s mounts %s", name, rel)
				require.True(t, v.ReadOnly, "%s mounts %s writable", name, rel)
				mounted[filepath.ToSlash(rel)] = true
			case types.VolumeTypeVolume:
				require.Contains(t, p.Volumes, v.Source, "%s uses undeclared volume %s", name, v.Source)
			default:
				t.Fatalf("%s: unexpected mount type %s", name, v.Type)
			}
		}
	}
	for _, want := range []string{"kong/kong.yml", "deploy/prometheus", "deploy/grafana/provisioning", "deploy/grafana/dashboards"} {
		require.True(t, mounted[want], "%s is not mounted", want)
	}
	require.FileExists(t, "deploy/prometheus/prometheus.yml")
}

// TestComposeSecretsComeFromTheEnvironment loads the file with other values for the secrets and
// without any: every secret must follow the environment, and none has a default.
func TestComposeSecretsComeFromTheEnvironment(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{
		"POSTGRES_PASSWORD":      "pg-secret-1f0e",
		kongconf.IngestKeyEnv:    strings.Repeat("k", kongconf.MinKeyLength),
		"GRAFANA_ADMIN_PASSWORD": "grafana-secret-77",
	}
	var envList []string
	for k, v := range secrets {
		envList = append(envList, k+"="+v)
	}
	p := loadCompose(t, cli.WithEnv(envList))
	require.Contains(t, env(p.Services["sequence"], "FOUNTAIN_DATABASE_URL"), ":"+secrets["POSTGRES_PASSWORD"]+"@postgres:5432/")
	require.Equal(t, secrets["POSTGRES_PASSWORD"], env(p.Services["postgres"], "POSTGRES_PASSWORD"))
	require.Equal(t, secrets[kongconf.IngestKeyEnv], env(p.Services["gateway-config"], kongconf.IngestKeyEnv))
	for _, name := range serviceNames() {
		require.Equal(t, secrets[kongconf.IngestKeyEnv], env(p.Services[name], kongconf.IngestKeyEnv), name)
	}
	require.Equal(t, secrets["GRAFANA_ADMIN_PASSWORD"], env(p.Services["grafana"], "GF_SECURITY_ADMIN_PASSWORD"))

	for secret := range secrets {
		var others []string
		for _, kv := range envList {
			if !strings.HasPrefix(kv, secret+"=") {
				others = append(others, kv)
			}
		}
		po, err := cli.NewProjectOptions([]string{"docker-compose.yml"}, cli.WithWorkingDirectory("."), cli.WithName("fountainai"), cli.WithEnv(others))
		require.NoError(t, err)
		_, err = po.LoadProject(context.Background())
		require.ErrorContains(t, err, secret, "docker compose must refuse to start without %s", secret)
	}

	ignore, err := os.ReadFile(".gitignore")
	require.NoError(t, err)
	require.Contains(t, strings.Fields(string(ignore)), "/.env", ".env holds the secrets and is never committed")
	example, err := os.ReadFile(".env.example")
	require.NoError(t, err)
	// The example's ingest credential is a placeholder the gateway refuses to start with.
	m := regexp.MustCompile(`(?m)^` + kongconf.IngestKeyEnv + `=(.*)$`).FindSubmatch(example)
	require.NotNil(t, m)
	require.ErrorContains(t, kongconf.CheckIngestKey(string(m[1])), "characters")
	// The optional settings are documented, and left unset.
	for _, key := range jwtSettings {
		require.Regexp(t, `(?m)^# `+key+`=`, string(example), key)
	}

	// The optional settings follow the environment too.
	withJWT := append(envList, "FOUNTAIN_OIDC_ISSUER=https://id.example.com/", "FOUNTAIN_JWT_HS256_SECRET="+strings.Repeat("s", 32))
	p = loadCompose(t, cli.WithEnv(withJWT))
	for _, name := range serviceNames() {
		require.Equal(t, "https://id.example.com/", env(p.Services[name], "FOUNTAIN_OIDC_ISSUER"), name)
		require.Equal(t, strings.Repeat("s", 32), env(p.Services[name], "FOUNTAIN_JWT_HS256_SECRET"), name)
	}
}

// TestComposeFirstAdminKey checks the command .env.example gives for the first admin key: a
// compose service running the fountain image with the database of the services, where `docker
// compose run --rm <service> keys create ...` runs `fountain keys create ...`.
func TestComposeFirstAdminKey(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile(".env.example")
	require.NoError(t, err)
	m := regexp.MustCompile(`docker compose run --rm ([a-z-]+) keys create --name \S+ --tenant \S+ --role admin`).FindSubmatch(example)
	require.NotNil(t, m, ".env.example says how to make the first admin key")
	p := loadCompose(t)
	s, ok := p.Services[string(m[1])]
	require.True(t, ok, "%s is no compose service", m[1])
	dockerfileEntrypoint := instructions(dockerfile(t), "ENTRYPOINT")
	require.Equal(t, []string{`["` + fountainBinary + `"]`}, dockerfileEntrypoint, "run's arguments go to fountain")
	require.Empty(t, s.Entrypoint, "the image's entrypoint, fountain")
	require.Equal(t, p.Services["migrate"].Image, s.Image)
	require.Equal(t, env(p.Services["migrate"], "FOUNTAIN_DATABASE_URL"), env(s, "FOUNTAIN_DATABASE_URL"), "keys are stored where the services read them")
	require.Equal(t, types.ServiceConditionCompletedSuccessfully, s.DependsOn["migrate"].Condition, "run migrates the database first")
}

// TestGatewayUpstreamsAreComposeServices checks that every upstream of kong/kong.yml, and the
// http-log endpoint, is a compose service serving that FountainAI service on that port.
func TestGatewayUpstreamsAreComposeServices(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	data, err := os.ReadFile("kong/kong.yml")
	require.NoError(t, err)
	cfg, err := kongconf.Parse(data)
	require.NoError(t, err)
	require.NotEmpty(t, cfg.Services)
	for _, pl := range cfg.Plugins {
		require.NotContains(t, pl.Config, "headers", "the ingest credential is never committed")
	}
	check := func(what, raw, svc string) {
		u, err := url.Parse(raw)
		require.NoError(t, err, what)
		target, ok := p.Services[u.Hostname()]
		require.True(t, ok, "%s: %s is no compose service", what, u.Hostname())
		require.Equal(t, types.ShellCommand{"serve", svc}, target.Command, what)
		require.Equal(t, ":"+u.Port(), env(target, "FOUNTAIN_ADDR"), what)
	}
	for _, s := range cfg.Services {
		check("kong service "+s.Name, s.URL, s.Name)
	}
	check("http-log", kongconf.LogsEndpoint, "logs")
}

// TestPrometheusTargetsAreComposeServices checks that what deploy/prometheus scrapes exists in the
// compose topology, on the ports the services and Kong's status listener use.
func TestPrometheusTargetsAreComposeServices(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	data, err := os.ReadFile("deploy/prometheus/prometheus.yml")
	require.NoError(t, err)
	var cfg struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
			DNSSDConfigs []struct {
				Names []string `yaml:"names"`
				Port  int      `yaml:"port"`
			} `yaml:"dns_sd_configs"`
		} `yaml:"scrape_configs"`
	}
	require.NoError(t, yaml.Unmarshal(data, &cfg))
	targets := map[string]bool{}
	for _, sc := range cfg.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			for _, target := range st.Targets {
				targets[target] = true
			}
		}
		for _, dns := range sc.DNSSDConfigs {
			for _, name := range dns.Names {
				targets[name+":"+strconv.Itoa(dns.Port)] = true
			}
		}
	}
	for _, name := range serviceNames() {
		require.True(t, targets[name+":8080"], "Prometheus does not scrape %s", name)
	}
	require.True(t, targets["kong:8100"], "Prometheus does not scrape Kong's status listener")
	for target := range targets {
		host, _, _ := strings.Cut(target, ":")
		require.Contains(t, p.Services, host, "Prometheus scrapes %s, which is no compose service", target)
	}
}

// TestComposeCORSOrigins checks that the gateway and every service allow the same browser origins,
// none unless .env names them.
func TestComposeCORSOrigins(t *testing.T) {
	t.Parallel()
	allowing := func(p *types.Project) map[string]string {
		got := map[string]string{}
		for _, name := range append([]string{"gateway-config"}, serviceNames()...) {
			s := p.Services[name]
			require.Contains(t, s.Environment, httpapi.CORSOriginsEnv, name)
			got[name] = env(s, httpapi.CORSOriginsEnv)
		}
		return got
	}
	for name, v := range allowing(loadCompose(t)) {
		require.Empty(t, v, "%s: no origin is allowed unless configured", name)
	}

	example, err := os.ReadFile(".env.example")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^# ` + httpapi.CORSOriginsEnv + `=(.*)$`).FindSubmatch(example)
	require.NotNil(t, m, ".env.example documents %s, left unset", httpapi.CORSOriginsEnv)
	origins := string(m[1])
	policy, err := httpapi.NewCORS(strings.Split(origins, ","))
	require.NoError(t, err, "the example is a list fountain accepts")
	require.NotNil(t, policy)

	secrets := []string{"POSTGRES_PASSWORD=pg", kongconf.IngestKeyEnv + "=" + strings.Repeat("k", kongconf.MinKeyLength), "GRAFANA_ADMIN_PASSWORD=g"}
	p := loadCompose(t, cli.WithEnv(append(secrets, httpapi.CORSOriginsEnv+"="+origins)))
	for name, v := range allowing(p) {
		require.Equal(t, origins, v, name)
	}
}

// fountainServices are the compose services that run fountain serve or migrate, and log.
func fountainServices() []string { return append([]string{"migrate"}, serviceNames()...) }

// TestComposeELKProfile: the elk profile adds Filebeat and nothing else; without it the services
// are those of TestComposeServices. Every fountain process takes its log format from .env.
func TestComposeELKProfile(t *testing.T) {
	t.Parallel()
	plain := loadCompose(t)
	require.NotContains(t, plain.ServiceNames(), "filebeat")
	require.Contains(t, plain.DisabledServices, "filebeat", "defined, in a profile not enabled")
	for _, name := range fountainServices() {
		require.Equal(t, "json", env(plain.Services[name], "FOUNTAIN_LOG_FORMAT"), "%s: the default format", name)
	}

	const hosts = "https://es1.example.com:9200,https://es2.example.com:9200"
	elk := loadCompose(t, cli.WithEnvFiles(".env.example"), cli.WithDotEnv, cli.WithProfiles([]string{"elk"}),
		cli.WithEnv([]string{"FOUNTAIN_LOG_FORMAT=ecs", "ELASTICSEARCH_HOSTS=" + hosts, "ELASTICSEARCH_API_KEY=id:key"}))
	require.ElementsMatch(t, append(plain.ServiceNames(), "filebeat"), elk.ServiceNames())
	for _, name := range plain.ServiceNames() {
		s := elk.Services[name]
		if slices.Contains(fountainServices(), name) {
			require.Equal(t, "ecs", env(s, "FOUNTAIN_LOG_FORMAT"), name)
			s.Environment["FOUNTAIN_LOG_FORMAT"] = plain.Services[name].Environment["FOUNTAIN_LOG_FORMAT"]
		}
		require.Equal(t, plain.Services[name], s, "%s is the same with the elk profile", name)
	}

	fb := elk.Services["filebeat"]
	require.Equal(t, []string{"elk"}, fb.Profiles)
	require.Regexp(t, `^docker\.elastic\.co/beats/filebeat:\d+\.\d+\.\d+$`, fb.Image, "an exact release")
	require.Equal(t, hosts, env(fb, "ELASTICSEARCH_HOSTS"))
	require.Equal(t, "id:key", env(fb, "ELASTICSEARCH_API_KEY"))
	require.Equal(t, "unless-stopped", fb.Restart)
	mounts := map[string]types.ServiceVolumeConfig{}
	for _, v := range fb.Volumes {
		mounts[v.Target] = v
	}
	root, err := filepath.Abs(".")
	require.NoError(t, err)
	config := mounts["/usr/share/filebeat/filebeat.yml"]
	require.Equal(t, filepath.Join(root, "deploy", "filebeat", "filebeat.yml"), config.Source)
	for _, target := range []string{"/usr/share/filebeat/filebeat.yml", "/var/lib/docker/containers", "/var/run/docker.sock"} {
		require.Equal(t, types.VolumeTypeBind, mounts[target].Type, target)
		require.True(t, mounts[target].ReadOnly, "%s is mounted read-only", target)
	}
	require.Equal(t, "/var/lib/docker/containers", mounts["/var/lib/docker/containers"].Source)
	require.Equal(t, "/var/run/docker.sock", mounts["/var/run/docker.sock"].Source)
	data := mounts["/usr/share/filebeat/data"]
	require.Equal(t, types.VolumeTypeVolume, data.Type, "the registry outlives the container")
	require.Contains(t, elk.Volumes, data.Source)

	checkFilebeatConfig(t, config.Source, fb, elk)
}

// checkFilebeatConfig reads Filebeat's configuration: the Docker logs of the fountain containers,
// each line taken as the event, Docker's metadata added, and Elasticsearch as the output, with
// every variable it reads given by compose.
func checkFilebeatConfig(t *testing.T, path string, fb types.ServiceConfig, p *types.Project) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var cfg struct {
		Inputs []struct {
			Type    string           `yaml:"type"`
			ID      string           `yaml:"id"`
			Paths   []string         `yaml:"paths"`
			Parsers []map[string]any `yaml:"parsers"`
		} `yaml:"filebeat.inputs"`
		Processors []map[string]any `yaml:"processors"`
		Output     map[string]any   `yaml:"output.elasticsearch"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &cfg))

	require.Len(t, cfg.Inputs, 1)
	in := cfg.Inputs[0]
	require.Equal(t, "filestream", in.Type)
	require.NotEmpty(t, in.ID, "every filestream input has an id")
	require.Equal(t, []string{"/var/lib/docker/containers/*/*-json.log"}, in.Paths)
	require.Len(t, in.Parsers, 2)
	require.Equal(t, map[string]any{"container": map[string]any{"stream": "all", "format": "docker"}}, in.Parsers[0])
	require.Equal(t, map[string]any{"ndjson": map[string]any{"target": "", "overwrite_keys": true, "expand_keys": true, "add_error_key": true}},
		in.Parsers[1], "the ECS line is the event")

	var names []string
	var keep *regexp.Regexp
	for _, proc := range cfg.Processors {
		for name, settings := range proc {
			names = append(names, name)
			if name == "drop_event" {
				var drop struct {
					When struct {
						Not struct {
							Regexp map[string]string `yaml:"regexp"`
						} `yaml:"not"`
					} `yaml:"when"`
				}
				b, err := yaml.Marshal(settings)
				require.NoError(t, err)
				require.NoError(t, yaml.Unmarshal(b, &drop))
				keep = regexp.MustCompile(drop.When.Not.Regexp["container.image.name"])
			}
		}
	}
	require.Equal(t, []string{"add_docker_metadata", "drop_event"}, names, "the metadata the filter reads comes first")
	require.NotNil(t, keep)
	for name, s := range p.Services {
		require.Equal(t, slices.Contains(fountainServices(), name) || s.Image == p.Services["migrate"].Image, keep.MatchString(s.Image),
			"%s (%s): only the fountain containers' lines are kept", name, s.Image)
	}

	require.Equal(t, "${ELASTICSEARCH_HOSTS}", cfg.Output["hosts"])
	for _, key := range []string{"username", "password", "api_key"} {
		require.Regexp(t, `^\$\{ELASTICSEARCH_[A-Z_]+:\}$`, cfg.Output[key], "%s: optional", key)
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Z_]+)`).FindAllStringSubmatch(string(raw), -1) {
		require.Contains(t, fb.Environment, m[1], "filebeat.yml reads %s", m[1])
	}
}
