package sdk

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sdkGo is the oldest Go the SDK module supports: users' programs on older toolchains than the
// server's build it. Raising it is a decision, not a side effect of go get.
const sdkGo = "1.22"

// serverModules are modules of the server that the SDK module must never reach, even as a
// requirement of a requirement: the SDK's users would download, and trust, the server's world.
var serverModules = []string{
	"github.com/getkin/kin-openapi", "github.com/jackc/", "github.com/pressly/goose",
	"github.com/prometheus/", "github.com/zitadel/", "github.com/golang-jwt/", "github.com/MicahParks/",
	"github.com/go-jose/", "github.com/oapi-codegen/nethttp-middleware", "github.com/oapi-codegen/oapi-codegen",
	"github.com/compose-spec/", "github.com/swaggo/", "github.com/segmentio/encoding",
}

// sdkImports are the modules whose packages a program using the SDK compiles, besides the SDK and
// the standard library.
var sdkImports = map[string]bool{
	"github.com/oapi-codegen/runtime":    true,
	"github.com/apapsch/go-jsonmerge/v2": true,
	"github.com/google/uuid":             true,
}

const sdkModule = "github.com/fountainai/fountainai/sdk/go"

// TestSDKModuleNeedsNoServerDependency holds the Go SDK module to being a client only: no module of
// the server in its module graph, nothing compiled in but the generated clients and their runtime,
// and a go directive old enough for its users.
func TestSDKModuleNeedsNoServerDependency(t *testing.T) {
	dir := filepath.Join(root(t), "sdk", "go")
	env := baseEnv()

	for _, m := range strings.Fields(run(t, dir, env, 5*time.Minute, "go", "list", "-m", "-f", "{{.Path}}", "all")) {
		if m == "github.com/fountainai/fountainai" {
			t.Errorf("the SDK module requires the server's module")
		}
		for _, s := range serverModules {
			if strings.HasPrefix(m, s) {
				t.Errorf("the SDK module's graph holds %s, a dependency of the server", m)
			}
		}
	}

	compiled := run(t, dir, env, 5*time.Minute, "go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}} {{.Module.Path}}{{end}}", "./...")
	for _, line := range strings.Split(strings.TrimSpace(compiled), "\n") {
		pkg, mod, _ := strings.Cut(line, " ")
		if mod != sdkModule && !sdkImports[mod] {
			t.Errorf("the SDK compiles in %s (module %s): only the generated clients' runtime belongs there", pkg, mod)
		}
	}

	var gomod struct{ Go string }
	if err := json.Unmarshal([]byte(run(t, dir, env, time.Minute, "go", "mod", "edit", "-json")), &gomod); err != nil {
		t.Fatal(err)
	}
	if newer(gomod.Go, sdkGo) {
		t.Errorf("sdk/go/go.mod says go %s, past %s: a requirement raised it (see which with go mod graph) or it was raised by hand", gomod.Go, sdkGo)
	}
}

// newer tells whether Go version a (1.N or 1.N.P) is past b's minor version.
func newer(a, b string) bool {
	minor := func(v string) int {
		parts := strings.Split(v, ".")
		if len(parts) < 2 {
			return 0
		}
		n, _ := strconv.Atoi(parts[1])
		return n
	}
	return minor(a) > minor(b)
}
