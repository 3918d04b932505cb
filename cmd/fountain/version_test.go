package main

import (
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/buildinfo"
	"github.com/fountainai/fountainai/services"
)

// TestVersion: `fountain version` names the binary's version, the Go release and every spec's
// title and info.version as the binary embeds them; `fountain --version` says the same.
func TestVersion(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run([]string{"version"}, &out, io.Discard))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	all := services.All()
	require.Len(t, lines, 2+len(all), out.String())
	require.Equal(t, "fountain "+buildinfo.Version(), lines[0])
	require.Equal(t, runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH, lines[1])
	for i, s := range all {
		doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
		require.NoError(t, err)
		require.NotEmpty(t, doc.Info.Version, s.Name)
		require.Equal(t, []string{s.Name, doc.Info.Version}, strings.Fields(lines[2+i])[:2])
		require.True(t, strings.HasSuffix(lines[2+i], "  "+doc.Info.Title), "%q ends with the title %q", lines[2+i], doc.Info.Title)
	}

	var flag strings.Builder
	require.NoError(t, run([]string{"--version"}, &flag, io.Discard))
	require.Equal(t, out.String(), flag.String())
	require.Contains(t, usage, "fountain version")
}

// TestVersionStamp builds fountain as a release does, with -X main.version, and finds that version
// in `fountain version`: a misspelt variable would leave it silently unstamped.
func TestVersionStamp(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "fountain")
	build := exec.Command(goBin, "build", "-trimpath", "-ldflags", "-X main.version=v9.8.7-rc.1", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(bin, "version").Output()
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(out), "\n")
	require.Equal(t, "fountain v9.8.7-rc.1", first)
}
