// Checks the Lightsail deployment offline: the OpenTofu files (parsed with HCL), the user-data
// (rendered as templatefile does, then cloud-init's own schema check), the compose override with
// docker-compose.yml, and backup.sh and restore.sh against the test run's PostgreSQL.
package lightsail_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/pgcluster"
	"github.com/fountainai/fountainai/internal/storytest"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type tofuFiles struct {
	bodies []*hclsyntax.Body
}

func parseTofu(t *testing.T) tofuFiles {
	t.Helper()
	paths, err := filepath.Glob("tofu/*.tf")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	var tf tofuFiles
	for _, p := range paths {
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
		require.False(t, diags.HasErrors(), diags.Error())
		tf.bodies = append(tf.bodies, f.Body.(*hclsyntax.Body))
	}
	return tf
}

func (tf tofuFiles) blocks(typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range tf.bodies {
		for _, bl := range b.Blocks {
			if bl.Type == typ {
				out = append(out, bl)
			}
		}
	}
	return out
}

func (tf tofuFiles) resource(t *testing.T, typ, name string) *hclsyntax.Block {
	t.Helper()
	for _, r := range tf.blocks("resource") {
		if r.Labels[0] == typ && r.Labels[1] == name {
			return r
		}
	}
	t.Fatalf("no resource %s.%s", typ, name)
	return nil
}

// defaults are the variables' defaults, as the evaluation context of a plan that sets none of them.
func (tf tofuFiles) defaults(t *testing.T) map[string]cty.Value {
	t.Helper()
	vals := map[string]cty.Value{}
	for _, v := range tf.blocks("variable") {
		if d, ok := v.Body.Attributes["default"]; ok {
			val, diags := d.Expr.Value(nil)
			require.False(t, diags.HasErrors(), diags.Error())
			vals[v.Labels[0]] = val
		}
	}
	return vals
}

// uses collects the variables every expression outside the variable blocks reads.
func uses(body *hclsyntax.Body, into map[string]bool) {
	_ = hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		if e, ok := n.(hclsyntax.Expression); ok {
			for _, tr := range e.Variables() {
				if tr.RootName() == "var" && len(tr) > 1 {
					if a, ok := tr[1].(hcl.TraverseAttr); ok {
						into[a.Name] = true
					}
				}
			}
		}
		return nil
	})
}

func TestTofuVariables(t *testing.T) {
	t.Parallel()
	tf := parseTofu(t)
	declared := map[string]*hclsyntax.Block{}
	for _, v := range tf.blocks("variable") {
		declared[v.Labels[0]] = v
	}
	used := map[string]bool{}
	for _, b := range tf.bodies {
		for _, bl := range b.Blocks {
			if bl.Type != "variable" {
				uses(bl.Body, used)
			}
		}
	}
	for name := range used {
		require.Contains(t, declared, name, "var.%s is used but not declared", name)
	}
	secretName := regexp.MustCompile(`(?i)password|secret|token|key`)
	secrets := 0
	for name, v := range declared {
		require.True(t, used[name], "variable %s is declared but never used", name)
		sensitive := false
		if a, ok := v.Body.Attributes["sensitive"]; ok {
			val, diags := a.Expr.Value(nil)
			require.False(t, diags.HasErrors())
			sensitive = val.True()
		}
		if sensitive || secretName.MatchString(name) {
			secrets++
			require.True(t, sensitive, "secret variable %s must be sensitive", name)
			require.NotContains(t, v.Body.Attributes, "default", "secret variable %s has a default", name)
		}
	}
	require.Positive(t, secrets, "the managed database's password is a secret variable")
}

func TestTofuProviderPinned(t *testing.T) {
	t.Parallel()
	tf := parseTofu(t)
	terraform := tf.blocks("terraform")
	require.Len(t, terraform, 1)
	var rp *hclsyntax.Block
	for _, b := range terraform[0].Body.Blocks {
		if b.Type == "required_providers" {
			rp = b
		}
	}
	require.NotNil(t, rp)
	aws, diags := rp.Body.Attributes["aws"].Expr.Value(nil)
	require.False(t, diags.HasErrors(), diags.Error())
	require.Equal(t, "hashicorp/aws", aws.GetAttr("source").AsString())
	require.Regexp(t, `^= ?\d+\.\d+\.\d+$`, aws.GetAttr("version").AsString(), "one exact provider version")
}

type port struct {
	Protocol string
	From, To int64
}

// publicPorts evaluates the firewall's port_info blocks, static and dynamic, with the variables vars.
func publicPorts(t *testing.T, tf tofuFiles, vars map[string]cty.Value) []port {
	t.Helper()
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)},
		Functions: map[string]function.Function{"length": stdlib.LengthFunc},
	}
	one := func(b *hclsyntax.Body, ctx *hcl.EvalContext) port {
		get := func(name string) cty.Value {
			v, diags := b.Attributes[name].Expr.Value(ctx)
			require.False(t, diags.HasErrors(), diags.Error())
			return v
		}
		from, _ := get("from_port").AsBigFloat().Int64()
		to, _ := get("to_port").AsBigFloat().Int64()
		return port{get("protocol").AsString(), from, to}
	}
	var ports []port
	for _, b := range tf.resource(t, "aws_lightsail_instance_public_ports", "fountainai").Body.Blocks {
		switch {
		case b.Type == "port_info":
			ports = append(ports, one(b.Body, ctx))
		case b.Type == "dynamic" && b.Labels[0] == "port_info":
			each, diags := b.Body.Attributes["for_each"].Expr.Value(ctx)
			require.False(t, diags.HasErrors(), diags.Error())
			for it := each.ElementIterator(); it.Next(); {
				_, v := it.Element()
				inner := &hcl.EvalContext{Variables: map[string]cty.Value{
					"var": ctx.Variables["var"], "port_info": cty.ObjectVal(map[string]cty.Value{"value": v}),
				}}
				ports = append(ports, one(b.Body.Blocks[0].Body, inner))
			}
		default:
			t.Fatalf("unexpected block %s in the public ports", b.Type)
		}
	}
	return ports
}

func TestTofuPublicPorts(t *testing.T) {
	t.Parallel()
	tf := parseTofu(t)
	vars := tf.defaults(t)
	require.ElementsMatch(t, []port{{"tcp", 80, 80}, {"tcp", 443, 443}}, publicPorts(t, tf, vars), "only HTTP and HTTPS by default")

	vars["ssh_browser"] = cty.True
	require.ElementsMatch(t, []port{{"tcp", 80, 80}, {"tcp", 443, 443}, {"tcp", 22, 22}}, publicPorts(t, tf, vars), "ssh_browser opens 22")
}

// templateArgs are the names user_data's templatefile call passes.
func templateArgs(t *testing.T, tf tofuFiles) []string {
	t.Helper()
	call, ok := tf.resource(t, "aws_lightsail_instance", "fountainai").Body.Attributes["user_data"].Expr.(*hclsyntax.FunctionCallExpr)
	require.True(t, ok, "user_data is a templatefile call")
	require.Equal(t, "templatefile", call.Name)
	require.Len(t, call.Args, 2)
	path, diags := call.Args[0].Value(&hcl.EvalContext{Variables: map[string]cty.Value{
		"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal("tofu")}),
	}})
	require.False(t, diags.HasErrors(), diags.Error())
	require.Equal(t, "user-data.yaml", filepath.Clean(path.AsString()))
	obj, ok := call.Args[1].(*hclsyntax.ObjectConsExpr)
	require.True(t, ok)
	var names []string
	for _, item := range obj.Items {
		names = append(names, hcl.ExprAsKeyword(item.KeyExpr))
	}
	return names
}

func parseUserData(t *testing.T) hclsyntax.Expression {
	t.Helper()
	src, err := os.ReadFile("user-data.yaml")
	require.NoError(t, err)
	tmpl, diags := hclsyntax.ParseTemplate(src, "user-data.yaml", hcl.InitialPos)
	require.False(t, diags.HasErrors(), diags.Error())
	return tmpl
}

func TestUserDataTemplateVariables(t *testing.T) {
	t.Parallel()
	var placeholders []string
	for _, tr := range parseUserData(t).Variables() {
		if !slices.Contains(placeholders, tr.RootName()) {
			placeholders = append(placeholders, tr.RootName())
		}
	}
	require.ElementsMatch(t, templateArgs(t, parseTofu(t)), placeholders)
}

// renderUserData renders user-data.yaml as templatefile would, with sample values.
func renderUserData(t *testing.T) string {
	t.Helper()
	vals := map[string]cty.Value{}
	for _, name := range templateArgs(t, parseTofu(t)) {
		vals[name] = cty.StringVal("sample-" + strings.ReplaceAll(name, "_", "-"))
	}
	vals["backup_keep_days"] = cty.NumberIntVal(14)
	out, diags := parseUserData(t).Value(&hcl.EvalContext{Variables: vals})
	require.False(t, diags.HasErrors(), diags.Error())
	return out.AsString()
}

func TestUserDataSchema(t *testing.T) {
	t.Parallel()
	rendered := renderUserData(t)
	require.True(t, strings.HasPrefix(rendered, "#cloud-config\n"))
	require.Contains(t, rendered, "BACKUP_KEEP_DAYS=14\n")
	path := filepath.Join(t.TempDir(), "user-data.yaml")
	require.NoError(t, os.WriteFile(path, []byte(rendered), 0o600))
	out, err := exec.Command("cloud-init", "schema", "--config-file", path).CombinedOutput()
	require.NoError(t, err, "cloud-init schema (make cloud-init installs it): %s", out)
	require.Contains(t, string(out), "Valid cloud-config")

	// The checker is not lenient: a wrong type is refused.
	bad := strings.Replace(rendered, "package_update: true", "package_update: [yes]", 1)
	require.NoError(t, os.WriteFile(path, []byte(bad), 0o600))
	out, err = exec.Command("cloud-init", "schema", "--config-file", path).CombinedOutput()
	require.Error(t, err, "%s", out)
}

// writeEnv runs write-env.sh as fountainai-install does, into path.
func writeEnv(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command("./write-env.sh", path)
	cmd.Env = append(os.Environ(), "FOUNTAIN_DOMAIN=api.example.com", "ACME_EMAIL=ops@example.com",
		"FOUNTAIN_IMAGE_TAG=v9.9.9", "BACKUP_BUCKET=fountainai-backups", "AWS_REGION=eu-central-1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	env := map[string]string{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[k] = v
		}
	}
	return env
}

func TestWriteEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, second := filepath.Join(dir, "a.env"), filepath.Join(dir, "b.env")
	writeEnv(t, first)
	writeEnv(t, second)
	info, err := os.Stat(first)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	a, b := readEnv(t, first), readEnv(t, second)
	for _, key := range []string{"POSTGRES_PASSWORD", "FOUNTAIN_INGEST_KEY", "GRAFANA_ADMIN_PASSWORD"} {
		require.Regexp(t, `^[0-9a-f]{48,}$`, a[key], key)
		require.NotEqual(t, a[key], b[key], "%s is made anew on each host", key)
	}
	require.Contains(t, a["DATABASE_URL"], a["POSTGRES_PASSWORD"])

	// Run again, it keeps the secrets the database and Grafana already have.
	writeEnv(t, first)
	require.Equal(t, a, readEnv(t, first))
}

func TestComposeOverride(t *testing.T) {
	t.Parallel()
	envFile := filepath.Join(t.TempDir(), ".env")
	writeEnv(t, envFile)
	env := readEnv(t, envFile)
	load := func(extra ...string) map[string]*port {
		po, err := cli.NewProjectOptions([]string{"../../docker-compose.yml", "compose.lightsail.yml"},
			cli.WithWorkingDirectory("../.."), cli.WithName("fountainai"), cli.WithEnvFiles(envFile), cli.WithDotEnv,
			cli.WithEnv(extra))
		require.NoError(t, err)
		p, err := po.LoadProject(context.Background())
		require.NoError(t, err)

		caddy := p.Services["caddy"]
		require.Regexp(t, `^caddy:\d+\.\d+\.\d+$`, caddy.Image, "a pinned Caddy")
		require.Equal(t, "unless-stopped", caddy.Restart)
		require.Equal(t, "api.example.com", *caddy.Environment["FOUNTAIN_DOMAIN"])
		var caddyfile string
		for _, v := range caddy.Volumes {
			if v.Target == "/etc/caddy/Caddyfile" {
				caddyfile = v.Source
			}
		}
		require.FileExists(t, caddyfile)
		published := map[string]*port{}
		for name, s := range p.Services {
			for _, pc := range s.Ports {
				require.Equal(t, "caddy", name, "%s publishes %s on the host", name, pc.Published)
				n, err := strconv.ParseInt(pc.Published, 10, 64)
				require.NoError(t, err)
				require.Equal(t, int64(pc.Target), n)
				published[pc.Published] = &port{pc.Protocol, n, n}
			}
		}
		require.ElementsMatch(t, []string{"80", "443"}, slices.Collect(mapsKeys(published)))
		for _, name := range append([]string{"migrate"}, serviceNames()...) {
			got := p.Services[name].Environment["FOUNTAIN_DATABASE_URL"]
			require.NotNil(t, got, name)
			want := "postgres://fountain:" + env["POSTGRES_PASSWORD"] + "@postgres:5432/fountain?sslmode=disable"
			if len(extra) > 0 {
				want = strings.TrimPrefix(extra[0], "FOUNTAIN_DATABASE_URL=")
			}
			require.Equal(t, want, *got, name)
		}
		return published
	}
	for _, p := range load() {
		require.Equal(t, "tcp", p.Protocol)
	}
	load("FOUNTAIN_DATABASE_URL=postgres://fountain:pw@db.example.com:5432/fountain?sslmode=require")
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func serviceNames() []string {
	var names []string
	for _, s := range services.All() {
		names = append(names, s.Name)
	}
	return names
}

// storyBody is the JSON of GET /stories for the script, from a server on the database at url.
func storyBody(t *testing.T, url string, scriptID int64) []byte {
	t.Helper()
	all := services.All()
	srv := apitest.NewServer(t, dbtest.PoolFor(t, url, 8), all...)
	resp, err := apitest.Client(t, all...).Get(srv.URL + "/stories?scriptId=" + strconv.FormatInt(scriptID, 10) + "&limit=5000")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	return body
}

// script runs one of the scripts with the PostgreSQL client binaries of the test cluster first on
// PATH, and extra environment.
func script(t *testing.T, pathDir string, name string, args []string, env ...string) string {
	t.Helper()
	bin, err := pgcluster.FindBinDir()
	require.NoError(t, err)
	cmd := exec.Command("./"+name, args...)
	cmd.Env = append(os.Environ(), append([]string{"PATH=" + pathDir + bin + ":" + os.Getenv("PATH")}, env...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s: %s", name, stderr.String())
	return strings.TrimSpace(string(out))
}

func TestBackupRestore(t *testing.T) {
	t.Parallel()
	source := dbtest.New(t)
	all := services.All()
	srv := apitest.NewServer(t, dbtest.PoolFor(t, source, 8), all...)
	w := storytest.WriteBalcony(t, apitest.NewClients(t, srv.URL, apitest.Client(t, all...)))
	before := storyBody(t, source, w.ScriptID)

	// A docker that runs the command itself, through pipes as docker compose exec does, stands for
	// the compose postgres service.
	fakeDocker := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(fakeDocker, "docker"), []byte(
		"#!/usr/bin/env bash\nset -euo pipefail\n[[ \"$1 $2 $3 $4\" == 'compose exec -T postgres' ]] || exit 64\nshift 4\ncat | \"$@\" | cat\n"), 0o755))

	for _, mode := range []struct {
		name string
		path string
		env  []string
	}{
		{"path", "", nil},
		{"compose", fakeDocker + ":", []string{"PG_COMPOSE_SERVICE=postgres"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			old := filepath.Join(dir, "fountainai-20200101T000000Z.dump")
			other := filepath.Join(dir, "notes.txt")
			require.NoError(t, os.WriteFile(old, []byte("old"), 0o600))
			require.NoError(t, os.WriteFile(other, []byte("kept"), 0o600))

			file := script(t, mode.path, "backup.sh", nil, append(mode.env,
				"DATABASE_URL="+source, "BACKUP_DIR="+dir, "BACKUP_KEEP_DAYS=7", "BACKUP_BUCKET=")...)
			require.Regexp(t, `/fountainai-\d{8}T\d{6}Z\.dump$`, file)
			require.FileExists(t, file)
			require.NoFileExists(t, old, "a backup older than BACKUP_KEEP_DAYS is removed")
			require.FileExists(t, other)

			target := dbtest.NewEmpty(t)
			script(t, mode.path, "restore.sh", []string{"latest"}, append(mode.env,
				"DATABASE_URL="+target, "BACKUP_DIR="+dir, "BACKUP_BUCKET=")...)
			require.Equal(t, string(before), string(storyBody(t, target, w.ScriptID)))
		})
	}
}
