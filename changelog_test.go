package fountainai_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/internal/changelog"
	"github.com/fountainai/fountainai/services"
)

// TestChangelog holds CHANGELOG.md to the form the release workflow reads it in (the Unreleased
// section, then releases newest first), and the newest table of API versions in it to the specs: a
// spec's version does not move without the changelog saying so. (Unreleased needs a table of its own
// once a version moves after a release.)
func TestChangelog(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile("CHANGELOG.md")
	require.NoError(t, err)
	sections, err := changelog.Parse(string(text))
	require.NoError(t, err)

	specs := map[string]string{}
	for _, s := range services.All() {
		var doc struct{ Info struct{ Version string } }
		require.NoError(t, yaml.Unmarshal(s.Spec, &doc), s.Name)
		specs[s.Name] = doc.Info.Version
	}
	for _, s := range sections {
		if listed := s.APIVersions(); len(listed) > 0 {
			require.Equal(t, specs, listed, "the API versions of CHANGELOG.md's [%s] section are those of api/*.yaml", s.Version)
			return
		}
	}
	t.Fatal("no section of CHANGELOG.md lists the API versions")
}
