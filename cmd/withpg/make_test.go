package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMakeTestRunsWithoutCgo: `make test` runs withpg with the race detector only where cgo works. On
// a machine with Go and make but no C compiler, or with CGO_ENABLED=0, it runs the tests without it,
// built without cgo, and says so in one line. `make -n` shows the commands without running them.
func TestMakeTestRunsWithoutCgo(t *testing.T) {
	t.Parallel()
	makeBin, err := exec.LookPath("make")
	require.NoError(t, err)
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	// PATH directories holding go alone, and go with something answering to the C compiler's name.
	noCC, withCC := t.TempDir(), t.TempDir()
	for _, dir := range []string{noCC, withCC} {
		require.NoError(t, os.Symlink(goBin, filepath.Join(dir, "go")))
	}
	require.NoError(t, os.WriteFile(filepath.Join(withCC, "gcc"), []byte("#!/bin/sh\nexit 0\n"), 0o755))

	for _, tc := range []struct {
		name, path, cgo string
		race            bool
	}{
		{name: "no C compiler", path: noCC},
		{name: "no C compiler, CGO_ENABLED=1", path: noCC, cgo: "1"},
		{name: "CGO_ENABLED=0", path: withCC, cgo: "0"},
		{name: "cgo works", path: withCC, race: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var env []string
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "CGO_ENABLED=") && !strings.HasPrefix(kv, "CC=") {
					env = append(env, kv)
				}
			}
			env = append(env, "PATH="+tc.path)
			if tc.cgo != "" {
				env = append(env, "CGO_ENABLED="+tc.cgo)
			}
			cmd := exec.Command(makeBin, "--no-print-directory", "-n", "-C", "../..", "test")
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, string(out))

			var run string
			for line := range strings.Lines(string(out)) {
				if strings.Contains(line, "./cmd/withpg") {
					run = line
				}
			}
			if tc.race {
				require.Contains(t, run, "go test -race ", string(out))
				require.NotContains(t, string(out), "without the race detector")
				return
			}
			require.NotContains(t, run, "-race", string(out))
			require.True(t, strings.HasPrefix(run, "CGO_ENABLED=0 "), "built without cgo: %s", run)
			require.Equal(t, 1, strings.Count(string(out), "without the race detector"), string(out))
		})
	}
}
