package faults_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/subprocess"
)

// reads is how many reads of a story's end each shape makes while the writers append.
const reads = 1000

// readPeerTimeout bounds the processes' calls to each other, and readTimeout the test's reads, far
// above what a read takes (milliseconds), so that a machine starved by other tests slows the reads
// down instead of failing them: what is tested is what a read answers, not how fast.
const (
	readPeerTimeout = 30 * time.Second
	readTimeout     = 2 * readPeerTimeout
)

// TestReadsDuringAppends: readers never see half a write. While eight clients append spoken words
// (some by characters new to the script), actions and transitions to one story, 1,000 reads of the
// story's end, through the Story Factory and through Character Management's list, all answer 200
// with a story in order: never 502, and never 503 STORY_CHANGING, which ordinary writers must not
// cause. In one process and with every service in its own.
func TestReadsDuringAppends(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	t.Run("one process", func(t *testing.T) {
		addr, err := subprocess.FreeAddr()
		require.NoError(t, err)
		f := h.serve(t, "fountain serve", nil, addr, []string{"--peer-timeout", readPeerTimeout.String()})
		readWhileAppending(t, f.url(), f.url(), f.url())
	})
	t.Run("split", func(t *testing.T) {
		procs := h.split(t, readPeerTimeout)
		readWhileAppending(t, procs["scripts"].url(), procs["characters"].url(), procs["stories"].url())
	})
}

func readWhileAppending(t *testing.T, scriptsURL, charactersURL, storiesURL string) {
	ctx := t.Context()
	hc := &http.Client{Timeout: readTimeout, Transport: authtest.Transport(auth.DefaultTenant, auth.Writer, &http.Transport{MaxIdleConnsPerHost: writers + 2})}
	scripts := apitest.NewClients(t, scriptsURL, hc).Scripts
	chars := apitest.NewClients(t, charactersURL, hc).Characters
	stories := apitest.NewClients(t, storiesURL, hc).Stories
	created, err := scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "Reads during appends"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	script := created.JSON201.ScriptId

	writing, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var appended atomic.Int64
	failed := make(chan string, writers)
	for w := range writers {
		wg.Go(func() {
			for n := 0; writing.Err() == nil; n++ {
				status, body, err := appendOne(writing, scripts, chars, script, w, n)
				if writing.Err() != nil {
					return
				}
				if err != nil || status != http.StatusCreated {
					failed <- fmt.Sprintf("writer %d: %v %d %s", w, err, status, body)
					return
				}
				appended.Add(1)
			}
		})
	}
	defer func() { stop(); wg.Wait() }()

	statuses := map[string]int{}
	var total int64
	for i := range reads {
		offset := max(0, total-20)
		if i%2 == 0 {
			resp, err := stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: script, Offset: &offset, Limit: new(50)})
			require.NoError(t, err)
			statuses[fmt.Sprintf("stories %d %s", resp.StatusCode(), errorCode(resp.JSON502, resp.JSON503))]++
			if resp.StatusCode() != http.StatusOK {
				t.Logf("the story answered %d: %s", resp.StatusCode(), resp.Body)
			}
			if resp.JSON200 != nil {
				total = resp.JSON200.TotalCount
				for j, e := range resp.JSON200.Story {
					require.Equal(t, offset+int64(j)+1, e.Sequence, "the story's end is dense and in order")
				}
			}
			continue
		}
		resp, err := chars.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &script, Offset: &offset, Limit: new(50)})
		require.NoError(t, err)
		statuses[fmt.Sprintf("spokenWords %d", resp.StatusCode())]++
		if resp.StatusCode() != http.StatusOK {
			t.Logf("spokenWords answered %d: %s", resp.StatusCode(), resp.Body)
		}
		if resp.JSON200 != nil {
			for j := 1; j < len(resp.JSON200.Items); j++ {
				require.Less(t, resp.JSON200.Items[j-1].SequenceNumber, resp.JSON200.Items[j].SequenceNumber)
			}
		}
	}
	stop()
	wg.Wait()
	close(failed)
	for f := range failed {
		t.Error(f)
	}
	t.Logf("%d reads while %d elements were appended: %v", reads, appended.Load(), statuses)
	require.Equal(t, map[string]int{"stories 200 ": reads / 2, "spokenWords 200": reads / 2}, statuses)
	require.Positive(t, appended.Load())
}

// appendOne appends the n-th element of writer w: mostly spoken words, every fifth by a character
// new to the script, and the last two writers' actions and transitions.
func appendOne(ctx context.Context, scripts *scriptsapi.ClientWithResponses, chars *charactersapi.ClientWithResponses, script int64, w, n int) (int, []byte, error) {
	text := fmt.Sprintf("writer %d, line %d", w, n)
	switch {
	case w == writers-1:
		resp, err := scripts.CreateTransitionWithResponse(ctx, script, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO: " + text})
		if err != nil {
			return 0, nil, err
		}
		return resp.StatusCode(), resp.Body, nil
	case w == writers-2:
		resp, err := chars.CreateActionWithResponse(ctx, nil, charactersapi.ActionCreateRequest{ScriptId: script, Description: text})
		if err != nil {
			return 0, nil, err
		}
		return resp.StatusCode(), resp.Body, nil
	}
	var who *int64
	if n%5 == 0 {
		c, err := chars.CreateCharacterWithResponse(ctx, nil, charactersapi.CharacterCreateRequest{Name: fmt.Sprintf("W%dC%d", w, n), Description: "new here"})
		if err != nil || c.JSON201 == nil {
			return 0, nil, fmt.Errorf("create a character: %v", err)
		}
		who = &c.JSON201.CharacterId
	}
	resp, err := chars.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: script, CharacterId: who, Text: text})
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode(), resp.Body, nil
}

func errorCode(bodies ...*storiesapi.ErrorResponse) string {
	for _, b := range bodies {
		if b != nil {
			return b.ErrorCode
		}
	}
	return ""
}
