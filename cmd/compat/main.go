// Command compat is the breaking-change gate of `make verify`:
//
//	compat [-dir .] [-accepted api/contract/v2-accepted.yaml]
//
// It runs oasdiff (pinned in tools/oasdiff/go.mod) twice over:
//
//   - Against the published v2 contract: each spec that has a v2 counterpart is compared with the
//     frozen v2 document in api/contract/v2. Every breaking change (oasdiff level ERR) must be one of
//     the accepted departures listed, each with its reason; one that is not fails, printed as an
//     entry ready to paste into the list with its reason to fill in. An accepted departure that no
//     longer occurs fails too, so the list stays a true account of how we depart from v2.
//   - Against the last release: when `git describe --tags --abbrev=0 --match 'v*'` names a tag, each
//     api/*.yaml at that tag is compared with the working copy; a breaking change fails unless the
//     spec's info.version major number was raised. A spec that was removed since the tag fails.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	dir := flag.String("dir", ".", "repository root")
	accepted := flag.String("accepted", "api/contract/v2-accepted.yaml", "accepted departures from v2, relative to -dir")
	flag.Parse()
	root, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		os.Exit(2)
	}
	g := gate{dir: root, oasdiff: filepath.Join(root, "tools", "oasdiff"), levels: filepath.Join(root, "api", "contract", "oasdiff-levels.txt"), out: os.Stdout}
	failures, err := g.run(context.Background(), *accepted)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		os.Exit(2)
	}
	if failures > 0 {
		fmt.Fprintf(os.Stderr, "compat: %d problem(s), see above\n", failures)
		os.Exit(1)
	}
}

// gate holds what both comparisons need.
type gate struct {
	dir string // the repository, absolute
	// oasdiff is the directory of the Go module that pins oasdiff (tools/oasdiff): `go tool oasdiff`
	// run there is `go tool -modfile=tools/oasdiff/go.mod oasdiff` run at the root.
	oasdiff string
	// levels is oasdiff's file of severity overrides (api/contract/oasdiff-levels.txt, which takes no
	// comments), absolute; "" for its defaults. v2 declares no field required, so by default removing
	// one of its fields from a request or an answer, or renaming an operationId (the method name of a
	// generated client), would not count as breaking; for a client generated from the contract it
	// is, so the file raises those checks to ERR.
	levels string
	out    io.Writer
}

func (g gate) run(ctx context.Context, acceptedPath string) (failures int, err error) {
	list, err := readAccepted(filepath.Join(g.dir, acceptedPath))
	if err != nil {
		return 0, err
	}
	v2, err := g.againstV2(ctx, list)
	if err != nil {
		return 0, err
	}
	release, err := g.againstRelease(ctx)
	if err != nil {
		return 0, err
	}
	return v2 + release, nil
}

// change is one entry of oasdiff's JSON output.
type change struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Level     int    `json:"level"`
	Operation string `json:"operation"`
	Path      string `json:"path"`
}

// levelErr is oasdiff's level of a breaking change (ERR); WARN is 2.
const levelErr = 3

func (c change) where() string { return c.Operation + " " + c.Path }

// breaking is oasdiff's list of breaking changes (level ERR) from base to revision, paths relative
// to the repository or absolute.
func (g gate) breaking(ctx context.Context, base, revision string) ([]change, error) {
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(g.dir, p)
	}
	args := []string{"tool", "oasdiff", "breaking", abs(base), abs(revision),
		"--format", "json",
		// Our specs declare path parameters on the path; v2 on each operation. Merged, both compare
		// as the same parameters.
		"--flatten-params",
		// Both sides are files of this repository: nothing is ever fetched.
		"--allow-external-refs=false"}
	if g.levels != "" {
		args = append(args, "--severity-levels", g.levels)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = g.oasdiff
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("oasdiff breaking %s %s: %w\n%s", base, revision, err, stderr.String())
	}
	var all []change
	if err := json.Unmarshal(stdout.Bytes(), &all); err != nil {
		return nil, fmt.Errorf("oasdiff breaking %s %s: reading its output: %w", base, revision, err)
	}
	var errs []change
	for _, c := range all {
		if c.Level >= levelErr {
			errs = append(errs, c)
		}
	}
	return errs, nil
}

// accepted is the committed list of deliberate departures from v2, by service.
type accepted []serviceDepartures

type serviceDepartures struct {
	Service  string      `yaml:"service"`
	Spec     string      `yaml:"spec"`
	V2       string      `yaml:"v2"`
	Accepted []departure `yaml:"accepted"`
}

// departure accepts one breaking change (oasdiff's id and exact text) on each listed operation.
type departure struct {
	Change     string   `yaml:"change"`
	Text       string   `yaml:"text"`
	Operations []string `yaml:"operations"`
	Reason     string   `yaml:"reason"`
}

func readAccepted(path string) (accepted, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var list accepted
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return list, nil
}

func (g gate) againstV2(ctx context.Context, list accepted) (failures int, err error) {
	for _, s := range list {
		changes, err := g.breaking(ctx, s.V2, s.Spec)
		if err != nil {
			return 0, err
		}
		problems := s.check(changes)
		if len(problems) == 0 {
			fmt.Fprintf(g.out, "compat: %s keeps v2 (%s) but for %d accepted departure(s)\n", s.Spec, filepath.Base(s.V2), len(changes))
			continue
		}
		for _, p := range problems {
			fmt.Fprintln(g.out, p)
		}
		failures += len(problems)
	}
	return failures, nil
}

// check matches the breaking changes against the service's accepted departures. It returns one
// problem per departure without a reason, per accepted operation that no longer has that change,
// and one for all the changes nothing accepts, with the entries that would accept them.
func (s serviceDepartures) check(changes []change) []string {
	var problems []string
	used := map[string]bool{}
	var unmatched []change
	for _, c := range changes {
		found := false
		for i, d := range s.Accepted {
			if d.Change == c.ID && d.Text == c.Text && slices.Contains(d.Operations, c.where()) {
				used[strconv.Itoa(i)+" "+c.where()] = true
				found = true
			}
		}
		if !found {
			unmatched = append(unmatched, c)
		}
	}
	for i, d := range s.Accepted {
		if strings.TrimSpace(d.Reason) == "" {
			problems = append(problems, fmt.Sprintf("%s: the accepted departure %q (%s) gives no reason: say why it is deliberate", s.Spec, d.Text, d.Change))
		}
		for _, op := range d.Operations {
			if !used[strconv.Itoa(i)+" "+op] {
				problems = append(problems, fmt.Sprintf("%s: accepted departure from v2 no longer found, remove %s from its operations (or the entry): %s %q",
					s.Spec, op, d.Change, d.Text))
			}
		}
	}
	if len(unmatched) > 0 {
		problems = append(problems, s.unmatchedReport(unmatched))
	}
	return problems
}

// unmatchedReport says what changed and how to proceed, with entries ready to paste under the
// service's `accepted:` once their reason is written.
func (s serviceDepartures) unmatchedReport(unmatched []change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s breaks the v2 contract (%s) in %d way(s) not accepted:\n", s.Spec, s.V2, len(unmatched))
	for _, c := range unmatched {
		fmt.Fprintf(&b, "  %s: %s [%s]\n", c.where(), c.Text, c.ID)
	}
	fmt.Fprintf(&b, "Either change %s back so that v2 clients keep working, or, if the departure is deliberate, add it to\n"+
		"the service %s in api/contract/v2-accepted.yaml with the reason clients of v2 can live with it:\n", s.Spec, s.Service)
	type key struct{ id, text string }
	var order []key
	ops := map[key][]string{}
	for _, c := range unmatched {
		k := key{c.ID, c.Text}
		if _, ok := ops[k]; !ok {
			order = append(order, k)
		}
		ops[k] = append(ops[k], c.where())
	}
	for _, k := range order {
		entry, _ := yaml.Marshal([]departure{{Change: k.id, Text: k.text, Operations: ops[k], Reason: ""}})
		b.WriteString(indent(string(entry), "  "))
	}
	return strings.TrimRight(b.String(), "\n")
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// againstRelease compares each spec with its state at the last release tag, if there is one.
func (g gate) againstRelease(ctx context.Context) (failures int, err error) {
	tag, err := g.git(ctx, "describe", "--tags", "--abbrev=0", "--match", "v*")
	if err != nil {
		fmt.Fprintln(g.out, "compat: no release tag (v*) yet, so no comparison with a release")
		return 0, nil
	}
	listed, err := g.git(ctx, "ls-tree", "--name-only", tag+":api/")
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "compat-release-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	for _, name := range strings.Fields(listed) {
		if filepath.Ext(name) != ".yaml" {
			continue
		}
		spec := "api/" + name
		current, err := os.ReadFile(filepath.Join(g.dir, spec))
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(g.out, "%s was released in %s and is gone: every client of it breaks; restore it\n", spec, tag)
			failures++
			continue
		} else if err != nil {
			return 0, err
		}
		released, err := g.git(ctx, "show", tag+":"+spec)
		if err != nil {
			return 0, err
		}
		base := filepath.Join(tmp, name)
		if err := os.WriteFile(base, []byte(released), 0o600); err != nil {
			return 0, err
		}
		changes, err := g.breaking(ctx, base, spec)
		if err != nil {
			return 0, err
		}
		if len(changes) == 0 {
			continue
		}
		was, now := majorOf([]byte(released)), majorOf(current)
		if was >= 0 && now > was {
			fmt.Fprintf(g.out, "compat: %s has %d breaking change(s) since %s, released as a new major version (%d to %d)\n", spec, len(changes), tag, was, now)
			continue
		}
		fmt.Fprintf(g.out, "%s breaks its release %s in %d way(s), and its info.version major number was not raised:\n", spec, tag, len(changes))
		for _, c := range changes {
			fmt.Fprintf(g.out, "  %s: %s [%s]\n", c.where(), c.Text, c.ID)
		}
		fmt.Fprintf(g.out, "Either change %s back so that clients of %s keep working, or raise its info.version major number.\n", spec, tag)
		failures++
	}
	return failures, nil
}

func (g gate) git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// majorOf is the major number of a spec's info.version, -1 when it has none that reads as one.
func majorOf(spec []byte) int {
	var doc struct {
		Info struct {
			Version string `yaml:"version"`
		} `yaml:"info"`
	}
	if yaml.Unmarshal(spec, &doc) != nil {
		return -1
	}
	major, _, _ := strings.Cut(strings.TrimPrefix(doc.Info.Version, "v"), ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return -1
	}
	return n
}
