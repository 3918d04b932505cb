package characters_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/characters"
)

// TestConcurrentSpokenWordsTwoReplicas has 32 clients add 320 spoken words to one script at once through
// two server instances on one database: every spoken word gets its own position, and the story is
// numbered 1..320 without a gap.
func TestConcurrentSpokenWordsTwoReplicas(t *testing.T) {
	t.Parallel()
	url := dbtest.New(t)
	var replicas []env
	for range 2 {
		replicas = append(replicas, env{apitest.NewEnvWith(t, apitest.Options{Pool: dbtest.PoolFor(t, url, 8)}, allServices(false)...)})
	}
	script := replicas[0].script(t, "Verona")

	const clients, n = 32, 320
	var wg sync.WaitGroup
	statuses := make([]int, n)
	bodies := make([]string, n)
	for w := range clients {
		wg.Go(func() {
			for i := w; i < n; i += clients {
				resp, err := replicas[w%2].Characters.CreateSpokenWordWithResponse(bg, nil, charactersapi.SpokenWordCreateRequest{
					ScriptId: script, Text: fmt.Sprintf("line %d", i),
				})
				if err != nil {
					bodies[i] = err.Error()
					continue
				}
				statuses[i], bodies[i] = resp.StatusCode(), string(resp.Body)
			}
		})
	}
	wg.Wait()
	for i := range n {
		require.Equal(t, http.StatusCreated, statuses[i], bodies[i])
	}

	resp, err := replicas[1].Characters.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &script, Limit: new(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.EqualValues(t, n, resp.JSON200.TotalCount)
	var numbers []int64
	ids := map[int64]bool{}
	for _, w := range resp.JSON200.Items {
		numbers = append(numbers, w.SequenceNumber)
		ids[w.DialogueId] = true
	}
	require.Len(t, ids, n)
	want := make([]int64, n)
	for i := range want {
		want[i] = int64(i + 1)
	}
	require.Equal(t, want, numbers, "positions are unique and dense, and the list comes in story order")
	require.Len(t, replicas[0].story(t, script), n)
}

// TestConcurrentPatchIfMatch sends the same conditional PATCH many times at once: exactly one wins,
// every other gets 412.
func TestConcurrentPatchIfMatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	script := e.script(t, "Verona")
	w := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: script, Text: "Ay me!"})
	juliet := e.character(t, "JULIET")

	const n = 16
	patchSpokenWord := func(i int) int {
		resp, err := e.Characters.UpdateSpokenWordWithResponse(bg, w.DialogueId, &charactersapi.UpdateSpokenWordParams{IfMatch: new(`"1"`)},
			charactersapi.SpokenWordUpdateRequest{Text: new(fmt.Sprintf("Ay me! (%d)", i))})
		if err != nil {
			return 0
		}
		return resp.StatusCode()
	}
	patchCharacter := func(i int) int {
		resp, err := e.Characters.UpdateCharacterWithResponse(bg, juliet.CharacterId, &charactersapi.UpdateCharacterParams{IfMatch: new(`"1"`)},
			charactersapi.CharacterUpdateRequest{Description: new(fmt.Sprintf("take %d", i))})
		if err != nil {
			return 0
		}
		return resp.StatusCode()
	}
	for name, patch := range map[string]func(int) int{"spoken word": patchSpokenWord, "character": patchCharacter} {
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = patch(i)
			}()
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		require.Equal(t, map[int]int{http.StatusOK: 1, http.StatusPreconditionFailed: n - 1}, count, name)
	}
	got, err := e.Characters.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.EqualValues(t, 2, got.JSON200.Version)
}

// TestDependencyDown: when a service this one calls is unreachable the answer is 503 and nothing is
// stored; when it answers what its contract does not allow, 502. Creates need the Core Script
// service (to check the script) but not the sequence service.
func TestDependencyDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	script := e.script(t, "Verona")
	w := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: script, Text: "Ay me!"})
	romeo := e.character(t, "ROMEO")

	const down = "http://127.0.0.1:1"
	client := func(peers map[string]string) *charactersapi.ClientWithResponses {
		return apitest.NewEnvWith(t, apitest.Options{Pool: e.Pool, Peers: peers}, characters.Service()).Characters
	}
	body := charactersapi.SpokenWordCreateRequest{ScriptId: script, Text: "But, soft!"}

	// Everything down.
	allDown := client(map[string]string{"sequence": down, "scripts": down, "sessions": down})
	created, err := allDown.CreateSpokenWordWithResponse(bg, nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, created.StatusCode(), string(created.Body))
	require.Equal(t, "DEPENDENCY_UNAVAILABLE", created.JSON503.ErrorCode)

	// Only the sequence service down: creates still commit, element and position together, since
	// they need only the database (the functions the sequence service publishes for that).
	seqDown := client(map[string]string{"sequence": down, "scripts": e.URL, "sessions": down})
	created, err = seqDown.CreateSpokenWordWithResponse(bg, nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	require.EqualValues(t, 2, created.JSON201.SequenceNumber)
	action, err := seqDown.CreateActionWithResponse(bg, nil, charactersapi.ActionCreateRequest{ScriptId: script, Description: "Exit."})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, action.StatusCode(), string(action.Body))
	require.Equal(t, 2, e.rows(t, "spoken_words"))
	require.Len(t, e.story(t, script), 3)

	// What reads positions from it answers 503.
	read, err := seqDown.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, read.StatusCode())
	list, err := seqDown.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &script})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, list.StatusCode())
	chars, err := seqDown.ListCharactersWithResponse(bg, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, chars.StatusCode(), "what needs no other service keeps working")

	// The sessions service down: a character's contexts cannot be counted or removed.
	del, err := seqDown.DeleteCharacterWithResponse(bg, romeo.CharacterId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, del.StatusCode())
	del, err = seqDown.DeleteCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.DeleteCharacterParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, del.StatusCode())
	require.Equal(t, 1, e.rows(t, "characters"), "the character is kept")

	// A sequence service that answers outside its contract.
	odd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(odd.Close)
	badSeq := client(map[string]string{"sequence": odd.URL, "scripts": e.URL, "sessions": down})
	read, err = badSeq.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, read.StatusCode(), string(read.Body))
	require.Equal(t, "BAD_GATEWAY", read.JSON502.ErrorCode)

	// A client of the sequence service cannot release a spoken word's position; a position lost
	// anyway (here, by hand) is a broken contract too.
	refused, err := e.Sequence.ReleasePositionWithResponse(bg, sequenceapi.SpokenWord, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	lost, err := e.Characters.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, lost.StatusCode(), string(lost.Body))
	_, err = e.Pool.Exec(bg, `DELETE FROM sequence.positions WHERE owner = 'content' AND element_type = 'spokenWord' AND element_id = $1`, w.DialogueId)
	require.NoError(t, err)
	lost, err = e.Characters.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, lost.StatusCode())
	lostList, err := e.Characters.ListSpokenWordsWithResponse(bg, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, lostList.StatusCode())
	story, err := e.Characters.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &script})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, story.StatusCode(), "the story order lists what it holds")
	require.Len(t, story.JSON200.Items, 1)
}
