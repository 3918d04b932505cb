// Package changelog reads CHANGELOG.md (https://keepachangelog.com/en/1.1.0/): its releases, newest
// first, each with its text and the API versions it lists. Tests hold the file to its format with
// it, and the release workflow takes a release's notes from it (cmd/changelog), so a tag without
// its section cannot be released.
package changelog

import (
	"bufio"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Unreleased is the name of the section that collects what the next release will hold.
const Unreleased = "Unreleased"

// Section is one release of the changelog, or the Unreleased section.
type Section struct {
	Version string // "Unreleased", or a version without its "v": "1.2.3", "1.3.0-rc.1"
	Date    string // YYYY-MM-DD; empty for Unreleased
	Body    string // the text below the heading, trimmed
}

// The kinds of change Keep a Changelog names, and the table of the API versions a release serves.
var subsections = map[string]bool{
	"Added": true, "Changed": true, "Deprecated": true, "Removed": true, "Fixed": true, "Security": true,
	"API versions": true,
}

var (
	heading    = regexp.MustCompile(`^## \[([^\]]+)\](?: - (\S+))?$`)
	version    = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$`)
	apiVersion = regexp.MustCompile("^\\| [^|]+ \\| `api/([a-z]+)\\.yaml` \\| (\\d+\\.\\d+\\.\\d+) \\|$")
	// A link reference definition ("[1.2.0]: https://…"): the file's, not a section's.
	linkReference = regexp.MustCompile(`^\[[^\]]+\]: \S+$`)
)

// Parse reads a changelog and checks its form: a title, then the Unreleased section, then the
// releases, each headed `## [X.Y.Z] - YYYY-MM-DD`, newest first, with only Keep a Changelog's kinds
// of change (and "API versions") as subsections.
func Parse(text string) ([]Section, error) {
	var sections []Section
	var body strings.Builder
	flush := func() {
		if n := len(sections); n > 0 {
			sections[n-1].Body = strings.TrimSpace(body.String())
		}
		body.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case n == 1:
			if line != "# Changelog" {
				return nil, errors.New(`line 1: the title is not "# Changelog"`)
			}
			continue
		case strings.HasPrefix(line, "## "):
			flush()
			s, err := parseHeading(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if len(sections) == 0 && s.Version != Unreleased {
				return nil, fmt.Errorf("line %d: the first section is not [%s]", n, Unreleased)
			}
			if len(sections) > 0 {
				if err := follows(sections[len(sections)-1], s); err != nil {
					return nil, fmt.Errorf("line %d: %w", n, err)
				}
			}
			sections = append(sections, s)
			continue
		case strings.HasPrefix(line, "### "):
			if name := strings.TrimPrefix(line, "### "); !subsections[name] {
				return nil, fmt.Errorf("line %d: %q is not a kind of change (Added, Changed, Deprecated, Removed, Fixed, Security) nor API versions", n, name)
			}
		}
		if len(sections) > 0 && !linkReference.MatchString(line) {
			body.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	flush()
	if len(sections) == 0 {
		return nil, fmt.Errorf("no [%s] section", Unreleased)
	}
	return sections, nil
}

func parseHeading(line string) (Section, error) {
	m := heading.FindStringSubmatch(line)
	if m == nil {
		return Section{}, fmt.Errorf("%q is neither ## [Unreleased] nor ## [X.Y.Z] - YYYY-MM-DD", line)
	}
	s := Section{Version: m[1], Date: m[2]}
	if s.Version == Unreleased {
		if s.Date != "" {
			return s, fmt.Errorf("[%s] has a date", Unreleased)
		}
		return s, nil
	}
	if !version.MatchString(s.Version) {
		return s, fmt.Errorf("[%s] is not a semantic version X.Y.Z (without a v)", s.Version)
	}
	if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
		return s, fmt.Errorf("[%s] has no date YYYY-MM-DD: %q", s.Version, s.Date)
	}
	return s, nil
}

// follows checks that release s may come below prev: an older version, on the same day or earlier.
func follows(prev, s Section) error {
	if s.Version == Unreleased {
		return fmt.Errorf("a second [%s] section", Unreleased)
	}
	if prev.Version == Unreleased {
		return nil
	}
	if compare(prev.Version, s.Version) <= 0 {
		return fmt.Errorf("[%s] is below [%s]: the newest release comes first", s.Version, prev.Version)
	}
	if s.Date > prev.Date {
		return fmt.Errorf("[%s] is dated %s, after [%s] above it (%s)", s.Version, s.Date, prev.Version, prev.Date)
	}
	return nil
}

// compare orders two versions that match version by semantic versioning's precedence.
func compare(a, b string) int {
	ma, mb := version.FindStringSubmatch(a), version.FindStringSubmatch(b)
	for i := 1; i <= 3; i++ {
		x, _ := strconv.ParseUint(ma[i], 10, 64)
		y, _ := strconv.ParseUint(mb[i], 10, 64)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch pa, pb := ma[4], mb[4]; {
	case pa == pb:
		return 0
	case pa == "": // a release ranks above its pre-releases
		return 1
	case pb == "":
		return -1
	default:
		return comparePre(strings.Split(pa, "."), strings.Split(pb, "."))
	}
}

// comparePre orders pre-release identifiers: numbers numerically and below words, words in ASCII
// order, and a shorter list below a longer one it begins.
func comparePre(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, errx := strconv.ParseUint(a[i], 10, 64)
		y, erry := strconv.ParseUint(b[i], 10, 64)
		switch {
		case errx == nil && erry == nil && x != y:
			if x < y {
				return -1
			}
			return 1
		case errx == nil && erry != nil:
			return -1
		case errx != nil && erry == nil:
			return 1
		case a[i] != b[i]:
			return strings.Compare(a[i], b[i])
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// Notes is the text of the release named by tag ("v1.2.3" or "1.2.3"), for its release notes. A
// release needs its own dated section. A pre-release ("v1.3.0-rc.1") takes its own section if it
// has one, else the one of the release it leads to, else Unreleased.
func Notes(sections []Section, tag string) (string, error) {
	v := strings.TrimPrefix(tag, "v")
	m := version.FindStringSubmatch(v)
	if m == nil {
		return "", fmt.Errorf("%q is not a version tag vX.Y.Z", tag)
	}
	want := []string{v}
	if m[4] != "" {
		want = append(want, strings.TrimSuffix(v, "-"+m[4]), Unreleased)
	}
	for _, w := range want {
		for _, s := range sections {
			if s.Version == w {
				return s.Body, nil
			}
		}
	}
	return "", fmt.Errorf("CHANGELOG.md has no section ## [%s] - YYYY-MM-DD: move the entries of [%s] there before tagging %s", v, Unreleased, tag)
}

// APIVersions are the API versions a section's "API versions" table lists, by spec name
// ("sequence" for api/sequence.yaml).
func (s Section) APIVersions() map[string]string {
	out := map[string]string{}
	for line := range strings.SplitSeq(s.Body, "\n") {
		if m := apiVersion.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}
