package characters_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/peerclient"
	"github.com/fountainai/fountainai/internal/write"
	"github.com/fountainai/fountainai/services/characters"
)

// The tenant tests call the service's handlers directly with a context acting for a tenant, as the
// authentication middleware will hand them one; the services it calls are served in-process with
// that same context, as `fountain serve` reaches the services it serves itself.

// tenantEnv is the character service's handlers, with the other services in-process behind them.
type tenantEnv struct {
	srv     *characters.Server
	scripts *scriptsapi.ClientWithResponses
}

// inProcessPeers serves a request with h, keeping the request's context and so its identity.
type inProcessPeers struct{ h http.Handler }

func (p inProcessPeers) RoundTrip(req *http.Request) (*http.Response, error) {
	return httpapi.ServeInProcess(p.h, req)
}

func newTenantEnv(t *testing.T) tenantEnv {
	t.Helper()
	pool := dbtest.NewPool(t)
	logger := slog.New(slog.DiscardHandler)
	h, err := app.Handler(allServices(true), app.Options{Pool: pool, Logger: logger, PeerTimeout: 2 * time.Second})
	require.NoError(t, err)
	hc := &http.Client{Transport: inProcessPeers{h}}
	const base = "http://in-process"
	c := apitest.NewClients(t, base, hc)
	peers := peerclient.Set{Sequence: c.Sequence, Scripts: c.Scripts, Sessions: c.Sessions}
	return tenantEnv{
		srv:     characters.NewServer(pool, logger, dbx.NewCallSlots(pool), write.New(context.Background(), pool), peers),
		scripts: c.Scripts,
	}
}

// as is a request context acting for tenant.
func as(tenant string) context.Context {
	return auth.WithIdentity(bg, auth.Identity{Subject: "test:" + tenant, Tenant: tenant, Role: auth.Admin})
}

// rendered renders what a handler returned as the HTTP layer would, and returns its status and body.
func rendered(t *testing.T, resp any, err error) (int, []byte) {
	t.Helper()
	require.NoError(t, err)
	v := reflect.ValueOf(resp)
	for i := range v.NumMethod() {
		if strings.HasPrefix(v.Type().Method(i).Name, "Visit") {
			rec := httptest.NewRecorder()
			out := v.Method(i).Call([]reflect.Value{reflect.ValueOf(rec)})
			require.Nil(t, out[0].Interface())
			return rec.Code, rec.Body.Bytes()
		}
	}
	t.Fatalf("%T has no Visit method", resp)
	return 0, nil
}

// want checks a handler's answer has status, and decodes its body into T.
func want[T any](t *testing.T, status int, resp any, err error) T {
	t.Helper()
	code, body := rendered(t, resp, err)
	require.Equal(t, status, code, string(body))
	var out T
	if len(body) > 0 {
		require.NoError(t, json.Unmarshal(body, &out), string(body))
	}
	return out
}

func (e tenantEnv) script(t *testing.T, ctx context.Context, title string) int64 {
	t.Helper()
	resp, err := e.scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: title})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return resp.JSON201.ScriptId
}

func (e tenantEnv) character(t *testing.T, ctx context.Context, name string) charactersapi.Character {
	t.Helper()
	resp, err := e.srv.CreateCharacter(ctx, charactersapi.CreateCharacterRequestObject{
		Body: &charactersapi.CharacterCreateRequest{Name: name, Description: "A person of the play."},
	})
	return want[charactersapi.Character](t, http.StatusCreated, resp, err)
}

func (e tenantEnv) action(t *testing.T, ctx context.Context, scriptID int64, characterID *int64) charactersapi.Action {
	t.Helper()
	resp, err := e.srv.CreateAction(ctx, charactersapi.CreateActionRequestObject{
		Body: &charactersapi.ActionCreateRequest{ScriptId: scriptID, CharacterId: characterID, Description: "Enters."},
	})
	return want[charactersapi.Action](t, http.StatusCreated, resp, err)
}

func (e tenantEnv) spokenWord(t *testing.T, ctx context.Context, scriptID int64, characterID *int64) charactersapi.SpokenWord {
	t.Helper()
	resp, err := e.srv.CreateSpokenWord(ctx, charactersapi.CreateSpokenWordRequestObject{
		Body: &charactersapi.SpokenWordCreateRequest{ScriptId: scriptID, CharacterId: characterID, Text: "Ay me!"},
	})
	return want[charactersapi.SpokenWord](t, http.StatusCreated, resp, err)
}

func TestTenantsSeeOnlyTheirOwnCharacters(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t)
	a, b := as("a"), as("b")

	// The same name in two tenants: each has its own character, and its name filter finds only it.
	romeoA := e.character(t, a, "ROMEO")
	romeoB := e.character(t, b, "ROMEO")
	juliet := e.character(t, a, "JULIET")
	for _, tc := range []struct {
		ctx  context.Context
		want []int64
	}{{a, []int64{romeoA.CharacterId}}, {b, []int64{romeoB.CharacterId}}} {
		resp, err := e.srv.ListCharacters(tc.ctx, charactersapi.ListCharactersRequestObject{Params: charactersapi.ListCharactersParams{Name: new("romeo")}})
		page := want[charactersapi.CharacterList](t, http.StatusOK, resp, err)
		require.EqualValues(t, 1, page.TotalCount)
		require.Equal(t, tc.want, ids(page.Items, func(c charactersapi.Character) int64 { return c.CharacterId }))
	}

	// Lists, pages and the ids filter hold only the caller's tenant.
	resp, err := e.srv.ListCharacters(b, charactersapi.ListCharactersRequestObject{Params: charactersapi.ListCharactersParams{
		Ids: &[]int64{romeoA.CharacterId, romeoB.CharacterId, juliet.CharacterId},
	}})
	page := want[charactersapi.CharacterList](t, http.StatusOK, resp, err)
	require.EqualValues(t, 1, page.TotalCount)
	require.Equal(t, []int64{romeoB.CharacterId}, ids(page.Items, func(c charactersapi.Character) int64 { return c.CharacterId }))
	resp, err = e.srv.ListCharacters(a, charactersapi.ListCharactersRequestObject{Params: charactersapi.ListCharactersParams{Limit: new(1), Offset: new(int64(1))}})
	page = want[charactersapi.CharacterList](t, http.StatusOK, resp, err)
	require.EqualValues(t, 2, page.TotalCount)
	require.Equal(t, []int64{juliet.CharacterId}, ids(page.Items, func(c charactersapi.Character) int64 { return c.CharacterId }))
	// A request without an identity is the default tenant's, which has none of them.
	resp, err = e.srv.ListCharacters(bg, charactersapi.ListCharactersRequestObject{})
	page = want[charactersapi.CharacterList](t, http.StatusOK, resp, err)
	require.Zero(t, page.TotalCount)
	require.Empty(t, page.Items)

	// Another tenant's character is as missing as one that never existed, for every operation.
	id := romeoA.CharacterId
	get, err := e.srv.GetCharacter(b, charactersapi.GetCharacterRequestObject{CharacterId: id})
	require.Equal(t, "NOT_FOUND", want[charactersapi.ErrorResponse](t, http.StatusNotFound, get, err).ErrorCode)
	put, err := e.srv.ReplaceCharacter(b, charactersapi.ReplaceCharacterRequestObject{CharacterId: id,
		Body: &charactersapi.CharacterReplaceRequest{Name: "MERCUTIO", Description: "Taken."}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, put, err)
	put, err = e.srv.ReplaceCharacter(b, charactersapi.ReplaceCharacterRequestObject{CharacterId: id,
		Params: charactersapi.ReplaceCharacterParams{IfMatch: new(`"1"`)},
		Body:   &charactersapi.CharacterReplaceRequest{Name: "MERCUTIO", Description: "Taken."}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, put, err)
	patch, err := e.srv.UpdateCharacter(b, charactersapi.UpdateCharacterRequestObject{CharacterId: id,
		Body: &charactersapi.CharacterUpdateRequest{Name: new("MERCUTIO")}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, patch, err)
	for _, cascade := range []bool{false, true} {
		del, err := e.srv.DeleteCharacter(b, charactersapi.DeleteCharacterRequestObject{CharacterId: id,
			Params: charactersapi.DeleteCharacterParams{Cascade: new(cascade)}})
		want[charactersapi.ErrorResponse](t, http.StatusNotFound, del, err)
	}
	get, err = e.srv.GetCharacter(a, charactersapi.GetCharacterRequestObject{CharacterId: id})
	require.Equal(t, romeoA, want[charactersapi.Character](t, http.StatusOK, get, err), "unchanged")
}

func TestTenantsSeeOnlyTheirOwnLines(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t)
	a, b := as("a"), as("b")
	scriptA, scriptB := e.script(t, a, "Verona"), e.script(t, b, "Mantua")
	romeo, balthasar := e.character(t, a, "ROMEO"), e.character(t, b, "BALTHASAR")
	enters := e.action(t, a, scriptA, &romeo.CharacterId)
	ayMe := e.spokenWord(t, a, scriptA, &romeo.CharacterId)
	own := e.action(t, b, scriptB, &balthasar.CharacterId)
	ownSpokenWord := e.spokenWord(t, b, scriptB, &balthasar.CharacterId)

	// A spoken word may not name another tenant's character: it does not exist for the caller.
	created, err := e.srv.CreateAction(b, charactersapi.CreateActionRequestObject{
		Body: &charactersapi.ActionCreateRequest{ScriptId: scriptB, CharacterId: &romeo.CharacterId, Description: "Stolen."}})
	require.Equal(t, "CHARACTER_NOT_FOUND", want[charactersapi.ErrorResponse](t, http.StatusUnprocessableEntity, created, err).ErrorCode)
	createdSpokenWord, err := e.srv.CreateSpokenWord(b, charactersapi.CreateSpokenWordRequestObject{
		Body: &charactersapi.SpokenWordCreateRequest{ScriptId: scriptB, CharacterId: &romeo.CharacterId, Text: "Stolen."}})
	require.Equal(t, "CHARACTER_NOT_FOUND", want[charactersapi.ErrorResponse](t, http.StatusUnprocessableEntity, createdSpokenWord, err).ErrorCode)
	moved, err := e.srv.UpdateAction(b, charactersapi.UpdateActionRequestObject{ActionId: own.ActionId,
		Body: &charactersapi.ActionUpdateRequest{CharacterId: &romeo.CharacterId}})
	require.Equal(t, "CHARACTER_NOT_FOUND", want[charactersapi.ErrorResponse](t, http.StatusUnprocessableEntity, moved, err).ErrorCode)
	movedSpokenWord, err := e.srv.ReplaceSpokenWord(b, charactersapi.ReplaceSpokenWordRequestObject{SpokenWordId: ownSpokenWord.DialogueId,
		Body: &charactersapi.SpokenWordReplaceRequest{Text: "Stolen.", CharacterId: &romeo.CharacterId}})
	require.Equal(t, "CHARACTER_NOT_FOUND", want[charactersapi.ErrorResponse](t, http.StatusUnprocessableEntity, movedSpokenWord, err).ErrorCode)

	// Another tenant's action and spoken word are missing for every operation, and stay as they were.
	get, err := e.srv.GetAction(b, charactersapi.GetActionRequestObject{ActionId: enters.ActionId})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, get, err)
	put, err := e.srv.ReplaceAction(b, charactersapi.ReplaceActionRequestObject{ActionId: enters.ActionId,
		Body: &charactersapi.ActionReplaceRequest{Description: "Exits."}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, put, err)
	patch, err := e.srv.UpdateAction(b, charactersapi.UpdateActionRequestObject{ActionId: enters.ActionId,
		Params: charactersapi.UpdateActionParams{IfMatch: new(`"1"`)}, Body: &charactersapi.ActionUpdateRequest{Description: new("Exits.")}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, patch, err)
	del, err := e.srv.DeleteAction(b, charactersapi.DeleteActionRequestObject{ActionId: enters.ActionId,
		Params: charactersapi.DeleteActionParams{Cascade: new(true)}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, del, err)
	getSpokenWord, err := e.srv.GetSpokenWord(b, charactersapi.GetSpokenWordRequestObject{SpokenWordId: ayMe.DialogueId})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, getSpokenWord, err)
	patchSpokenWord, err := e.srv.UpdateSpokenWord(b, charactersapi.UpdateSpokenWordRequestObject{SpokenWordId: ayMe.DialogueId,
		Body: &charactersapi.SpokenWordUpdateRequest{Text: new("O happy dagger!")}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, patchSpokenWord, err)
	delSpokenWord, err := e.srv.DeleteSpokenWord(b, charactersapi.DeleteSpokenWordRequestObject{SpokenWordId: ayMe.DialogueId})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, delSpokenWord, err)

	// Deleting by filter deletes only the caller's own.
	delAll, err := e.srv.DeleteActions(b, charactersapi.DeleteActionsRequestObject{Params: charactersapi.DeleteActionsParams{ScriptId: &scriptA}})
	require.Zero(t, want[charactersapi.DeletedCount](t, http.StatusOK, delAll, err).DeletedCount)
	delAll, err = e.srv.DeleteActions(b, charactersapi.DeleteActionsRequestObject{Params: charactersapi.DeleteActionsParams{CharacterId: &romeo.CharacterId}})
	require.Zero(t, want[charactersapi.DeletedCount](t, http.StatusOK, delAll, err).DeletedCount)
	delSpokenWords, err := e.srv.DeleteSpokenWords(b, charactersapi.DeleteSpokenWordsRequestObject{Params: charactersapi.DeleteSpokenWordsParams{ScriptId: &scriptA}})
	require.Zero(t, want[charactersapi.DeletedCount](t, http.StatusOK, delSpokenWords, err).DeletedCount)

	getA, err := e.srv.GetAction(a, charactersapi.GetActionRequestObject{ActionId: enters.ActionId})
	require.Equal(t, enters, want[charactersapi.Action](t, http.StatusOK, getA, err), "unchanged")
	getSpokenWordA, err := e.srv.GetSpokenWord(a, charactersapi.GetSpokenWordRequestObject{SpokenWordId: ayMe.DialogueId})
	require.Equal(t, ayMe, want[charactersapi.SpokenWord](t, http.StatusOK, getSpokenWordA, err), "unchanged")

	// Every list, with or without filters, in story order or in id order, holds only the caller's.
	actionIDs := func(l charactersapi.ActionList) []int64 {
		return ids(l.Items, func(a charactersapi.Action) int64 { return a.ActionId })
	}
	for name, p := range map[string]charactersapi.ListActionsParams{
		"all":                   {},
		"ids":                   {Ids: &[]int64{enters.ActionId, own.ActionId}},
		"other's script":        {ScriptId: &scriptA},
		"other's character":     {CharacterId: &romeo.CharacterId},
		"other's script and id": {ScriptId: &scriptA, Ids: &[]int64{enters.ActionId}},
	} {
		list, err := e.srv.ListActions(b, charactersapi.ListActionsRequestObject{Params: p})
		got := want[charactersapi.ActionList](t, http.StatusOK, list, err)
		if name == "all" || name == "ids" {
			require.Equal(t, []int64{own.ActionId}, actionIDs(got), name)
			require.EqualValues(t, 1, got.TotalCount, name)
		} else {
			require.Empty(t, got.Items, name)
			require.Zero(t, got.TotalCount, name)
		}
	}
	list, err := e.srv.ListActions(a, charactersapi.ListActionsRequestObject{Params: charactersapi.ListActionsParams{ScriptId: &scriptA}})
	require.Equal(t, []int64{enters.ActionId}, actionIDs(want[charactersapi.ActionList](t, http.StatusOK, list, err)))
	spokenWords, err := e.srv.ListSpokenWords(b, charactersapi.ListSpokenWordsRequestObject{})
	gotSpokenWords := want[charactersapi.SpokenWordList](t, http.StatusOK, spokenWords, err)
	require.EqualValues(t, 1, gotSpokenWords.TotalCount)
	require.Equal(t, []int64{ownSpokenWord.DialogueId}, ids(gotSpokenWords.Items, func(w charactersapi.SpokenWord) int64 { return w.DialogueId }))

	// The contents the Story Factory reads, and the characters appearing in a script, likewise.
	contents, err := e.srv.ListLines(b, charactersapi.ListLinesRequestObject{Params: charactersapi.ListLinesParams{
		ScriptId: scriptA, ActionIds: &[]int64{enters.ActionId}, DialogueIds: &[]int64{ayMe.DialogueId}}})
	got := want[charactersapi.LineContents](t, http.StatusOK, contents, err)
	require.Empty(t, got.Actions)
	require.Empty(t, got.SpokenWords)
	appearing, err := e.srv.ListCharacters(b, charactersapi.ListCharactersRequestObject{Params: charactersapi.ListCharactersParams{ScriptId: &scriptA}})
	require.Empty(t, want[charactersapi.CharacterList](t, http.StatusOK, appearing, err).Items)

	// Deleting a character with cascade deletes the caller's actions and spoken words of it, nobody else's.
	delChar, err := e.srv.DeleteCharacter(b, charactersapi.DeleteCharacterRequestObject{CharacterId: balthasar.CharacterId,
		Params: charactersapi.DeleteCharacterParams{Cascade: new(true)}})
	want[struct{}](t, http.StatusNoContent, delChar, err)
	list, err = e.srv.ListActions(a, charactersapi.ListActionsRequestObject{})
	require.Equal(t, []int64{enters.ActionId}, actionIDs(want[charactersapi.ActionList](t, http.StatusOK, list, err)))
}

func TestTenantsSeeOnlyTheirOwnParaphrases(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t)
	a, b := as("a"), as("b")
	romeo := e.character(t, a, "ROMEO")
	enters := e.action(t, a, e.script(t, a, "Verona"), nil)
	made, err := e.srv.CreateCharacterParaphrase(a, charactersapi.CreateCharacterParaphraseRequestObject{CharacterId: romeo.CharacterId,
		Body: &charactersapi.ParaphraseCreateRequest{Text: "A Montague."}})
	p := want[charactersapi.Paraphrase](t, http.StatusCreated, made, err)

	// Another tenant's original cannot be paraphrased, nor its paraphrases listed, read or changed.
	made, err = e.srv.CreateCharacterParaphrase(b, charactersapi.CreateCharacterParaphraseRequestObject{CharacterId: romeo.CharacterId,
		Body: &charactersapi.ParaphraseCreateRequest{Text: "Taken."}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, made, err)
	madeOfAction, err := e.srv.CreateActionParaphrase(b, charactersapi.CreateActionParaphraseRequestObject{ActionId: enters.ActionId,
		Body: &charactersapi.ParaphraseCreateRequest{Text: "Taken."}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, madeOfAction, err)
	list, err := e.srv.ListCharacterParaphrases(b, charactersapi.ListCharacterParaphrasesRequestObject{CharacterId: romeo.CharacterId})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, list, err)
	get, err := e.srv.GetCharacterParaphrase(b, charactersapi.GetCharacterParaphraseRequestObject{CharacterId: romeo.CharacterId, ParaphraseId: p.ParaphraseId})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, get, err)
	patch, err := e.srv.PatchCharacterParaphrase(b, charactersapi.PatchCharacterParaphraseRequestObject{CharacterId: romeo.CharacterId,
		ParaphraseId: p.ParaphraseId, Body: &charactersapi.ParaphrasePatchRequest{Text: new("Taken.")}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, patch, err)
	only, err := e.srv.UpdateCharacterParaphrases(b, charactersapi.UpdateCharacterParaphrasesRequestObject{CharacterId: romeo.CharacterId,
		Body: &charactersapi.ParaphraseUpdateRequest{Text: "Taken."}})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, only, err)
	del, err := e.srv.DeleteCharacterParaphrase(b, charactersapi.DeleteCharacterParaphraseRequestObject{CharacterId: romeo.CharacterId, ParaphraseId: p.ParaphraseId})
	want[charactersapi.ErrorResponse](t, http.StatusNotFound, del, err)

	get, err = e.srv.GetCharacterParaphrase(a, charactersapi.GetCharacterParaphraseRequestObject{CharacterId: romeo.CharacterId, ParaphraseId: p.ParaphraseId})
	require.Equal(t, p, want[charactersapi.Paraphrase](t, http.StatusOK, get, err), "unchanged")
	list, err = e.srv.ListCharacterParaphrases(a, charactersapi.ListCharacterParaphrasesRequestObject{CharacterId: romeo.CharacterId})
	require.EqualValues(t, 1, want[charactersapi.ParaphraseList](t, http.StatusOK, list, err).TotalCount)
}

func ids[T any](items []T, id func(T) int64) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

// TestTenantsOverHTTP is the isolation seen by clients of two tenants through the whole stack: their
// credentials, the middleware, the spec's answers.
func TestTenantsOverHTTP(t *testing.T) {
	t.Parallel()
	shared := newEnv(t, false)
	client := func(tenant string) env {
		return env{apitest.Env{Clients: shared.As(t, tenant, auth.Writer), Pool: shared.Pool}}
	}
	a, b := client("a"), client("b")
	romeoA, romeoB := a.character(t, "ROMEO"), b.character(t, "ROMEO")
	scriptB := b.script(t, "Mantua")
	enters := a.action(t, charactersapi.ActionCreateRequest{ScriptId: a.script(t, "Verona"), CharacterId: &romeoA.CharacterId, Description: "Enters."})

	got, err := b.Characters.GetCharacterWithResponse(bg, romeoA.CharacterId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, got.StatusCode())
	patch, err := b.Characters.UpdateCharacterWithResponse(bg, romeoA.CharacterId, nil, charactersapi.CharacterUpdateRequest{Name: new("MERCUTIO")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, patch.StatusCode())
	del, err := b.Characters.DeleteActionWithResponse(bg, enters.ActionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, del.StatusCode())
	stolen, err := b.Characters.CreateActionWithResponse(bg, nil, charactersapi.ActionCreateRequest{ScriptId: scriptB, CharacterId: &romeoA.CharacterId, Description: "Stolen."})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, stolen.StatusCode(), string(stolen.Body))
	require.Equal(t, "CHARACTER_NOT_FOUND", stolen.JSON422.ErrorCode)

	for _, tc := range []struct {
		e    env
		want int64
	}{{a, romeoA.CharacterId}, {b, romeoB.CharacterId}} {
		list, err := tc.e.Characters.ListCharactersWithResponse(bg, &charactersapi.ListCharactersParams{Name: new("ROMEO")})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, list.StatusCode())
		require.EqualValues(t, 1, list.JSON200.TotalCount)
		require.Equal(t, tc.want, list.JSON200.Items[0].CharacterId)
	}
	listed, err := b.Characters.ListActionsWithResponse(bg, &charactersapi.ListActionsParams{})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, listed.StatusCode())
	require.Empty(t, listed.JSON200.Items)
	mine, err := a.Characters.GetActionWithResponse(bg, enters.ActionId)
	require.NoError(t, err)
	require.Equal(t, enters, *mine.JSON200, "unchanged")
}
