// Command changelog prints the release notes of a tag from CHANGELOG.md, and fails when the
// changelog is malformed or has no section for the tag: the release workflow's notes, and its
// refusal to release a tag the changelog does not describe.
//
//	go run ./cmd/changelog notes v1.2.3
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/fountainai/fountainai/internal/changelog"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "changelog:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	file := "CHANGELOG.md"
	if len(args) == 4 && args[2] == "--file" {
		file = args[3]
		args = args[:2]
	}
	if len(args) != 2 || args[0] != "notes" {
		return fmt.Errorf("usage: changelog notes vX.Y.Z [--file CHANGELOG.md]")
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	sections, err := changelog.Parse(string(text))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	notes, err := changelog.Notes(sections, args[1])
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, notes)
	return err
}
