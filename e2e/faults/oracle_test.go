package faults_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
)

// The oracle reads the database itself, every schema, with the queries below; they name their
// columns so that columns other work adds (an owner of a scope, say) change nothing here.
const (
	// rowsOfScript: the script's spoken words, grouped by text; a writer's text names its key.
	rowsOfScript = `
SELECT text, array_agg(id ORDER BY id)
FROM characters.spoken_words
WHERE script_id = $1
GROUP BY text`
	// storyOfScript: every position of the script's story order, whatever its element type.
	storyOfScript = `
SELECT p.element_type, p.element_id, row_number() OVER (ORDER BY p.order_key)
FROM sequence.positions p
JOIN sequence.scopes s ON s.id = p.scope_id
WHERE s.script_id = $1 AND s.name = 'story'
ORDER BY p.order_key`
)

// replayWorkers replay the keys at once; replays are reads of stored answers.
const replayWorkers = 8

// listed is how many offenders a failure message names; the count says how many there are.
const listed = 12

// position is one place of the story order.
type position struct {
	elementType string
	elementID   int64
	number      int64
}

func (p position) String() string {
	return fmt.Sprintf("#%d %s %d", p.number, p.elementType, p.elementID)
}

// report is what one scenario measured; these are the numbers the table shows.
type report struct {
	scenario                string
	keys, acked             int
	lost, duplicated        int // acknowledged keys with no row; keys with more than one
	orphans, unplaced, gaps int // positions with no element; elements with no position; missing numbers
	inUseAfterFault, inUse  int // 409 IDEMPOTENCY_KEY_IN_USE answers: after a fault killed an earlier attempt; all
	status500, status502    int
	status503, bare503      int // bare: without Retry-After
	timeouts, notReplayable int
	duration                time.Duration // load and drain
}

// verify ends the load (every key finished or given up), replays every key, reads what the
// database holds and checks the promise against it. Checks use assert, not require: each is
// independent, and one run should show every promise that broke.
func verify(t *testing.T, l *load, databaseURL string) report {
	t.Helper()
	l.wait()
	keys := l.keys()
	r := report{scenario: l.name, keys: len(keys), duration: time.Since(l.start)}
	replays := replay(l.client, l.scriptID, keys)
	rows, story := readStored(t, databaseURL, l.scriptID)

	// (1) Every key acknowledged, stored exactly once.
	var unacked, lost, duplicated, wrongID, stray []string
	texts := map[string]bool{}
	for _, k := range keys {
		texts[k.text] = true
		ids, acked := rows[k.text], k.acked()
		if len(acked) > 0 {
			r.acked++
		} else {
			unacked = append(unacked, k.history(l.start))
		}
		switch {
		case len(ids) == 0 && len(acked) > 0:
			r.lost++
			lost = append(lost, k.history(l.start))
		case len(ids) > 1:
			r.duplicated++
			duplicated = append(duplicated, fmt.Sprintf("rows %v for %s", ids, k.history(l.start)))
		}
		// (2) Every acknowledged id is the id of the key's row.
		if len(ids) == 1 && slices.ContainsFunc(acked, func(id int64) bool { return id != ids[0] }) {
			wrongID = append(wrongID, fmt.Sprintf("row %d for %s", ids[0], k.history(l.start)))
		}
	}
	for text, ids := range rows {
		if !texts[text] {
			stray = append(stray, fmt.Sprintf("%q: rows %v", text, ids))
		}
	}
	slices.Sort(stray)
	assert.Zero(t, len(unacked), "keys never acknowledged:%s", list(unacked))
	assert.Zero(t, len(lost), "acknowledged keys with no row: lost:%s", list(lost))
	assert.Zero(t, len(duplicated), "keys stored more than once:%s", list(duplicated))
	assert.Zero(t, len(stray), "rows of the script that no key wrote:%s", list(stray))
	assert.Zero(t, len(wrongID), "keys acknowledged with an id that is not their row's:%s", list(wrongID))

	// (3) Every row holds a place in the script's story order, and every place of a spoken word
	// holds a row of the script.
	rowIDs := map[int64]bool{}
	for _, ids := range rows {
		for _, id := range ids {
			rowIDs[id] = true
		}
	}
	placed := map[int64]bool{}
	var orphans []string
	for _, p := range story {
		if p.elementType != string(sequenceapi.SpokenWord) {
			continue
		}
		placed[p.elementID] = true
		if !rowIDs[p.elementID] {
			orphans = append(orphans, p.String())
		}
	}
	var unplaced []string
	for text, ids := range rows {
		for _, id := range ids {
			if !placed[id] {
				unplaced = append(unplaced, fmt.Sprintf("spokenWord %d (%q)", id, text))
			}
		}
	}
	slices.Sort(unplaced)
	r.orphans, r.unplaced = len(orphans), len(unplaced)
	assert.Zero(t, len(orphans), "positions whose spoken word does not exist:%s", list(orphans))
	assert.Zero(t, len(unplaced), "spoken words without a position in their script's story order:%s", list(unplaced))

	// (4) Numbers distinct and dense: 1..N.
	var gaps, shared []string
	next := int64(1)
	for i, p := range story {
		if i > 0 && p.number == story[i-1].number {
			shared = append(shared, fmt.Sprintf("%v and %v", story[i-1], p))
			continue
		}
		for ; next < p.number; next++ {
			gaps = append(gaps, fmt.Sprintf("#%d", next))
		}
		next = p.number + 1
	}
	r.gaps = len(gaps)
	assert.Zero(t, len(shared), "numbers held twice:%s", list(shared))
	assert.Zero(t, len(gaps), "numbers missing from the story order of %d positions:%s", len(story), list(gaps))

	// (5) Every key replays its first answer.
	var notReplayed []string
	for i, k := range keys {
		a, ids := replays[i], rows[k.text]
		if a.status != http.StatusCreated || !a.replayed || len(ids) != 1 || a.id != ids[0] {
			notReplayed = append(notReplayed, fmt.Sprintf("replay got %s, rows %v; %s", a.outcome(), ids, k.history(l.start)))
		}
	}
	r.notReplayable = len(notReplayed)
	assert.Zero(t, len(notReplayed), "keys that do not replay their first answer:%s", list(notReplayed))

	// (6) A key whose request died with its process or database is usable again at once, and a
	// database outage is answered 503 with Retry-After, never 500.
	var stuck, internal, bare []string
	for _, k := range keys {
		var stuckHere, internalHere, bareHere bool
		for i, a := range k.attempts {
			switch {
			case a.status == http.StatusConflict && a.code == codeKeyInUse:
				r.inUse++
				if l.afterFault(k, i) {
					r.inUseAfterFault++
					stuckHere = true
				}
			case a.status == http.StatusInternalServerError:
				r.status500++
				internalHere = true
			case a.status == http.StatusBadGateway:
				r.status502++
			case a.status == http.StatusServiceUnavailable:
				r.status503++
				if a.retryAfter == "" {
					r.bare503++
					bareHere = bareHere || a.code == codeDBUnavailable
				}
			case a.timedOut():
				r.timeouts++
			}
		}
		if stuckHere {
			stuck = append(stuck, k.history(l.start))
		}
		if internalHere {
			internal = append(internal, k.history(l.start))
		}
		if bareHere {
			bare = append(bare, k.history(l.start))
		}
	}
	assert.Zero(t, len(stuck), "keys answered 409 %s after the attempt holding them died (%d answers):%s", codeKeyInUse, r.inUseAfterFault, list(stuck))
	assert.Zero(t, len(internal), "keys answered 500 (%d answers):%s", r.status500, list(internal))
	assert.Zero(t, len(bare), "keys answered 503 %s without Retry-After (%d):%s", codeDBUnavailable, len(bare), list(bare))
	return r
}

// replay repeats every key once more, as a client that lost the answer would, and returns what came
// back. Only an answer that cannot tell (no answer, 503) is tried again, a few times.
func replay(client *charactersapi.ClientWithResponses, scriptID int64, keys []*key) []attempt {
	w := &writer{client: client, scriptID: scriptID}
	out := make([]attempt, len(keys))
	next := make(chan int)
	var wg sync.WaitGroup
	for range replayWorkers {
		wg.Go(func() {
			for i := range next {
				for try := 1; ; try++ {
					out[i] = w.post(context.Background(), keys[i])
					if try == 5 || (out[i].status != 0 && out[i].status != http.StatusServiceUnavailable) {
						break
					}
					time.Sleep(200 * time.Millisecond)
				}
			}
		})
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// readStored reads the script's spoken words (ids by text) and its story order.
func readStored(t *testing.T, databaseURL string, scriptID int64) (map[string][]int64, []position) {
	t.Helper()
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, databaseURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())

	rows := map[string][]int64{}
	res, err := conn.Query(ctx, rowsOfScript, scriptID)
	require.NoError(t, err)
	var text string
	var ids []int64
	_, err = pgx.ForEachRow(res, []any{&text, &ids}, func() error {
		rows[text] = ids
		return nil
	})
	require.NoError(t, err)

	res, err = conn.Query(ctx, storyOfScript, scriptID)
	require.NoError(t, err)
	story, err := pgx.CollectRows(res, func(row pgx.CollectableRow) (position, error) {
		var p position
		err := row.Scan(&p.elementType, &p.elementID, &p.number)
		return p, err
	})
	require.NoError(t, err)
	return rows, story
}

// list formats the first offenders for a failure message, one a line.
func list(items []string) string {
	if len(items) == 0 {
		return ""
	}
	s := "\n  " + strings.Join(items[:min(len(items), listed)], "\n  ")
	if len(items) > listed {
		s += fmt.Sprintf("\n  … and %d more", len(items)-listed)
	}
	return s
}

// logTable logs the scenarios' numbers, one line each: the figures for an issue note.
func logTable(t *testing.T, reports []report) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tkeys\tacked\tlost\tduplicated\tpositions w/o element\telements w/o position\tgaps\t409 in use after fault (all)\t500\t502\t503 (w/o Retry-After)\tclient timeouts\tnot replayable\tload+drain\t")
	for _, r := range reports {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d (%d)\t%d\t%d\t%d (%d)\t%d\t%d\t%.1fs\t\n", r.scenario, r.keys, r.acked,
			r.lost, r.duplicated, r.orphans, r.unplaced, r.gaps, r.inUseAfterFault, r.inUse,
			r.status500, r.status502, r.status503, r.bare503, r.timeouts, r.notReplayable, r.duration.Seconds())
	}
	_ = tw.Flush()
	t.Logf("what the clients and the database saw:\n%s", b.String())
}
