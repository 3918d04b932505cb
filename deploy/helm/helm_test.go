package helm_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) {
	// helm, the chart and the sources the checks read are paths from the repository's root.
	if err := os.Chdir(filepath.Join("..", "..")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dbtest.Main(m)
}

// fountainBinary is where the Dockerfile puts the binary, the image's entrypoint.
const fountainBinary = "/usr/local/bin/fountain"

const (
	secretName = "fountainai"
	cnpgSecret = release + "-postgres-app"
)

// variant is one way of installing the chart.
type variant struct {
	name string
	args []string
	// The Secret and key the database URL comes from.
	dbSecret, dbKey string
	// Whether everything production needs is on: autoscaling, budgets, ServiceMonitors.
	production bool
	ecs        bool
	filebeat   bool
	external   bool
}

var variants = []variant{
	{name: "default", dbSecret: secretName, dbKey: "database-url"},
	{
		name:     "production",
		args:     []string{"-f", chartDir + "/values-production.yaml", "--set", "cnpg.backup.destinationPath=s3://fountainai-backups/pg"},
		dbSecret: cnpgSecret, dbKey: "uri", production: true, ecs: true,
	},
	{
		name: "external-secrets-filebeat",
		args: []string{
			"--set", "externalSecrets.enabled=true,externalSecrets.secretStoreRef.name=vault",
			"--set", "filebeat.enabled=true,filebeat.elasticsearch.hosts[0]=https://es.example.com:9200",
			"--set", "logs.format=ecs",
		},
		dbSecret: secretName, dbKey: "database-url", ecs: true, filebeat: true, external: true,
	},
	{
		name: "production-external-secrets-filebeat",
		args: []string{
			"-f", chartDir + "/values-production.yaml", "--set", "cnpg.backup.destinationPath=s3://fountainai-backups/pg",
			"--set", "externalSecrets.enabled=true,externalSecrets.secretStoreRef.name=vault",
			"--set", "filebeat.enabled=true,filebeat.elasticsearch.hosts[0]=https://es.example.com:9200",
		},
		dbSecret: cnpgSecret, dbKey: "uri", production: true, ecs: true, filebeat: true, external: true,
	},
}

var (
	renderings   = map[string]manifest{}
	renderingsMu sync.Mutex
)

// rendered renders v once for all the tests that read it.
func rendered(t *testing.T, v variant) manifest {
	t.Helper()
	renderingsMu.Lock()
	defer renderingsMu.Unlock()
	if m, ok := renderings[v.name]; ok {
		return m
	}
	m := render(t, v.args...)
	renderings[v.name] = m
	return m
}

func forEachVariant(t *testing.T, check func(t *testing.T, v variant, m manifest)) {
	t.Helper()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			check(t, v, rendered(t, v))
		})
	}
}

func serviceNames() []string {
	var names []string
	for _, s := range services.All() {
		names = append(names, s.Name)
	}
	return names
}

// chart is what Chart.yaml says.
func chart(t *testing.T) (appVersion string) {
	t.Helper()
	data, err := os.ReadFile(chartDir + "/Chart.yaml")
	require.NoError(t, err)
	var c struct {
		AppVersion string `yaml:"appVersion"`
	}
	require.NoError(t, yaml.Unmarshal(data, &c))
	require.Regexp(t, `^\d+\.\d+\.\d+$`, c.AppVersion)
	return c.AppVersion
}

func fountainImage(t *testing.T) string {
	return "ghcr.io/fountainai/fountainai:" + chart(t)
}

func container(t *testing.T, spec corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	i := slices.IndexFunc(spec.Containers, func(c corev1.Container) bool { return c.Name == name })
	require.GreaterOrEqual(t, i, 0, "no container %s", name)
	return spec.Containers[i]
}

func envOf(c corev1.Container) map[string]corev1.EnvVar {
	out := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		out[e.Name] = e
	}
	return out
}

func requireFromSecret(t *testing.T, e corev1.EnvVar, secret, key, what string) {
	t.Helper()
	require.Empty(t, e.Value, "%s: %s is not written into the manifest", what, e.Name)
	require.NotNil(t, e.ValueFrom, "%s: %s", what, e.Name)
	require.NotNil(t, e.ValueFrom.SecretKeyRef, "%s: %s comes from a Secret", what, e.Name)
	require.Equal(t, secret, e.ValueFrom.SecretKeyRef.Name, "%s: %s", what, e.Name)
	require.Equal(t, key, e.ValueFrom.SecretKeyRef.Key, "%s: %s", what, e.Name)
}

// listenPort is the port of a FOUNTAIN_ADDR value.
func listenPort(t *testing.T, addr string) int32 {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err, addr)
	n, err := strconv.Atoi(port)
	require.NoError(t, err, addr)
	return int32(n)
}

// containerPort resolves a port of a container, by name or number.
func containerPort(t *testing.T, c corev1.Container, p intstr.IntOrString) int32 {
	t.Helper()
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort
		}
	}
	t.Fatalf("container %s has no port %s", c.Name, p.String())
	return 0
}

// selected returns the Deployments whose pods sel selects.
func selected(t *testing.T, m manifest, sel *metav1.LabelSelector) []*appsv1.Deployment {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	require.NoError(t, err)
	require.False(t, s.Empty(), "a selector that selects everything")
	var out []*appsv1.Deployment
	for _, d := range m.deployments {
		if s.Matches(labels.Set(d.Spec.Template.Labels)) {
			out = append(out, d)
		}
	}
	return out
}

// backend follows a Service port to the one Deployment behind it and the container port it lands
// on.
func backend(t *testing.T, m manifest, svcName string, port int32) (*appsv1.Deployment, corev1.Container, int32) {
	t.Helper()
	svc, ok := m.services[svcName]
	require.True(t, ok, "no Service %s", svcName)
	behind := selected(t, m, &metav1.LabelSelector{MatchLabels: svc.Spec.Selector})
	require.Len(t, behind, 1, "Service %s selects one Deployment", svcName)
	i := slices.IndexFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Port == port })
	require.GreaterOrEqual(t, i, 0, "Service %s has no port %d", svcName, port)
	d := behind[0]
	require.Len(t, d.Spec.Template.Spec.Containers, 1, d.Name)
	c := d.Spec.Template.Spec.Containers[0]
	return d, c, containerPort(t, c, svc.Spec.Ports[i].TargetPort)
}

// resolve checks that rawURL, as a pod of the release reaches it, lands on `fountain serve svc`
// on the port that process listens on.
func resolve(t *testing.T, m manifest, rawURL, svc string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err, "%s names its port", rawURL)
	d, c, target := backend(t, m, u.Hostname(), int32(port))
	require.Equal(t, []string{"serve", svc}, c.Args, "%s reaches %s", rawURL, d.Name)
	require.Equal(t, listenPort(t, envOf(c)["FOUNTAIN_ADDR"].Value), target, "%s reaches the port %s listens on", rawURL, d.Name)
}

func TestChartServices(t *testing.T) {
	t.Parallel()
	image := fountainImage(t)
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		for _, name := range serviceNames() {
			d, ok := m.deployments[name]
			require.True(t, ok, "no Deployment for %s", name)
			spec := d.Spec.Template.Spec
			require.Len(t, spec.Containers, 1, name)
			c := container(t, spec, "fountain")
			require.Equal(t, image, c.Image, name)
			require.Empty(t, c.Command, "%s: the image's entrypoint, %s", name, fountainBinary)
			require.Equal(t, []string{"serve", name}, c.Args, name)
			env := envOf(c)

			port := listenPort(t, env["FOUNTAIN_ADDR"].Value)
			require.Equal(t, port, containerPort(t, c, intstr.FromString("http")), "%s: the container port is FOUNTAIN_ADDR's", name)
			require.NotNil(t, c.ReadinessProbe.HTTPGet, name)
			require.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path, "%s: ready while the database answers", name)
			require.Equal(t, port, containerPort(t, c, c.ReadinessProbe.HTTPGet.Port), name)
			require.NotNil(t, c.LivenessProbe.HTTPGet, name)
			require.Equal(t, "/healthz", c.LivenessProbe.HTTPGet.Path, "%s: alive while the process answers", name)
			require.Equal(t, port, containerPort(t, c, c.LivenessProbe.HTTPGet.Port), name)

			require.Equal(t, "false", env["FOUNTAIN_MIGRATE"].Value, "%s: migrations run once, in the Job", name)
			requireFromSecret(t, env["FOUNTAIN_DATABASE_URL"], v.dbSecret, v.dbKey, name)
			requireFromSecret(t, env[kongconf.IngestKeyEnv], secretName, "ingest-key", name)
			require.NotContains(t, env, "FOUNTAIN_AUTH", "%s: authentication stays on", name)
			if v.ecs {
				require.Equal(t, "ecs", env["FOUNTAIN_LOG_FORMAT"].Value, name)
			} else {
				require.NotContains(t, env, "FOUNTAIN_LOG_FORMAT", name)
			}
			for _, peer := range serviceNames() {
				e, ok := env[app.PeerURLEnv(peer)]
				require.True(t, ok, "%s cannot reach %s", name, peer)
				resolve(t, m, e.Value, peer)
			}

			// The kubelet waits out the preStop pause, then the process's own shutdown timeout.
			timeout, err := time.ParseDuration(env["FOUNTAIN_SHUTDOWN_TIMEOUT"].Value)
			require.NoError(t, err, name)
			require.NotNil(t, c.Lifecycle.PreStop.Sleep, name)
			require.NotNil(t, spec.TerminationGracePeriodSeconds, name)
			require.Greater(t, time.Duration(*spec.TerminationGracePeriodSeconds)*time.Second,
				timeout+time.Duration(c.Lifecycle.PreStop.Sleep.Seconds)*time.Second, name)

			for what, q := range map[string]resource.Quantity{
				"cpu request": c.Resources.Requests[corev1.ResourceCPU], "memory request": c.Resources.Requests[corev1.ResourceMemory],
				"memory limit": c.Resources.Limits[corev1.ResourceMemory],
			} {
				require.False(t, q.IsZero(), "%s: %s", name, what)
			}
			require.True(t, *spec.SecurityContext.RunAsNonRoot, name)
			require.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, name)

			// The Deployment's selector selects its own pods and no other Deployment's.
			require.Equal(t, []*appsv1.Deployment{d}, selected(t, m, d.Spec.Selector), name)
			resolve(t, m, "http://"+name+":"+strconv.Itoa(int(port)), name)
		}
		fountainDeployments := len(serviceNames()) + 1 // and the gateway
		require.Len(t, m.deployments, fountainDeployments, "one Deployment per service and the gateway")
	})
}

// binaryEnv is every FOUNTAIN_* variable the fountain binary reads: the string constants of its
// sources (cmd/fountain and the internal packages it is built from) and the services' peer URLs.
var binaryEnv = sync.OnceValues(func() (map[string]bool, error) {
	known := map[string]bool{}
	name := regexp.MustCompile(`^"(FOUNTAIN_[A-Z0-9_]+)"$`)
	for _, dir := range []string{"cmd/fountain", "internal"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if m := name.FindStringSubmatch(lit.Value); m != nil {
						known[m[1]] = true
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, s := range serviceNames() {
		known[app.PeerURLEnv(s)] = true
	}
	return known, nil
})

func TestChartSetsOnlyVariablesTheBinaryReads(t *testing.T) {
	t.Parallel()
	known, err := binaryEnv()
	require.NoError(t, err)
	for _, must := range []string{"FOUNTAIN_ADDR", "FOUNTAIN_DATABASE_URL", "FOUNTAIN_MIGRATE", kongconf.IngestKeyEnv, "FOUNTAIN_OIDC_ISSUER"} {
		require.True(t, known[must], "the scan of the sources misses %s", must)
	}
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		var specs []corev1.PodSpec
		for _, d := range m.deployments {
			specs = append(specs, d.Spec.Template.Spec)
		}
		for _, j := range m.jobs {
			specs = append(specs, j.Spec.Template.Spec)
		}
		for _, spec := range specs {
			for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
				for _, e := range c.Env {
					if strings.HasPrefix(e.Name, "FOUNTAIN_") {
						require.True(t, known[e.Name], "%s sets %s, which fountain does not read", c.Name, e.Name)
					}
				}
			}
		}
	})
}

// TestChartProbesAreServed checks the paths the probes and the ServiceMonitors use against a real
// handler of each service, as `fountain serve <name>` builds it.
func TestChartProbesAreServed(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	m := rendered(t, variants[1])
	for _, svc := range services.All() {
		h, err := app.Handler([]service.Service{svc}, app.Options{Pool: pool, Logger: slog.New(slog.DiscardHandler), Catalog: services.All()})
		require.NoError(t, err)
		c := container(t, m.deployments[svc.Name].Spec.Template.Spec, "fountain")
		paths := []string{c.ReadinessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Path}
		for _, ep := range serviceMonitorEndpoints(t, m.custom["ServiceMonitor"][svc.Name]) {
			paths = append(paths, ep.Path)
		}
		for _, path := range paths {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			require.Equal(t, http.StatusOK, rec.Code, "%s %s: %s", svc.Name, path, rec.Body.String())
		}
	}
}

func TestChartMigration(t *testing.T) {
	t.Parallel()
	image := fountainImage(t)
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		require.Len(t, m.jobs, 1)
		j, ok := m.jobs[release+"-migrate"]
		require.True(t, ok)
		hooks := strings.Split(j.Annotations["helm.sh/hook"], ",")
		// Upgrades migrate before the new services start. An install does too, unless the chart
		// itself makes the database or the Secret, which exist only once the install is applied.
		if v.dbSecret == cnpgSecret || v.external {
			require.ElementsMatch(t, []string{"post-install", "pre-upgrade"}, hooks)
		} else {
			require.ElementsMatch(t, []string{"pre-install", "pre-upgrade"}, hooks)
		}
		require.Contains(t, j.Annotations["helm.sh/hook-delete-policy"], "before-hook-creation")
		spec := j.Spec.Template.Spec
		require.Equal(t, corev1.RestartPolicyNever, spec.RestartPolicy)
		c := container(t, spec, "migrate")
		require.Equal(t, image, c.Image)
		require.Empty(t, c.Command)
		require.Equal(t, []string{"migrate"}, c.Args)
		requireFromSecret(t, envOf(c)["FOUNTAIN_DATABASE_URL"], v.dbSecret, v.dbKey, "migrate")
		require.NotNil(t, j.Spec.BackoffLimit)
		require.Positive(t, *j.Spec.BackoffLimit, "retries while a new database starts")
	})
}

// TestChartKongConfigIsGenerated checks that the chart's copy of the gateway's configuration is
// what `fountain kong` generates (make generate writes both), and what the chart mounts.
func TestChartKongConfigIsGenerated(t *testing.T) {
	t.Parallel()
	cfg, err := kongconf.Generate(services.All())
	require.NoError(t, err)
	want, err := kongconf.Marshal(cfg)
	require.NoError(t, err)
	want, err = kongconf.AddCORS(want, nil)
	require.NoError(t, err)
	got, err := os.ReadFile(chartDir + "/files/kong.yml")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "%s/files/kong.yml is stale: run 'make generate'", chartDir)

	m := rendered(t, variants[0])
	cm, ok := m.configMaps[release+"-kong-config"]
	require.True(t, ok)
	require.Equal(t, string(got), cm.Data["kong.yml"])
}

// TestChartGateway checks Kong as compose runs it: DB-less, configured by the init container that
// adds the ingest credential, every upstream a Service serving that service.
func TestChartGateway(t *testing.T) {
	t.Parallel()
	composeKong := composeImage(t, "kong")
	image := fountainImage(t)
	data, err := os.ReadFile(chartDir + "/files/kong.yml")
	require.NoError(t, err)
	cfg, err := kongconf.Parse(data)
	require.NoError(t, err)
	require.NotEmpty(t, cfg.Services)
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		for _, s := range cfg.Services {
			resolve(t, m, s.URL, s.Name)
		}
		resolve(t, m, kongconf.LogsEndpoint, "logs")

		d, ok := m.deployments[release+"-kong"]
		require.True(t, ok)
		spec := d.Spec.Template.Spec
		kong := container(t, spec, "kong")
		require.Equal(t, composeKong, kong.Image, "the Kong of docker-compose.yml")
		env := envOf(kong)
		require.Equal(t, "off", env["KONG_DATABASE"].Value, "DB-less")
		require.Equal(t, "/gateway/kong.yml", env["KONG_DECLARATIVE_CONFIG"].Value)
		require.Equal(t, "127.0.0.1:8001", env["KONG_ADMIN_LISTEN"].Value, "the Admin API stays inside the pod")

		require.Len(t, spec.InitContainers, 1)
		init := spec.InitContainers[0]
		require.Equal(t, image, init.Image)
		require.Empty(t, init.Command)
		require.Equal(t, []string{"kong", "--with-secrets", "/kong/kong.yml", "--out", "/gateway/kong.yml"}, init.Args)
		requireFromSecret(t, envOf(init)[kongconf.IngestKeyEnv], secretName, "ingest-key", "gateway-config")

		mounts := func(c corev1.Container) map[string]corev1.VolumeMount {
			out := map[string]corev1.VolumeMount{}
			for _, vm := range c.VolumeMounts {
				out[vm.MountPath] = vm
			}
			return out
		}
		volumes := map[string]corev1.Volume{}
		for _, vol := range spec.Volumes {
			volumes[vol.Name] = vol
		}
		in, out, read := mounts(init)["/kong"], mounts(init)["/gateway"], mounts(kong)["/gateway"]
		require.NotNil(t, volumes[in.Name].ConfigMap, "the init container reads the generated configuration")
		require.Equal(t, release+"-kong-config", volumes[in.Name].ConfigMap.Name)
		require.Contains(t, m.configMaps, release+"-kong-config")
		require.Equal(t, out.Name, read.Name, "Kong reads what the init container writes")
		require.NotNil(t, volumes[out.Name].EmptyDir, "the credential stays in the pod")
		require.False(t, out.ReadOnly)
		require.True(t, read.ReadOnly)

		// The proxy is the public entry; the status listener is scraped inside the cluster.
		proxy := m.services[release+"-kong"]
		require.Len(t, proxy.Spec.Ports, 1)
		_, c, target := backend(t, m, proxy.Name, proxy.Spec.Ports[0].Port)
		require.Equal(t, "kong", c.Name)
		require.Equal(t, "0.0.0.0:"+strconv.Itoa(int(target)), env["KONG_PROXY_LISTEN"].Value)
		status := m.services[release+"-kong-status"]
		require.Equal(t, corev1.ServiceTypeClusterIP, status.Spec.Type)
		_, _, target = backend(t, m, status.Name, 8100)
		require.Equal(t, "0.0.0.0:"+strconv.Itoa(int(target)), env["KONG_STATUS_LISTEN"].Value)
		require.Equal(t, target, containerPort(t, kong, kong.ReadinessProbe.HTTPGet.Port))
	})
}

// composeImage is the image docker-compose.yml runs for service.
func composeImage(t *testing.T, service string) string {
	t.Helper()
	data, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var compose struct {
		Services map[string]struct {
			Image string `yaml:"image"`
		} `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(data, &compose))
	image := compose.Services[service].Image
	require.NotEmpty(t, image)
	return image
}

func TestChartScaling(t *testing.T) {
	t.Parallel()
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		if !v.production {
			require.Empty(t, m.hpas)
			require.Empty(t, m.pdbs)
			require.Empty(t, m.custom["ServiceMonitor"])
			return
		}
		for _, name := range serviceNames() {
			d := m.deployments[name]
			hpa, ok := m.hpas[name]
			require.True(t, ok, "%s has no HorizontalPodAutoscaler", name)
			require.Equal(t, autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: name}, hpa.Spec.ScaleTargetRef)
			require.Nil(t, d.Spec.Replicas, "%s: the autoscaler sets the replicas", name)
			require.GreaterOrEqual(t, *hpa.Spec.MinReplicas, int32(3), name)
			require.Greater(t, hpa.Spec.MaxReplicas, *hpa.Spec.MinReplicas, name)
			var cpu, rate bool
			for _, metric := range hpa.Spec.Metrics {
				switch metric.Type {
				case autoscalingv2.ResourceMetricSourceType:
					cpu = metric.Resource.Name == corev1.ResourceCPU && metric.Resource.Target.AverageUtilization != nil
				case autoscalingv2.PodsMetricSourceType:
					rate = metric.Pods.Metric.Name == "http_requests_per_second" && metric.Pods.Target.AverageValue != nil
				}
			}
			require.True(t, cpu, "%s scales on CPU", name)
			require.True(t, rate, "%s scales on its request rate", name)
			// CPU utilization is relative to the request.
			cpuRequest := container(t, d.Spec.Template.Spec, "fountain").Resources.Requests[corev1.ResourceCPU]
			require.False(t, cpuRequest.IsZero(), name)

			pdb, ok := m.pdbs[name]
			require.True(t, ok, "%s has no PodDisruptionBudget", name)
			require.Equal(t, []*appsv1.Deployment{d}, selected(t, m, pdb.Spec.Selector), "%s's budget covers its pods", name)
			require.NotNil(t, pdb.Spec.MaxUnavailable, name)
		}
		kong := m.deployments[release+"-kong"]
		require.GreaterOrEqual(t, *kong.Spec.Replicas, int32(2))
		pdb, ok := m.pdbs[release+"-kong"]
		require.True(t, ok)
		require.Equal(t, []*appsv1.Deployment{kong}, selected(t, m, pdb.Spec.Selector))
		for name, pdb := range m.pdbs {
			require.Len(t, selected(t, m, pdb.Spec.Selector), 1, name)
		}
		for name, hpa := range m.hpas {
			require.Contains(t, m.deployments, hpa.Spec.ScaleTargetRef.Name, name)
		}
	})
}

type smEndpoint struct {
	Port        string `json:"port"`
	Path        string `json:"path"`
	HonorLabels bool   `json:"honorLabels"`
}

func serviceMonitorEndpoints(t *testing.T, sm customResource) []smEndpoint {
	t.Helper()
	var out []smEndpoint
	reencode(t, sm.Spec["endpoints"], &out)
	require.NotEmpty(t, out, sm.Metadata.Name)
	return out
}

// reencode moves a part of a custom resource, already checked against its schema, into a Go type.
func reencode(t *testing.T, from, to any) {
	t.Helper()
	data, err := json.Marshal(from)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, to))
}

func TestChartServiceMonitors(t *testing.T) {
	t.Parallel()
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		if !v.production {
			return
		}
		sms := m.custom["ServiceMonitor"]
		require.Len(t, sms, len(serviceNames())+1, "one per service and the gateway's")
		for name, sm := range sms {
			var sel metav1.LabelSelector
			reencode(t, sm.Spec["selector"], &sel)
			s, err := metav1.LabelSelectorAsSelector(&sel)
			require.NoError(t, err)
			var matched []*corev1.Service
			for _, svc := range m.services {
				if s.Matches(labels.Set(svc.Labels)) {
					matched = append(matched, svc)
				}
			}
			require.Len(t, matched, 1, "ServiceMonitor %s selects one Service", name)
			svc := matched[0]
			for _, ep := range serviceMonitorEndpoints(t, sm) {
				require.Equal(t, "/metrics", ep.Path, name)
				i := slices.IndexFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == ep.Port })
				require.GreaterOrEqual(t, i, 0, "%s scrapes port %s, which Service %s lacks", name, ep.Port, svc.Name)
				_, c, target := backend(t, m, svc.Name, svc.Spec.Ports[i].Port)
				if slices.Contains(serviceNames(), name) {
					require.Equal(t, svc.Name, name)
					require.Equal(t, listenPort(t, envOf(c)["FOUNTAIN_ADDR"].Value), target, "%s: fountain serves /metrics on its listen port", name)
					require.True(t, ep.HonorLabels, "%s: fountain's own service label is kept", name)
				} else {
					require.Equal(t, "0.0.0.0:"+strconv.Itoa(int(target)), envOf(c)["KONG_STATUS_LISTEN"].Value, name)
				}
			}
			jobLabel, _ := sm.Spec["jobLabel"].(string)
			require.NotEmpty(t, svc.Labels[jobLabel], "%s: the job label comes from the Service", name)
		}
		for _, name := range serviceNames() {
			require.Equal(t, "fountain", m.services[name].Labels[m.custom["ServiceMonitor"][name].Spec["jobLabel"].(string)],
				"job=\"fountain\", as deploy/prometheus's rules expect")
		}
	})
}

func TestChartDatabase(t *testing.T) {
	t.Parallel()
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		clusters := m.custom["Cluster"]
		if v.dbSecret != cnpgSecret {
			require.Empty(t, clusters)
			require.Empty(t, m.custom["ScheduledBackup"])
			return
		}
		require.Len(t, clusters, 1)
		cluster, ok := clusters[release+"-postgres"]
		require.True(t, ok)
		require.Equal(t, cluster.Metadata.Name+"-app", v.dbSecret, "the services read the operator's app Secret")
		var spec struct {
			Instances int    `json:"instances"`
			ImageName string `json:"imageName"`
			Bootstrap struct {
				InitDB struct {
					Database string `json:"database"`
					Owner    string `json:"owner"`
				} `json:"initdb"`
			} `json:"bootstrap"`
			PostgreSQL struct {
				Parameters map[string]string `json:"parameters"`
			} `json:"postgresql"`
			Backup struct {
				Barman struct {
					DestinationPath string `json:"destinationPath"`
				} `json:"barmanObjectStore"`
			} `json:"backup"`
		}
		reencode(t, cluster.Spec, &spec)
		require.Equal(t, 3, spec.Instances, "a primary and two replicas to fail over to")
		require.Regexp(t, `^ghcr\.io/cloudnative-pg/postgresql:15\.\d+-system-`, spec.ImageName, "PostgreSQL 15 as in compose, with barman-cloud")
		require.Equal(t, "fountain", spec.Bootstrap.InitDB.Database)
		require.Equal(t, "s3://fountainai-backups/pg", spec.Backup.Barman.DestinationPath)

		// Every pool the services can open at once, and the migration's, fits under max_connections
		// with the superuser's reserved connections to spare.
		maxConnections, err := strconv.Atoi(spec.PostgreSQL.Parameters["max_connections"])
		require.NoError(t, err)
		need := 0
		for _, name := range serviceNames() {
			replicas := int32(1)
			if hpa, ok := m.hpas[name]; ok {
				replicas = hpa.Spec.MaxReplicas
			} else if r := m.deployments[name].Spec.Replicas; r != nil {
				replicas = *r
			}
			conns, err := strconv.Atoi(envOf(container(t, m.deployments[name].Spec.Template.Spec, "fountain"))["FOUNTAIN_MAX_CONNS"].Value)
			require.NoError(t, err)
			need += int(replicas) * conns
		}
		migrateConns, err := strconv.Atoi(envOf(container(t, m.jobs[release+"-migrate"].Spec.Template.Spec, "migrate"))["FOUNTAIN_MAX_CONNS"].Value)
		require.NoError(t, err)
		need += migrateConns
		require.LessOrEqual(t, need+3, maxConnections, "max_connections")

		backups := m.custom["ScheduledBackup"]
		require.Len(t, backups, 1)
		for name, b := range backups {
			var bs struct {
				Schedule string `json:"schedule"`
				Method   string `json:"method"`
				Cluster  struct {
					Name string `json:"name"`
				} `json:"cluster"`
			}
			reencode(t, b.Spec, &bs)
			require.Equal(t, cluster.Metadata.Name, bs.Cluster.Name, name)
			require.Equal(t, "barmanObjectStore", bs.Method, name)
			require.Len(t, strings.Fields(bs.Schedule), 6, "%s: CloudNativePG's schedule has seconds", name)
		}
	})
}

func TestChartExternalSecret(t *testing.T) {
	t.Parallel()
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		es := m.custom["ExternalSecret"]
		if !v.external {
			require.Empty(t, es)
			return
		}
		require.Len(t, es, 1)
		var spec struct {
			Target struct {
				Name string `json:"name"`
			} `json:"target"`
			Data []struct {
				SecretKey string `json:"secretKey"`
			} `json:"data"`
		}
		reencode(t, es[secretName].Spec, &spec)
		require.Equal(t, secretName, spec.Target.Name)
		var keys []string
		for _, d := range spec.Data {
			keys = append(keys, d.SecretKey)
		}
		// Every key the pods need from the Secret, and no other, is fetched.
		need := map[string]bool{}
		var specs []corev1.PodSpec
		for _, d := range m.deployments {
			specs = append(specs, d.Spec.Template.Spec)
		}
		for _, j := range m.jobs {
			specs = append(specs, j.Spec.Template.Spec)
		}
		for _, spec := range specs {
			for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
				for _, e := range c.Env {
					if ref := e.ValueFrom; ref != nil && ref.SecretKeyRef != nil && ref.SecretKeyRef.Name == secretName &&
						(ref.SecretKeyRef.Optional == nil || !*ref.SecretKeyRef.Optional) {
						need[ref.SecretKeyRef.Key] = true
					}
				}
			}
		}
		var needed []string
		for k := range need {
			needed = append(needed, k)
		}
		require.ElementsMatch(t, needed, keys)
	})
}

func TestChartFilebeat(t *testing.T) {
	t.Parallel()
	forEachVariant(t, func(t *testing.T, v variant, m manifest) {
		ds, ok := m.daemonSets[release+"-filebeat"]
		if !v.filebeat {
			require.False(t, ok)
			require.Empty(t, m.clusterRoles)
			return
		}
		require.True(t, ok)
		spec := ds.Spec.Template.Spec
		fb := container(t, spec, "filebeat")
		require.Regexp(t, `^docker\.elastic\.co/beats/filebeat:\d+\.\d+\.\d+$`, fb.Image, "a pinned Filebeat")
		env := envOf(fb)
		requireFromSecret(t, env["ELASTICSEARCH_USERNAME"], "fountainai-elasticsearch", "username", "filebeat")
		requireFromSecret(t, env["ELASTICSEARCH_PASSWORD"], "fountainai-elasticsearch", "password", "filebeat")
		require.Equal(t, "spec.nodeName", env["NODE_NAME"].ValueFrom.FieldRef.FieldPath)

		// add_kubernetes_metadata reads pods with the DaemonSet's own account.
		sa := spec.ServiceAccountName
		require.Contains(t, m.serviceAccounts, sa)
		require.Len(t, m.bindings, 1)
		for _, b := range m.bindings {
			require.Equal(t, []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa, Namespace: namespace}}, b.Subjects)
			role, ok := m.clusterRoles[b.RoleRef.Name]
			require.True(t, ok, "binding to unknown ClusterRole %s", b.RoleRef.Name)
			var readsPods bool
			for _, r := range role.Rules {
				if slices.Contains(r.APIGroups, "") && slices.Contains(r.Resources, "pods") && slices.Contains(r.Verbs, "watch") {
					readsPods = true
				}
			}
			require.True(t, readsPods)
		}

		var configVolume string
		for _, vm := range fb.VolumeMounts {
			if vm.MountPath == "/etc/filebeat.yml" {
				configVolume = vm.Name
			}
		}
		require.Equal(t, []string{"-c", "/etc/filebeat.yml", "-e"}, fb.Args)
		i := slices.IndexFunc(spec.Volumes, func(vol corev1.Volume) bool { return vol.Name == configVolume })
		require.GreaterOrEqual(t, i, 0)
		cm, ok := m.configMaps[spec.Volumes[i].ConfigMap.Name]
		require.True(t, ok)
		var cfg struct {
			Inputs []struct {
				Type       string           `yaml:"type"`
				ID         string           `yaml:"id"`
				Paths      []string         `yaml:"paths"`
				Symlinks   bool             `yaml:"prospector.scanner.symlinks"`
				Parsers    []map[string]any `yaml:"parsers"`
				Processors []map[string]any `yaml:"processors"`
			} `yaml:"filebeat.inputs"`
			Output struct {
				Hosts    []string `yaml:"hosts"`
				Username string   `yaml:"username"`
				Password string   `yaml:"password"`
			} `yaml:"output.elasticsearch"`
		}
		dec := yaml.NewDecoder(strings.NewReader(cm.Data["filebeat.yml"]))
		dec.KnownFields(true)
		require.NoError(t, dec.Decode(&cfg))
		require.Len(t, cfg.Inputs, 1)
		in := cfg.Inputs[0]
		require.Equal(t, "filestream", in.Type)
		require.NotEmpty(t, in.ID, "filestream keeps its read offsets by id")
		require.True(t, in.Symlinks, "/var/log/containers holds links to the pods' log files")
		require.Equal(t, []string{"/var/log/containers/*_" + namespace + "_*.log"}, in.Paths, "this namespace's containers")
		var parsers []string
		for _, p := range in.Parsers {
			for k := range p {
				parsers = append(parsers, k)
			}
		}
		require.Equal(t, []string{"container", "ndjson"}, parsers, "the runtime's framing off, then the ECS JSON lines decoded")
		require.Contains(t, in.Processors[0], "add_kubernetes_metadata")
		require.Equal(t, []string{"https://es.example.com:9200"}, cfg.Output.Hosts)
		require.Equal(t, "${ELASTICSEARCH_USERNAME}", cfg.Output.Username)
		require.Equal(t, "${ELASTICSEARCH_PASSWORD}", cfg.Output.Password)
		var logs bool
		for _, vm := range fb.VolumeMounts {
			logs = logs || (vm.MountPath == "/var/log/containers" && vm.ReadOnly)
		}
		require.True(t, logs, "Filebeat reads the node's container logs")
	})
}
