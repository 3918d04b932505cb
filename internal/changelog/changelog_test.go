package changelog_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/changelog"
)

const sample = "# Changelog\n\nIntro.\n\n" +
	"## [Unreleased]\n\n### Added\n\n- Next thing.\n\n" +
	"## [1.1.0] - 2027-03-01\n\n### API versions\n\n| API | spec | version |\n|---|---|---|\n" +
	"| Central Sequence | `api/sequence.yaml` | 2.5.0 |\n| Logging | `api/logs.yaml` | 1.2.0 |\n\n### Deprecated\n\n- Old thing.\n\n" +
	"## [1.1.0-rc.2] - 2027-02-20\n\n- Candidate two.\n\n" +
	"## [1.1.0-rc.1] - 2027-02-10\n\n- Candidate one.\n\n" +
	"## [1.0.0] - 2027-01-15\n\n### Added\n\n- Everything.\n\n" +
	"[Unreleased]: https://github.com/fountainai/fountainai/compare/v1.1.0...HEAD\n" +
	"[1.1.0]: https://github.com/fountainai/fountainai/compare/v1.0.0...v1.1.0\n"

func TestParse(t *testing.T) {
	t.Parallel()
	sections, err := changelog.Parse(sample)
	require.NoError(t, err)
	var versions []string
	for _, s := range sections {
		versions = append(versions, s.Version+" "+s.Date)
	}
	require.Equal(t, []string{"Unreleased ", "1.1.0 2027-03-01", "1.1.0-rc.2 2027-02-20", "1.1.0-rc.1 2027-02-10", "1.0.0 2027-01-15"}, versions)
	require.Equal(t, "### Added\n\n- Next thing.", sections[0].Body)
	require.Equal(t, "### Added\n\n- Everything.", sections[4].Body, "link references are the file's, not the last section's")
	require.Equal(t, map[string]string{"sequence": "2.5.0", "logs": "1.2.0"}, sections[1].APIVersions())
	require.Empty(t, sections[0].APIVersions())
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ replace, with, refusal string }{
		{"# Changelog", "# Changes", "the title"},
		{"## [Unreleased]\n\n### Added\n\n- Next thing.\n\n", "", "the first section is not [Unreleased]"},
		{"## [1.0.0] - 2027-01-15", "## [Unreleased]", "a second [Unreleased] section"},
		{"## [Unreleased]", "## [Unreleased] - 2027-04-01", "[Unreleased] has a date"},
		{"## [1.0.0] - 2027-01-15", "## [v1.0.0] - 2027-01-15", "[v1.0.0] is not a semantic version"},
		{"## [1.0.0] - 2027-01-15", "## [1.0] - 2027-01-15", "[1.0] is not a semantic version"},
		{"## [1.0.0] - 2027-01-15", "## [1.0.0]", "[1.0.0] has no date"},
		{"## [1.0.0] - 2027-01-15", "## [1.0.0] - 15.01.2027", "[1.0.0] has no date"},
		{"## [1.0.0] - 2027-01-15", "## [1.2.0] - 2027-01-15", "[1.2.0] is below [1.1.0-rc.1]"},
		{"## [1.1.0-rc.1] - 2027-02-10", "## [1.1.0-rc.10] - 2027-02-10", "[1.1.0-rc.10] is below [1.1.0-rc.2]"},
		{"## [1.1.0-rc.2] - 2027-02-20", "## [1.1.0] - 2027-02-20", "[1.1.0] is below [1.1.0]"},
		{"## [1.0.0] - 2027-01-15", "## [1.0.0] - 2027-02-15", "[1.0.0] is dated 2027-02-15, after [1.1.0-rc.1]"},
		{"### Deprecated", "### Deprecations", `"Deprecations" is not a kind of change`},
		{"Everything.", "Everything.\n## 1.0.0", `"## 1.0.0" is neither`},
	} {
		text := strings.Replace(sample, c.replace, c.with, 1)
		require.NotEqual(t, sample, text, c.replace)
		_, err := changelog.Parse(text)
		require.ErrorContains(t, err, c.refusal, "%q → %q", c.replace, c.with)
	}
}

func TestNotes(t *testing.T) {
	t.Parallel()
	sections, err := changelog.Parse(sample)
	require.NoError(t, err)
	for tag, want := range map[string]string{
		"v1.0.0":      "### Added\n\n- Everything.",
		"1.0.0":       "### Added\n\n- Everything.",
		"v1.1.0-rc.1": "- Candidate one.",           // its own section
		"v1.0.1-rc.1": "### Added\n\n- Next thing.", // none of its own or of 1.0.1: Unreleased
		"v1.1.0-rc.3": sections[1].Body,             // the release it leads to
		"v1.1.0":      sections[1].Body,             // the release itself
		"v2.0.0-beta": "### Added\n\n- Next thing.", // Unreleased
		"v1.1.0-rc.2": "- Candidate two.",           // its own
		"v1.0.0-rc.1": "### Added\n\n- Everything.", // 1.0.0's
		"v1.2.0-rc.1": "### Added\n\n- Next thing.", // Unreleased
		"v1.1.0-rc.0": sections[1].Body,             // 1.1.0's
		"v1.0.0-0":    "### Added\n\n- Everything.", // 1.0.0's
		"v3.0.0-rc.1": "### Added\n\n- Next thing.", // Unreleased
	} {
		got, err := changelog.Notes(sections, tag)
		require.NoError(t, err, tag)
		require.Equal(t, want, got, tag)
	}
	for tag, refusal := range map[string]string{
		"v1.0.1":  "no section ## [1.0.1]", // a release needs its own section: Unreleased is not enough
		"v2.0.0":  "no section ## [2.0.0]",
		"release": `"release" is not a version tag`,
		"v1.0":    `"v1.0" is not a version tag`,
		"v1.0.0+": `"v1.0.0+" is not a version tag`,
	} {
		_, err := changelog.Notes(sections, tag)
		require.ErrorContains(t, err, refusal, tag)
	}
}
