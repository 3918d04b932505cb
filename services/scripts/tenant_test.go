package scripts_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
)

// tenantEnv is one server with a scripts client for each of two tenants and one for the default
// tenant.
type tenantEnv struct {
	a, b, dflt *scriptsapi.ClientWithResponses
	deps       *dependantsFake
}

func newTenantEnv(t *testing.T) tenantEnv {
	t.Helper()
	e := newEnv(t)
	as := func(tenant string) *scriptsapi.ClientWithResponses { return e.As(t, tenant, auth.Admin).Scripts }
	return tenantEnv{a: as("a"), b: as("b"), dflt: as(auth.DefaultTenant), deps: e.deps}
}

type answer interface{ StatusCode() int }

// requireNotFound checks that r is the 404 with code that a resource which does not exist gets.
func requireNotFound(t *testing.T, what string, r answer, body []byte, err error, code string) {
	t.Helper()
	require.NoError(t, err, what)
	require.Equal(t, http.StatusNotFound, r.StatusCode(), "%s: %s", what, body)
	require.Equal(t, code, apitest.ErrorCode(t, body), what)
}

// TestTenantsSeeOnlyTheirScripts: another tenant's script, with its headings and transitions, is
// answered exactly as one that does not exist, whatever is done to it, and stays as it was.
func TestTenantsSeeOnlyTheirScripts(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t)
	s := createScript(t, e.a, "Hamlet")
	act := addSection(t, e.a, s.ScriptId, "Act 1")
	cut := addTransition(t, e.a, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:", SectionId: &act.HeadingId})
	const scriptGone, sectionGone, transitionGone = "SCRIPT_NOT_FOUND", "SECTION_NOT_FOUND", "TRANSITION_NOT_FOUND"

	// The script itself.
	get, err := e.b.GetScriptWithResponse(bg, s.ScriptId)
	requireNotFound(t, "get script", get, get.Body, err, scriptGone)
	patch, err := e.b.UpdateScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptUpdateRequest{Title: new("Stolen")})
	requireNotFound(t, "patch script", patch, patch.Body, err, scriptGone)
	patch, err = e.b.UpdateScriptWithResponse(bg, s.ScriptId, &scriptsapi.UpdateScriptParams{IfMatch: new(`"1"`)}, scriptsapi.ScriptUpdateRequest{Title: new("Stolen")})
	requireNotFound(t, "patch script at its version", patch, patch.Body, err, scriptGone)
	put, err := e.b.ReplaceScriptWithResponse(bg, s.ScriptId, &scriptsapi.ReplaceScriptParams{IfMatch: new(`"7"`)}, scriptsapi.ScriptRequest{Title: "Stolen"})
	requireNotFound(t, "replace script at another version", put, put.Body, err, scriptGone)
	for _, cascade := range []*bool{nil, new(true)} {
		del, err := e.b.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: cascade})
		requireNotFound(t, "delete script", del, del.Body, err, scriptGone)
	}
	require.Empty(t, e.deps.deleted(), "a cascade over another tenant's script reaches no other service")

	// Its headings.
	add, err := e.b.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, scriptsapi.SectionHeadingCreateRequest{Title: "Act 0"})
	requireNotFound(t, "add heading", add, add.Body, err, scriptGone)
	list, err := e.b.ListSectionHeadingsWithResponse(bg, s.ScriptId, nil)
	requireNotFound(t, "list headings", list, list.Body, err, scriptGone)
	getH, err := e.b.GetSectionHeadingWithResponse(bg, s.ScriptId, act.HeadingId)
	requireNotFound(t, "get heading", getH, getH.Body, err, scriptGone)
	putH, err := e.b.UpdateSectionHeadingWithResponse(bg, s.ScriptId, act.HeadingId, nil, scriptsapi.SectionHeadingRequest{Title: "Stolen"})
	requireNotFound(t, "replace heading", putH, putH.Body, err, scriptGone)
	patchH, err := e.b.PatchSectionHeadingWithResponse(bg, s.ScriptId, act.HeadingId, nil, scriptsapi.SectionHeadingUpdateRequest{Title: new("Stolen")})
	requireNotFound(t, "patch heading", patchH, patchH.Body, err, scriptGone)
	delH, err := e.b.DeleteSectionHeadingWithResponse(bg, s.ScriptId, act.HeadingId, nil)
	requireNotFound(t, "delete heading", delH, delH.Body, err, scriptGone)
	reorder, err := e.b.ReorderSectionHeadingsWithResponse(bg, s.ScriptId, scriptsapi.SectionReorderRequest{
		Elements: []scriptsapi.SectionReorderItem{{HeadingId: act.HeadingId, NewSequence: 1}},
	})
	requireNotFound(t, "reorder headings", reorder, reorder.Body, err, scriptGone)

	// Its transitions.
	addT, err := e.b.CreateTransitionWithResponse(bg, s.ScriptId, nil, scriptsapi.TransitionCreateRequest{Text: "FADE OUT."})
	requireNotFound(t, "add transition", addT, addT.Body, err, scriptGone)
	listT, err := e.b.ListTransitionsWithResponse(bg, s.ScriptId, nil)
	requireNotFound(t, "list transitions", listT, listT.Body, err, scriptGone)
	getT, err := e.b.GetTransitionWithResponse(bg, s.ScriptId, cut.TransitionId)
	requireNotFound(t, "get transition", getT, getT.Body, err, scriptGone)
	putT, err := e.b.ReplaceTransitionWithResponse(bg, s.ScriptId, cut.TransitionId, nil, scriptsapi.TransitionRequest{Text: "Stolen"})
	requireNotFound(t, "replace transition", putT, putT.Body, err, scriptGone)
	patchT, err := e.b.UpdateTransitionWithResponse(bg, s.ScriptId, cut.TransitionId, nil, scriptsapi.TransitionUpdateRequest{Text: new("Stolen")})
	requireNotFound(t, "patch transition", patchT, patchT.Body, err, scriptGone)
	delT, err := e.b.DeleteTransitionWithResponse(bg, s.ScriptId, cut.TransitionId, nil)
	requireNotFound(t, "delete transition", delT, delT.Body, err, scriptGone)

	// Through a script of its own, tenant b still finds no heading or transition of a's.
	own := createScript(t, e.b, "Macbeth")
	getH, err = e.b.GetSectionHeadingWithResponse(bg, own.ScriptId, act.HeadingId)
	requireNotFound(t, "get a's heading under b's script", getH, getH.Body, err, sectionGone)
	delH, err = e.b.DeleteSectionHeadingWithResponse(bg, own.ScriptId, act.HeadingId, nil)
	requireNotFound(t, "delete a's heading under b's script", delH, delH.Body, err, sectionGone)
	getT, err = e.b.GetTransitionWithResponse(bg, own.ScriptId, cut.TransitionId)
	requireNotFound(t, "get a's transition under b's script", getT, getT.Body, err, transitionGone)
	delT, err = e.b.DeleteTransitionWithResponse(bg, own.ScriptId, cut.TransitionId, nil)
	requireNotFound(t, "delete a's transition under b's script", delT, delT.Body, err, transitionGone)

	// Naming a's heading as a section is refused like naming one that does not exist.
	missing := int64(1 << 40)
	for _, sectionID := range []int64{act.HeadingId, missing} {
		named, err := e.b.CreateTransitionWithResponse(bg, own.ScriptId, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:", SectionId: &sectionID})
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, named.StatusCode(), string(named.Body))
		require.Equal(t, sectionGone, apitest.ErrorCode(t, named.Body))
	}
	mine := addTransition(t, e.b, own.ScriptId, scriptsapi.TransitionCreateRequest{Text: "DISSOLVE TO:"})
	moved, err := e.b.UpdateTransitionWithResponse(bg, own.ScriptId, mine.TransitionId, nil, scriptsapi.TransitionUpdateRequest{SectionId: &act.HeadingId})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, moved.StatusCode(), string(moved.Body))

	// b's deleting its own script with everything in it leaves a's alone.
	addSection(t, e.b, own.ScriptId, "Act 1")
	gone, err := e.b.DeleteScriptWithResponse(bg, own.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, gone.StatusCode(), string(gone.Body))

	// Nothing of a's changed.
	still, err := e.a.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, still.StatusCode(), string(still.Body))
	require.Equal(t, s, *still.JSON200)
	require.Equal(t, []scriptsapi.SectionHeading{act}, listSections(t, e.a, s.ScriptId))
	require.Equal(t, []scriptsapi.Transition{cut}, listTransitions(t, e.a, s.ScriptId))

	// The default tenant is a tenant like the others.
	get, err = e.dflt.GetScriptWithResponse(bg, s.ScriptId)
	requireNotFound(t, "get script as the default tenant", get, get.Body, err, scriptGone)
}

// TestTenantsListOnlyTheirScripts: a tenant's list, its filters, count and pages hold its own
// scripts only, and two tenants may give theirs the same titles.
func TestTenantsListOnlyTheirScripts(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t)
	var mine []int64
	for _, title := range []string{"Hamlet", "Macbeth", "King Lear"} {
		createScript(t, e.a, title)
		mine = append(mine, createScript(t, e.b, title).ScriptId)
	}
	createScript(t, e.a, "Hamlet, Prince of Denmark")

	ids := func(c *scriptsapi.ClientWithResponses, p scriptsapi.ListScriptsParams) ([]int64, int64) {
		t.Helper()
		resp, err := c.ListScriptsWithResponse(bg, &p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		out := []int64{}
		for _, s := range resp.JSON200.Scripts {
			out = append(out, s.ScriptId)
		}
		return out, resp.JSON200.TotalCount
	}

	all, total := ids(e.b, scriptsapi.ListScriptsParams{})
	require.Equal(t, mine, all)
	require.EqualValues(t, 3, total)
	page, total := ids(e.b, scriptsapi.ListScriptsParams{Limit: new(2), Offset: new(int64(2))})
	require.Equal(t, mine[2:], page, "a page skips only the tenant's own scripts")
	require.EqualValues(t, 3, total)
	hamlet, total := ids(e.b, scriptsapi.ListScriptsParams{Title: new("hamlet")})
	require.Equal(t, mine[:1], hamlet)
	require.EqualValues(t, 1, total)

	_, total = ids(e.a, scriptsapi.ListScriptsParams{Title: new("hamlet")})
	require.EqualValues(t, 2, total)
	none, total := ids(e.dflt, scriptsapi.ListScriptsParams{})
	require.Empty(t, none)
	require.Zero(t, total)
}
