package scripts_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

// fields decodes a JSON object answer, to see which fields were sent at all.
func fields(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), string(body))
	return m
}

func TestTitlePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	page := scriptsapi.TitlePage{
		{Key: "Title", Value: "Romeo and Juliet"},
		{Key: "Credit", Value: "Written by"},
		{Key: "Author", Value: "William Shakespeare"},
		{Key: "Draft date", Value: ""},
		{Key: "Contact", Value: "The Globe\nBankside, London"},
	}
	created, err := e.Scripts.CreateScriptWithResponse(bg, nil, scriptsapi.ScriptRequest{Title: "Romeo and Juliet", TitlePage: &page})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	s := *created.JSON201
	require.Equal(t, page, *s.TitlePage, "the title page comes back in its order, empty values and line breaks kept")

	got, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, s, *got.JSON200)

	plain := createScript(t, e.Scripts, "Hamlet")
	require.Nil(t, plain.TitlePage)
	plainBody, err := e.Scripts.GetScriptWithResponse(bg, plain.ScriptId)
	require.NoError(t, err)
	require.NotContains(t, fields(t, plainBody.Body), "titlePage", "a script without a title page sends none")

	list, err := e.Scripts.ListScriptsWithResponse(bg, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, list.StatusCode())
	require.Len(t, list.JSON200.Scripts, 2)
	require.Equal(t, page, *list.JSON200.Scripts[0].TitlePage)
	require.Nil(t, list.JSON200.Scripts[1].TitlePage)

	kept, err := e.Scripts.UpdateScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptUpdateRequest{Author: new("William Shakespeare")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, kept.StatusCode(), string(kept.Body))
	require.Equal(t, page, *kept.JSON200.TitlePage, "a PATCH without titlePage keeps it")

	revised := scriptsapi.TitlePage{{Key: "Title", Value: "The Most Excellent and Lamentable Tragedy\nof Romeo and Juliet"}, {Key: "Source", Value: "Brooke's poem"}}
	patched, err := e.Scripts.UpdateScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptUpdateRequest{TitlePage: &revised})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), string(patched.Body))
	require.Equal(t, revised, *patched.JSON200.TitlePage, "a PATCH with titlePage replaces the whole of it")
	require.Equal(t, "William Shakespeare", *patched.JSON200.Author)

	replacedWith, err := e.Scripts.ReplaceScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptRequest{Title: "Romeo and Juliet", TitlePage: &page})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, replacedWith.StatusCode(), string(replacedWith.Body))
	require.Equal(t, page, *replacedWith.JSON200.TitlePage)

	cleared, err := e.Scripts.ReplaceScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptRequest{Title: "Romeo and Juliet"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, cleared.StatusCode(), string(cleared.Body))
	require.NotContains(t, fields(t, cleared.Body), "titlePage", "a PUT without titlePage clears it")
	again, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Nil(t, again.JSON200.TitlePage)
	require.EqualValues(t, 5, again.JSON200.Version)
}

func TestTitlePageRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	page := scriptsapi.TitlePage{{Key: "Title", Value: "Macbeth"}}
	s := createScript(t, e.Scripts, "Macbeth")
	patched, err := e.Scripts.UpdateScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptUpdateRequest{TitlePage: &page})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), string(patched.Body))
	s = *patched.JSON200

	entries := func(n int, value string) string {
		es := make([]string, n)
		for i := range es {
			es[i] = fmt.Sprintf(`{"key":"Note %d","value":%q}`, i, value)
		}
		return "[" + strings.Join(es, ",") + "]"
	}
	for name, tp := range map[string]string{
		"not an array":       `{"key":"Title","value":"x"}`,
		"no entries":         `[]`,
		"51 entries":         entries(51, "x"),
		"empty key":          `[{"key":"","value":"x"}]`,
		"key with a colon":   `[{"key":"Title:","value":"x"}]`,
		"key with a newline": `[{"key":"Ti\ntle","value":"x"}]`,
		"long key":           `[{"key":"` + strings.Repeat("k", 101) + `","value":"x"}]`,
		"long value":         `[{"key":"Title","value":"` + strings.Repeat("v", 10001) + `"}]`,
		"no value":           `[{"key":"Title"}]`,
		"null value":         `[{"key":"Title","value":null}]`,
		"unknown field":      `[{"key":"Title","value":"x","order":1}]`,
		"NUL":                `[{"key":"Title","value":"a\u0000b"}]`,
		// Within every limit of the schema, beyond what the column stores.
		"too large": entries(7, strings.Repeat("v", 10000)),
	} {
		create, err := e.Scripts.CreateScriptWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(`{"title":"x","titlePage":`+tp+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, create.StatusCode(), "%s: %s", name, create.Body)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, create.Body), name)
		put, err := e.Scripts.ReplaceScriptWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(`{"title":"x","titlePage":`+tp+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, put.StatusCode(), "%s: %s", name, put.Body)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, put.Body), name)
		patch, err := e.Scripts.UpdateScriptWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(`{"titlePage":`+tp+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, patch.StatusCode(), "%s: %s", name, patch.Body)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, patch.Body), name)
	}

	largest, err := e.Scripts.CreateScriptWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(`{"title":"x","titlePage":`+entries(50, strings.Repeat("v", 1100))+`}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, largest.StatusCode(), "50 entries that fit are stored: %s", largest.Body)

	list, err := e.Scripts.ListScriptsWithResponse(bg, nil)
	require.NoError(t, err)
	require.EqualValues(t, 2, list.JSON200.TotalCount, "no refused create stored a script")
	got, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, s, *got.JSON200, "refused writes changed nothing")
}

func TestSectionScreenplayFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")

	act := addSection(t, e.Scripts, s.ScriptId, "Act 1")
	require.Nil(t, act.Depth)
	require.Nil(t, act.SceneNumber)
	require.False(t, act.Forced)
	actBody, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, act.HeadingId)
	require.NoError(t, err)
	require.Equal(t, false, fields(t, actBody.Body)["forced"], "forced is always sent")
	require.NotContains(t, fields(t, actBody.Body), "depth")
	require.NotContains(t, fields(t, actBody.Body), "sceneNumber")

	section, err := e.Scripts.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, scriptsapi.SectionHeadingCreateRequest{
		Title: "Act Two", Kind: new("section"), Depth: new(2),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, section.StatusCode(), string(section.Body))
	require.Equal(t, 2, *section.JSON201.Depth)
	require.False(t, section.JSON201.Forced)

	added, err := e.Scripts.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, scriptsapi.SectionHeadingCreateRequest{
		Title: "BALCONY", Kind: new("scene"), SceneNumber: new("2A"), Forced: new(true),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, added.StatusCode(), string(added.Body))
	scene := *added.JSON201
	require.Equal(t, "2A", *scene.SceneNumber)
	require.True(t, scene.Forced)
	require.Nil(t, scene.Depth)

	got, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, scene.HeadingId)
	require.NoError(t, err)
	require.Equal(t, scene, *got.JSON200)
	items := listSections(t, e.Scripts, s.ScriptId)
	require.Len(t, items, 3)
	require.Equal(t, act, items[0])
	require.Equal(t, *section.JSON201, items[1])
	require.Equal(t, scene, items[2])

	kept, err := e.Scripts.PatchSectionHeadingWithResponse(bg, s.ScriptId, scene.HeadingId, nil, scriptsapi.SectionHeadingUpdateRequest{Title: new("BALCONY - NIGHT")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, kept.StatusCode(), string(kept.Body))
	require.Equal(t, "2A", *kept.JSON200.SceneNumber, "a PATCH keeps what it does not send")
	require.True(t, kept.JSON200.Forced)

	patched, err := e.Scripts.PatchSectionHeadingWithResponse(bg, s.ScriptId, scene.HeadingId, nil, scriptsapi.SectionHeadingUpdateRequest{
		SceneNumber: new("2.1-b"), Forced: new(false), Depth: new(6),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), string(patched.Body))
	require.Equal(t, "2.1-b", *patched.JSON200.SceneNumber)
	require.False(t, patched.JSON200.Forced, "a PATCH can unset forced")
	require.Equal(t, 6, *patched.JSON200.Depth)
	require.Equal(t, "BALCONY - NIGHT", patched.JSON200.Title)

	replacedWith, err := e.Scripts.UpdateSectionHeadingWithResponse(bg, s.ScriptId, scene.HeadingId, nil, scriptsapi.SectionHeadingRequest{
		Title: "BALCONY", Depth: new(1), SceneNumber: new("7"), Forced: new(true),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, replacedWith.StatusCode(), string(replacedWith.Body))
	require.Equal(t, 1, *replacedWith.JSON200.Depth)
	require.Equal(t, "7", *replacedWith.JSON200.SceneNumber)
	require.True(t, replacedWith.JSON200.Forced)

	cleared, err := e.Scripts.UpdateSectionHeadingWithResponse(bg, s.ScriptId, scene.HeadingId, nil, scriptsapi.SectionHeadingRequest{Title: "BALCONY"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, cleared.StatusCode(), string(cleared.Body))
	require.Nil(t, cleared.JSON200.Depth, "a PUT clears what it does not send")
	require.Nil(t, cleared.JSON200.SceneNumber)
	require.False(t, cleared.JSON200.Forced)
	again, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, scene.HeadingId)
	require.NoError(t, err)
	require.Equal(t, *cleared.JSON200, *again.JSON200)
}

func TestSectionScreenplayFieldsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	h := addSection(t, e.Scripts, s.ScriptId, "Act 1")
	for name, field := range map[string]string{
		"depth 0":                   `"depth":0`,
		"depth 7":                   `"depth":7`,
		"depth as text":             `"depth":"2"`,
		"fractional depth":          `"depth":1.5`,
		"empty scene number":        `"sceneNumber":""`,
		"scene number with a space": `"sceneNumber":"1 A"`,
		"scene number with #":       `"sceneNumber":"#1#"`,
		"long scene number":         `"sceneNumber":"` + strings.Repeat("1", 21) + `"`,
		"scene number as a number":  `"sceneNumber":1`,
		"forced as text":            `"forced":"yes"`,
		"forced null":               `"forced":null`,
	} {
		create, err := e.Scripts.AddSectionHeadingWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(`{"title":"x",`+field+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, create.StatusCode(), "%s: %s", name, create.Body)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, create.Body), name)
		put, err := e.Scripts.UpdateSectionHeadingWithBodyWithResponse(bg, s.ScriptId, h.HeadingId, nil, "application/json", strings.NewReader(`{"title":"x",`+field+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, put.StatusCode(), "%s: %s", name, put.Body)
		patch, err := e.Scripts.PatchSectionHeadingWithBodyWithResponse(bg, s.ScriptId, h.HeadingId, nil, "application/json", strings.NewReader(`{`+field+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, patch.StatusCode(), "%s: %s", name, patch.Body)
	}
	require.Equal(t, []scriptsapi.SectionHeading{h}, listSections(t, e.Scripts, s.ScriptId), "refused writes changed nothing")
}

func TestTransitionForced(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")

	cut := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	require.False(t, cut.Forced)
	cutBody, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, cut.TransitionId)
	require.NoError(t, err)
	require.Equal(t, false, fields(t, cutBody.Body)["forced"], "forced is always sent")

	burn := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "BURN TO WHITE.", Forced: new(true)})
	require.True(t, burn.Forced)
	got, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, burn.TransitionId)
	require.NoError(t, err)
	require.Equal(t, burn, *got.JSON200)
	require.Equal(t, []scriptsapi.Transition{cut, burn}, listTransitions(t, e.Scripts, s.ScriptId))

	kept, err := e.Scripts.UpdateTransitionWithResponse(bg, s.ScriptId, burn.TransitionId, nil, scriptsapi.TransitionUpdateRequest{Text: new("SMASH TO WHITE.")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, kept.StatusCode(), string(kept.Body))
	require.True(t, kept.JSON200.Forced, "a PATCH keeps what it does not send")

	unforced, err := e.Scripts.UpdateTransitionWithResponse(bg, s.ScriptId, burn.TransitionId, nil, scriptsapi.TransitionUpdateRequest{Forced: new(false)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, unforced.StatusCode(), string(unforced.Body))
	require.False(t, unforced.JSON200.Forced)
	require.Equal(t, "SMASH TO WHITE.", unforced.JSON200.Text)

	forced, err := e.Scripts.ReplaceTransitionWithResponse(bg, s.ScriptId, burn.TransitionId, nil, scriptsapi.TransitionRequest{Text: "BURN TO WHITE.", Forced: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, forced.StatusCode(), string(forced.Body))
	require.True(t, forced.JSON200.Forced)

	cleared, err := e.Scripts.ReplaceTransitionWithResponse(bg, s.ScriptId, burn.TransitionId, nil, scriptsapi.TransitionRequest{Text: "BURN TO WHITE."})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, cleared.StatusCode(), string(cleared.Body))
	require.False(t, cleared.JSON200.Forced, "a PUT without forced stores false")
	again, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, burn.TransitionId)
	require.NoError(t, err)
	require.Equal(t, *cleared.JSON200, *again.JSON200)

	for name, field := range map[string]string{
		"forced as text":   `"forced":"true"`,
		"forced as number": `"forced":1`,
		"forced null":      `"forced":null`,
	} {
		create, err := e.Scripts.CreateTransitionWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(`{"text":"x",`+field+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, create.StatusCode(), "%s: %s", name, create.Body)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, create.Body), name)
		put, err := e.Scripts.ReplaceTransitionWithBodyWithResponse(bg, s.ScriptId, cut.TransitionId, nil, "application/json", strings.NewReader(`{"text":"x",`+field+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, put.StatusCode(), "%s: %s", name, put.Body)
		patch, err := e.Scripts.UpdateTransitionWithBodyWithResponse(bg, s.ScriptId, cut.TransitionId, nil, "application/json", strings.NewReader(`{`+field+`}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, patch.StatusCode(), "%s: %s", name, patch.Body)
	}
	require.Len(t, listTransitions(t, e.Scripts, s.ScriptId), 2, "refused creates stored nothing")
	unchanged, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, cut.TransitionId)
	require.NoError(t, err)
	require.Equal(t, cut, *unchanged.JSON200, "refused writes changed nothing")
}
