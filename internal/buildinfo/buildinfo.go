// Package buildinfo says which build of fountain is running, for `fountain version` and the
// fountain_build_info metric.
package buildinfo

import "runtime/debug"

// stamped is the version a release build wrote into the binary; empty otherwise.
var stamped string

// Stamp records the version a release build wrote into the binary (cmd/fountain's main.version,
// set with -ldflags "-X main.version=v1.2.3"). It is called once, first thing in main, before
// anything reads Version.
func Stamp(version string) { stamped = version }

// Version is the running binary's version: the stamped one when there is one, else what the Go
// toolchain recorded, else "devel".
func Version() string {
	bi, _ := debug.ReadBuildInfo() // nil when the binary has none
	return Resolve(stamped, bi)
}

// Resolve picks the version of a binary stamped with stamped (may be empty) whose Go build
// information is bi (may be nil): stamped; else the main module's version, which `go build` takes
// from the VCS (a tag, or a pseudo-version naming the commit, "+dirty" when the tree had changes)
// and `go install module@version` from the module; else the commit the VCS settings name; else
// "devel", as for a build without VCS information (the container image, whose build context has
// no .git, when no VERSION build argument is given).
func Resolve(stamped string, bi *debug.BuildInfo) string {
	if stamped != "" {
		return stamped
	}
	if bi == nil {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return "devel"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	v := "devel-" + revision
	if modified == "true" {
		v += "+dirty"
	}
	return v
}
