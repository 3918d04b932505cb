package stories_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/storytest"
)

// TestReadEndWhileAppending: 1,000 reads of the end of a story while 8 clients append lines,
// actions, transitions and new characters' first lines to it. Appends never make a read fail: no
// 503 STORY_CHANGING, and every answer is one state of the story (a page holds what its total says
// it holds), and no 502: a create commits its row and its position together, so the order never
// names an element its service does not have. The counts are reported.
func TestReadEndWhileAppending(t *testing.T) {
	t.Parallel()
	const (
		reads          = 1000
		readers        = 4
		writers        = 8
		appendsPerRead = 1
		newEvery       = 10 // every 10th append of a writer is a new character's first line
	)
	e := newEnv(t)
	ctx := context.Background()
	w := storytest.WriteBalcony(t, e.Clients)
	juliet := w.Characters["JULIET"]

	// Each read lets the writers append appendsPerRead elements: appends run during the reads
	// without the writers taking the machine from them.
	turns := make(chan struct{}, writers)
	stop := make(chan struct{})
	var appended atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for wr := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-turns:
				}
				if err := appendOne(ctx, e, w, wr, i, i%newEvery == newEvery-1); err != nil {
					errs <- err
					return
				}
				appended.Add(1)
			}
		})
	}

	var (
		mu     sync.Mutex
		counts = map[string]int{}
		known  atomic.Int64 // the story's total last seen
	)
	known.Store(int64(len(storytest.Balcony)))
	count := func(what string) {
		mu.Lock()
		counts[what]++
		mu.Unlock()
	}
	var rg sync.WaitGroup
	failures := make(chan string, reads)
	for rd := range readers {
		rg.Go(func() {
			for i := range reads / readers {
				for range appendsPerRead {
					select {
					case turns <- struct{}{}:
					default:
					}
				}
				r, err := readEnd(ctx, e, w.ScriptID, juliet, known.Load(), rd+i)
				switch {
				case err != nil:
					failures <- fmt.Sprintf("%s: %v", r.kind, err)
				case r.status == http.StatusOK:
					count(r.kind + ": 200")
					if msg := r.inconsistent(); msg != "" {
						failures <- r.kind + ": " + msg
					}
					if r.whole {
						raise(&known, r.total)
					}
				default:
					count(fmt.Sprintf("%s: %d", r.kind, r.status))
					failures <- fmt.Sprintf("%s: %d %s", r.kind, r.status, r.body)
				}
			}
		})
	}
	rg.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	close(failures)
	require.NoError(t, <-errs)

	t.Logf("%d reads of the end while %d clients appended %d elements (the story grew from %d to %d):",
		reads, writers, appended.Load(), len(storytest.Balcony), known.Load())
	for _, what := range slices.Sorted(maps.Keys(counts)) {
		t.Logf("  %-60s %5d", what, counts[what])
	}
	var all []string
	for f := range failures {
		all = append(all, f)
	}
	require.Empty(t, all, "appends made reads fail")
}

// appendOne appends one element as writer wr's i-th append: a line of Juliet, an action, a
// transition, or a new character's first line.
func appendOne(ctx context.Context, e env, w storytest.Written, wr, i int, newCharacter bool) error {
	text := fmt.Sprintf("writer %d, append %d", wr, i)
	character := w.Characters["JULIET"]
	if newCharacter {
		c, err := e.Characters.CreateCharacterWithResponse(ctx, nil, charactersCreate(fmt.Sprintf("CITIZEN %d.%d", wr, i)))
		if err != nil || c.JSON201 == nil {
			return fmt.Errorf("create a character: %v %v", err, c)
		}
		character = c.JSON201.CharacterId
	}
	var status int
	switch {
	case !newCharacter && i%3 == 1:
		r, err := e.Characters.CreateActionWithResponse(ctx, nil, charactersapi.ActionCreateRequest{ScriptId: w.ScriptID, Description: text})
		if err != nil {
			return err
		}
		status = r.StatusCode()
	case !newCharacter && i%3 == 2:
		r, err := e.Scripts.CreateTransitionWithResponse(ctx, w.ScriptID, nil, scriptsapi.TransitionCreateRequest{Text: text})
		if err != nil {
			return err
		}
		status = r.StatusCode()
	default:
		r, err := e.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: w.ScriptID, CharacterId: &character, Text: text})
		if err != nil {
			return err
		}
		status = r.StatusCode()
	}
	if status != http.StatusCreated {
		return fmt.Errorf("append %q: %d", text, status)
	}
	return nil
}

// endRead is one read of the end of a story.
type endRead struct {
	kind          string
	offset, total int64
	limit         int
	whole         bool // total counts the whole story
	status        int
	body          string
	story         []storiesapi.StoryElement
}

// readEnd reads the end of the story, the i-th of five ways, near known, the total last seen.
func readEnd(ctx context.Context, e env, scriptID, juliet, known int64, i int) (endRead, error) {
	r := endRead{offset: max(0, known-10), limit: 5000, whole: true}
	var full *storiesapi.GetFullStoryResponse
	var err error
	switch i % 5 {
	case 0:
		// Read in one chunk.
		r.kind, r.limit = "page of 100 at the end", 100
		full, err = e.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: scriptID, Offset: &r.offset, Limit: &r.limit})
	case 1:
		// Read in chunks at once, the end in the first.
		r.kind = "page of 5000 at the end"
		full, err = e.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: scriptID, Offset: &r.offset, Limit: &r.limit})
	case 2:
		// The whole story, in chunks at once.
		r.kind, r.offset = "the whole story in a page of 5000", 0
		full, err = e.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: scriptID, Offset: &r.offset, Limit: &r.limit})
	default:
		// A range from just before the end to past it, whole (to its last element) or, filtered,
		// read to the last and kept to Juliet's.
		r.kind, r.offset, r.whole = "range to past the end", 0, false
		params := storiesapi.GetStorySequencesParams{ScriptId: scriptID, StartSequence: max(1, known-20), EndSequence: known + 5000}
		if i%5 == 3 {
			r.kind, params.CharacterId = "Juliet's elements of a range to past the end", &juliet
		}
		var rng *storiesapi.GetStorySequencesResponse
		rng, err = e.Stories.GetStorySequencesWithResponse(ctx, &params)
		if err != nil {
			return r, err
		}
		r.status, r.body = rng.StatusCode(), string(rng.Body)
		if rng.JSON200 != nil {
			r.story, r.total = rng.JSON200.Sequences, rng.JSON200.TotalCount
		}
		return r, nil
	}
	if err != nil {
		return r, err
	}
	r.status, r.body = full.StatusCode(), string(full.Body)
	if full.JSON200 != nil {
		r.story, r.total = full.JSON200.Story, full.JSON200.TotalCount
	}
	return r, nil
}

// inconsistent says how a 200 is not one state of the story: a page must hold what its total says.
func (r endRead) inconsistent() string {
	if want := min(int64(r.limit), max(0, r.total-r.offset)); int64(len(r.story)) != want {
		return fmt.Sprintf("%d elements from offset %d of %d, expected %d", len(r.story), r.offset, r.total, want)
	}
	for j := 1; j < len(r.story); j++ {
		if r.story[j].Sequence <= r.story[j-1].Sequence {
			return fmt.Sprintf("out of order at %d", r.story[j].Sequence)
		}
	}
	return ""
}

// raise sets v to n if n is greater.
func raise(v *atomic.Int64, n int64) {
	for {
		cur := v.Load()
		if n <= cur || v.CompareAndSwap(cur, n) {
			return
		}
	}
}
