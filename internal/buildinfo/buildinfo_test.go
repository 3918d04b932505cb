package buildinfo_test

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/buildinfo"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	vcs := func(main string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/fountainai/fountainai", Version: main}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		name    string
		stamped string
		bi      *debug.BuildInfo
		want    string
	}{
		{"a release build's stamp wins", "v1.2.3", vcs("v0.0.0-20261205090000-0123456789ab", "vcs.revision", rev), "v1.2.3"},
		{"a stamp without build information", "v1.2.3", nil, "v1.2.3"},
		{"a build at a tag", "", vcs("v1.2.3"), "v1.2.3"},
		{"a build between tags", "", vcs("v1.2.4-0.20261205090000-0123456789ab+dirty", "vcs.revision", rev), "v1.2.4-0.20261205090000-0123456789ab+dirty"},
		{"only the commit", "", vcs("(devel)", "vcs.revision", rev, "vcs.modified", "false"), "devel-0123456789ab"},
		{"only the commit, changed", "", vcs("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "devel-0123456789ab+dirty"},
		{"nothing recorded", "", vcs("(devel)"), "devel"},
		{"no build information", "", nil, "devel"},
	} {
		require.Equal(t, c.want, buildinfo.Resolve(c.stamped, c.bi), c.name)
	}
}
