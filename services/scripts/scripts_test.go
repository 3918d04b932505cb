package scripts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
)

func TestScriptLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	created, err := e.Scripts.CreateScriptWithResponse(bg, nil, scriptsapi.ScriptRequest{
		Title: "Romeo and Juliet", Author: new("William Shakespeare"), Description: new(`A tale of "two" lovers, with commas`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	s := *created.JSON201
	require.Equal(t, `"1"`, created.HTTPResponse.Header.Get("ETag"))
	require.EqualValues(t, 1, s.Version)
	require.Equal(t, "William Shakespeare", *s.Author)
	require.Equal(t, `A tale of "two" lovers, with commas`, *s.Description)
	require.Nil(t, s.SequenceNumber, "scripts hold no position")

	got, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, s, *got.JSON200)
	require.Equal(t, `"1"`, got.HTTPResponse.Header.Get("ETag"))

	patched, err := e.Scripts.UpdateScriptWithResponse(bg, s.ScriptId, &scriptsapi.UpdateScriptParams{IfMatch: new(`"1"`)},
		scriptsapi.ScriptUpdateRequest{Title: new("Romeo and Juliet - Updated")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), string(patched.Body))
	require.Equal(t, "Romeo and Juliet - Updated", patched.JSON200.Title)
	require.Equal(t, s.Author, patched.JSON200.Author, "a PATCH keeps the fields it does not send")
	require.Equal(t, s.Description, patched.JSON200.Description)
	require.EqualValues(t, 2, patched.JSON200.Version)
	require.Equal(t, `"2"`, patched.HTTPResponse.Header.Get("ETag"))
	require.False(t, patched.JSON200.UpdatedAt.Before(s.UpdatedAt))

	// The bare number is accepted as If-Match too.
	replaced, err := e.Scripts.ReplaceScriptWithResponse(bg, s.ScriptId, &scriptsapi.ReplaceScriptParams{IfMatch: new("2")},
		scriptsapi.ScriptRequest{Title: "Romeo and Juliet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, replaced.StatusCode(), string(replaced.Body))
	require.Nil(t, replaced.JSON200.Author, "a PUT clears what it does not send")
	require.Nil(t, replaced.JSON200.Description)
	require.EqualValues(t, 3, replaced.JSON200.Version)
	require.Equal(t, `"3"`, replaced.HTTPResponse.Header.Get("ETag"))

	// `*` matches any version.
	del, err := e.Scripts.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{IfMatch: new("*")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	gone, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, gone.StatusCode())
	require.Equal(t, "SCRIPT_NOT_FOUND", gone.JSON404.ErrorCode)
}

func TestListScripts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, r := range []scriptsapi.ScriptRequest{
		{Title: "Romeo and Juliet", Author: new("William Shakespeare")},
		{Title: "Hamlet", Author: new("William Shakespeare")},
		{Title: "The Importance of Being Earnest", Author: new("Oscar Wilde")},
		{Title: "100% Romeo"},
		{Title: "Untitled"},
	} {
		resp, err := e.Scripts.CreateScriptWithResponse(bg, nil, r)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode())
	}
	titles := func(p *scriptsapi.ListScriptsParams) ([]string, int64) {
		resp, err := e.Scripts.ListScriptsWithResponse(bg, p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		var out []string
		for _, s := range resp.JSON200.Scripts {
			out = append(out, s.Title)
		}
		return out, resp.JSON200.TotalCount
	}

	all, total := titles(nil)
	require.EqualValues(t, 5, total)
	require.Equal(t, []string{"Romeo and Juliet", "Hamlet", "The Importance of Being Earnest", "100% Romeo", "Untitled"}, all, "creation order")

	page, total := titles(&scriptsapi.ListScriptsParams{Limit: new(2), Offset: new(int64(1))})
	require.EqualValues(t, 5, total, "totalCount counts every match, not the page")
	require.Equal(t, []string{"Hamlet", "The Importance of Being Earnest"}, page)

	byTitle, total := titles(&scriptsapi.ListScriptsParams{Title: new("ROMEO")})
	require.EqualValues(t, 2, total)
	require.Equal(t, []string{"Romeo and Juliet", "100% Romeo"}, byTitle, "case-insensitive substring")

	both, _ := titles(&scriptsapi.ListScriptsParams{Title: new("romeo"), Author: new("shakespeare")})
	require.Equal(t, []string{"Romeo and Juliet"}, both, "both filters must match")

	literal, _ := titles(&scriptsapi.ListScriptsParams{Title: new("0%")})
	require.Equal(t, []string{"100% Romeo"}, literal, "LIKE wildcards are taken literally")
	underscore, _ := titles(&scriptsapi.ListScriptsParams{Title: new("_")})
	require.Empty(t, underscore)

	bad, err := e.Scripts.ListScriptsWithResponse(bg, &scriptsapi.ListScriptsParams{Limit: new(1001)})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, bad.StatusCode())
}

func TestScriptErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Macbeth")

	for name, body := range map[string]string{
		"empty title":   `{"title":""}`,
		"no title":      `{"author":"Shakespeare"}`,
		"unknown field": `{"title":"x","sequenceNumber":3}`,
		"malformed":     `{"title":`,
		"long author":   `{"title":"x","author":"` + strings.Repeat("a", 201) + `"}`,
	} {
		resp, err := e.Scripts.CreateScriptWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), "%s: %s", name, resp.Body)
	}
	wrongType, err := e.Scripts.CreateScriptWithBodyWithResponse(bg, nil, "text/plain", strings.NewReader(`{"title":"x"}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusUnsupportedMediaType, wrongType.StatusCode())

	emptyPatch, err := e.Scripts.UpdateScriptWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, emptyPatch.StatusCode(), "a PATCH must change something")

	weak, err := e.Scripts.UpdateScriptWithResponse(bg, s.ScriptId, &scriptsapi.UpdateScriptParams{IfMatch: new(`W/"1"`)}, scriptsapi.ScriptUpdateRequest{Title: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, weak.StatusCode(), "weak tags are refused")

	badID, err := e.Scripts.GetScriptWithResponse(bg, 0)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, badID.StatusCode())

	// Unknown scripts.
	missingPatch, err := e.Scripts.UpdateScriptWithResponse(bg, 999, nil, scriptsapi.ScriptUpdateRequest{Title: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missingPatch.StatusCode())
	require.Equal(t, "SCRIPT_NOT_FOUND", missingPatch.JSON404.ErrorCode)
	missingPut, err := e.Scripts.ReplaceScriptWithResponse(bg, 999, &scriptsapi.ReplaceScriptParams{IfMatch: new(`"1"`)}, scriptsapi.ScriptRequest{Title: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missingPut.StatusCode(), "a missing script is 404 even with If-Match")
	missingDelete, err := e.Scripts.DeleteScriptWithResponse(bg, 999, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missingDelete.StatusCode())

	// Stale If-Match: 412 and nothing changes.
	stalePatch, err := e.Scripts.UpdateScriptWithResponse(bg, s.ScriptId, &scriptsapi.UpdateScriptParams{IfMatch: new(`"7"`)}, scriptsapi.ScriptUpdateRequest{Title: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePatch.StatusCode())
	require.Equal(t, "PRECONDITION_FAILED", stalePatch.JSON412.ErrorCode)
	require.Equal(t, "current version: 1", *stalePatch.JSON412.Details)
	stalePut, err := e.Scripts.ReplaceScriptWithResponse(bg, s.ScriptId, &scriptsapi.ReplaceScriptParams{IfMatch: new(`"2"`)}, scriptsapi.ScriptRequest{Title: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePut.StatusCode())
	staleDelete, err := e.Scripts.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{IfMatch: new(`"2"`), Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, staleDelete.StatusCode())
	require.Empty(t, e.deps.deleted(), "a stale cascade deletes nothing anywhere")

	got, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, s, *got.JSON200, "refused writes changed nothing")
}

func TestIdempotentCreation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := &scriptsapi.CreateScriptParams{IdempotencyKey: new("create-romeo")}
	first, err := e.Scripts.CreateScriptWithResponse(bg, key, scriptsapi.ScriptRequest{Title: "Romeo and Juliet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.StatusCode())
	again, err := e.Scripts.CreateScriptWithResponse(bg, key, scriptsapi.ScriptRequest{Title: "Romeo and Juliet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, again.StatusCode())
	require.Equal(t, *first.JSON201, *again.JSON201, "the first answer again")
	require.Equal(t, `"1"`, again.HTTPResponse.Header.Get("ETag"))
	require.Equal(t, "true", again.HTTPResponse.Header.Get("Idempotent-Replayed"))
	other, err := e.Scripts.CreateScriptWithResponse(bg, key, scriptsapi.ScriptRequest{Title: "Hamlet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, other.StatusCode())
	require.Equal(t, "IDEMPOTENCY_KEY_REUSED", other.JSON409.ErrorCode)
	list, err := e.Scripts.ListScriptsWithResponse(bg, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, list.JSON200.TotalCount, "one script created")

	scriptID := first.JSON201.ScriptId
	secKey := &scriptsapi.AddSectionHeadingParams{IdempotencyKey: new("act-1")}
	sec1, err := e.Scripts.AddSectionHeadingWithResponse(bg, scriptID, secKey, scriptsapi.SectionHeadingCreateRequest{Title: "Act 1"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, sec1.StatusCode())
	sec2, err := e.Scripts.AddSectionHeadingWithResponse(bg, scriptID, secKey, scriptsapi.SectionHeadingCreateRequest{Title: "Act 1"})
	require.NoError(t, err)
	require.Equal(t, *sec1.JSON201, *sec2.JSON201)
	require.Len(t, listSections(t, e.Scripts, scriptID), 1, "one section and one position")
	reused, err := e.Scripts.AddSectionHeadingWithResponse(bg, scriptID, secKey, scriptsapi.SectionHeadingCreateRequest{Title: "Act 2"})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, reused.StatusCode())

	trKey := &scriptsapi.CreateTransitionParams{IdempotencyKey: new("cut-1")}
	tr1, err := e.Scripts.CreateTransitionWithResponse(bg, scriptID, trKey, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, tr1.StatusCode())
	tr2, err := e.Scripts.CreateTransitionWithResponse(bg, scriptID, trKey, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	require.NoError(t, err)
	require.Equal(t, *tr1.JSON201, *tr2.JSON201)
	require.Len(t, listTransitions(t, e.Scripts, scriptID), 1)
	trReused, err := e.Scripts.CreateTransitionWithResponse(bg, scriptID, trKey, scriptsapi.TransitionCreateRequest{Text: "FADE OUT."})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, trReused.StatusCode())
}
