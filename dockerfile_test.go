package fountainai_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// dockerfile is the Dockerfile as instructions: continuation lines joined, comments dropped.
func dockerfile(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	return out
}

func instructions(lines []string, keyword string) []string {
	var out []string
	for _, l := range lines {
		if k, rest, _ := strings.Cut(l, " "); strings.EqualFold(k, keyword) {
			out = append(out, strings.TrimSpace(rest))
		}
	}
	return out
}

// TestDockerfile checks what the image promises: the Go release of go.mod, a static binary built
// without cgo for the image's platform and stamped with its version, a minimal base running as a
// non-root user, and a health check that needs no shell.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	lines := dockerfile(t)

	gomod, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)(\.\d+)?$`).FindSubmatch(gomod)
	require.NotNil(t, goLine, "go.mod has a go directive")
	require.Contains(t, instructions(lines, "ARG"), "GO_VERSION="+string(goLine[1]), "the build stage uses go.mod's Go release")

	from := instructions(lines, "FROM")
	require.Len(t, from, 2, "a build stage and the final image")
	require.Equal(t, "--platform=$BUILDPLATFORM golang:${GO_VERSION} AS build", from[0], "cross-compiles on the builder's platform")
	require.Equal(t, "gcr.io/distroless/static-debian12:nonroot", from[1], "a static binary needs no libc")

	build := strings.Join(instructions(lines, "RUN"), "\n")
	require.Contains(t, build, "go build -trimpath")
	require.Contains(t, build, "GOOS=$TARGETOS GOARCH=$TARGETARCH", "builds for the image's platform")
	require.Contains(t, instructions(lines, "ARG"), "VERSION=", "the release workflow passes the version as a build argument")
	require.Contains(t, build, `-X main.version=${VERSION}`, "fountain version reports the build argument")
	require.Contains(t, strings.Join(instructions(lines, "ENV"), " "), "CGO_ENABLED=0")
	require.Contains(t, strings.Join(instructions(lines, "ENV"), " "), "FOUNTAIN_ADDR=:8080")

	// Instructions of the final stage only.
	last := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "FROM ") {
			last = i
		}
	}
	final := lines[last:]
	users := instructions(final, "USER")
	require.NotEmpty(t, users)
	require.NotContains(t, []string{"0", "root", "0:0", "root:root"}, users[len(users)-1], "runs as a non-root user")
	require.Equal(t, []string{"8080"}, instructions(final, "EXPOSE"))
	require.Equal(t, []string{`["` + fountainBinary + `"]`}, instructions(final, "ENTRYPOINT"))
	health := instructions(final, "HEALTHCHECK")
	require.Len(t, health, 1)
	require.Regexp(t, regexp.MustCompile(`CMD \["`+regexp.QuoteMeta(fountainBinary)+`", "healthcheck"\]$`), health[0], "exec form: the image has no shell")

	ignore, err := os.ReadFile(".dockerignore")
	require.NoError(t, err)
	for _, p := range []string{".git", ".env", ".data", "tools/node_modules", "sdk/typescript/node_modules"} {
		require.Contains(t, strings.Fields(string(ignore)), p, ".dockerignore keeps %s out of the build context", p)
	}
}
