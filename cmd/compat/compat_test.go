package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestCheckMatchesAcceptedDepartures(t *testing.T) {
	bound := change{ID: "request-parameter-max-set", Text: "the max was set to `1000.00`", Operation: "GET", Path: "/scripts"}
	s := serviceDepartures{Service: "scripts", Spec: "api/scripts.yaml", V2: "api/contract/v2/core-script-management.yaml",
		Accepted: []departure{{Change: bound.ID, Text: bound.Text, Operations: []string{"GET /scripts"}, Reason: "pages are bounded"}}}
	require.Empty(t, s.check([]change{bound}))

	// A change nobody accepted fails, with the entry to paste.
	other := change{ID: "request-property-max-length-set", Text: "the `title` request property's maxLength was set to `500`", Operation: "POST", Path: "/scripts"}
	problems := s.check([]change{bound, other})
	require.Len(t, problems, 1)
	require.Contains(t, problems[0], "POST /scripts: the `title` request property's maxLength was set to `500` [request-property-max-length-set]")
	_, entry, ok := strings.Cut(problems[0], "can live with it:\n")
	require.True(t, ok, problems[0])
	var pasted []departure
	require.NoError(t, yaml.Unmarshal([]byte(entry), &pasted), entry)
	require.Equal(t, []departure{{Change: other.ID, Text: other.Text, Operations: []string{"POST /scripts"}}}, pasted)

	// The same change on an operation the entry does not list is not accepted.
	elsewhere := bound
	elsewhere.Path = "/sessions"
	require.Len(t, s.check([]change{bound, elsewhere}), 1)

	// An accepted departure that no longer occurs fails, naming the operation to remove.
	problems = s.check(nil)
	require.Len(t, problems, 1)
	require.Contains(t, problems[0], "no longer found, remove GET /scripts")

	// Every departure says why.
	s.Accepted[0].Reason = " "
	problems = s.check([]change{bound})
	require.Len(t, problems, 1)
	require.Contains(t, problems[0], "gives no reason")
}

// TestAgainstRelease builds a repository with a released spec and checks each way the working copy
// can differ from the release.
func TestAgainstRelease(t *testing.T) {
	oasdiff, err := filepath.Abs(filepath.Join("..", "..", "tools", "oasdiff"))
	require.NoError(t, err)
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=FountainAI", "-c", "user.email=dev@fountainai.invalid"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	write := func(name, content string) {
		t.Helper()
		require.NoError(t, os.MkdirAll(filepath.Join(repo, "api"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repo, "api", name), []byte(content), 0o644))
	}
	run := func() (int, string) {
		t.Helper()
		var out bytes.Buffer
		failures, err := gate{dir: repo, oasdiff: oasdiff, out: &out}.againstRelease(context.Background())
		require.NoError(t, err)
		return failures, out.String()
	}

	git("init", "-q")
	write("notes.yaml", spec("1.4.0", true))
	git("add", ".")
	git("commit", "-qm", "first")
	failures, out := run()
	require.Zero(t, failures)
	require.Contains(t, out, "no release tag")

	git("tag", "v1.0.0")
	failures, out = run()
	require.Zero(t, failures, out)

	// Adding to an answer breaks nobody.
	write("notes.yaml", strings.Replace(spec("1.5.0", true), "text:\n", "author:\n                    type: string\n                  text:\n", 1))
	failures, out = run()
	require.Zero(t, failures, out)

	// Removing a field of an answer breaks clients of v1.0.0, unless the major number is raised.
	write("notes.yaml", spec("1.5.0", false))
	failures, out = run()
	require.Equal(t, 1, failures, out)
	require.Contains(t, out, "api/notes.yaml breaks its release v1.0.0")
	require.Contains(t, out, "GET /notes")
	require.Contains(t, out, "raise its info.version major number")

	write("notes.yaml", spec("2.0.0", false))
	failures, out = run()
	require.Zero(t, failures, out)
	require.Contains(t, out, "released as a new major version (1 to 2)")

	// A released spec cannot disappear.
	require.NoError(t, os.Remove(filepath.Join(repo, "api", "notes.yaml")))
	failures, out = run()
	require.Equal(t, 1, failures, out)
	require.Contains(t, out, "api/notes.yaml was released in v1.0.0 and is gone")
}

// spec is a one-operation API whose answer always has the field text when withText.
func spec(version string, withText bool) string {
	fields := "id:\n                    type: integer\n"
	if withText {
		fields = "text:\n                    type: string\n                  " + fields + "                required: [text]\n"
	}
	return `openapi: 3.0.3
info:
  title: Notes
  version: ` + version + `
paths:
  /notes:
    get:
      operationId: listNotes
      responses:
        '200':
          description: The notes.
          content:
            application/json:
              schema:
                type: object
                properties:
                  ` + fields
}
