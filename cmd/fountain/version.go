package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/internal/buildinfo"
	"github.com/fountainai/fountainai/services"
)

// version is the release this binary was built as, stamped by release builds with
// -ldflags "-X main.version=v1.2.3" (the Dockerfile's VERSION argument, the release workflow);
// empty otherwise, when buildinfo finds what the Go toolchain recorded.
var version string

// runVersion prints the binary's version, the Go release that built it and the version of each
// API it serves, as in its embedded specs: what a bug report or an upgrade needs to name.
func runVersion(stdout io.Writer) error {
	fmt.Fprintf(stdout, "fountain %s\n", buildinfo.Version())
	fmt.Fprintf(stdout, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, s := range services.All() {
		var doc struct {
			Info struct{ Title, Version string }
		}
		if err := yaml.Unmarshal(s.Spec, &doc); err != nil {
			return fmt.Errorf("%s spec: %w", s.Name, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, doc.Info.Version, doc.Info.Title)
	}
	return tw.Flush()
}
