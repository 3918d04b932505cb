package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNotes(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "CHANGELOG.md")
	require.NoError(t, os.WriteFile(file, []byte("# Changelog\n\n## [Unreleased]\n\n- Next.\n\n## [1.0.0] - 2027-01-15\n\n### Added\n\n- First.\n"), 0o600))

	var out strings.Builder
	require.NoError(t, run([]string{"notes", "v1.0.0", "--file", file}, &out))
	require.Equal(t, "### Added\n\n- First.\n", out.String())

	require.ErrorContains(t, run([]string{"notes", "v1.0.1", "--file", file}, &out), "no section ## [1.0.1]")
	require.ErrorContains(t, run([]string{"notes"}, &out), "usage")
	require.NoError(t, os.WriteFile(file, []byte("# Changelog\n\n## [1.0.0] - 2027-01-15\n"), 0o600))
	require.ErrorContains(t, run([]string{"notes", "v1.0.0", "--file", file}, &out), "the first section is not [Unreleased]")
}

// The real changelog is read from the module root, where the release workflow runs the command.
func TestNotesOfTheChangelog(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run([]string{"notes", "v1.0.0-rc.1", "--file", "../../CHANGELOG.md"}, &out))
	require.Contains(t, out.String(), "### API versions")
}
