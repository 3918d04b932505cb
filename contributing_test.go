package fountainai_test

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestContributingStaysTrue holds CONTRIBUTING.md to the repository: its table of internal packages
// names each package once and only packages that exist, and every make target it tells a newcomer
// to run exists.
func TestContributingStaysTrue(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile("CONTRIBUTING.md")
	require.NoError(t, err)
	doc := string(text)

	entries, err := os.ReadDir("internal")
	require.NoError(t, err)
	var packages []string
	for _, e := range entries {
		if e.IsDir() {
			packages = append(packages, e.Name())
		}
	}
	var listed []string
	for line := range strings.SplitSeq(doc, "\n") {
		first, _, ok := strings.Cut(strings.TrimPrefix(line, "| "), " |")
		if !ok || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range regexp.MustCompile("`([a-z]+)`").FindAllStringSubmatch(first, -1) {
			listed = append(listed, m[1])
		}
	}
	slices.Sort(listed)
	require.Equal(t, packages, listed, "CONTRIBUTING.md's table lists every package under internal/, once")

	makefile, err := os.ReadFile("Makefile")
	require.NoError(t, err)
	for _, m := range regexp.MustCompile("`make ([a-z-]+)").FindAllStringSubmatch(doc, -1) {
		require.Regexp(t, "(?m)^"+m[1]+":", string(makefile), "CONTRIBUTING.md runs make %s", m[1])
	}
	// The worked example's test command must name a package that exists.
	for _, m := range regexp.MustCompile(`go test [^\n|]*? (\./[a-z/]+/)`).FindAllStringSubmatch(doc, -1) {
		out, err := exec.Command("go", "list", m[1]).CombinedOutput()
		require.NoError(t, err, "CONTRIBUTING.md tests %s: %s", m[1], out)
	}
}
