package e2e_test

// Several clients edit one order at once. Each client owns a block of the order: it inserts only
// before or after its own elements and moves only its own elements next to its own elements, so
// whatever the interleaving, the relative order of its elements is exactly what its own requests
// made of it, and every read of the order must show that. Without other writers (the "neighbours"
// test) even more is provable: no request of another client can name a place inside a client's
// block or inside the fixed elements between blocks, so the blocks stay whole and in place and the
// final order is fully determined; an element inserted next to a neighbour is still next to it
// unless a later request of its client named, moved or released either of them. With strangers
// that insert and move by number anywhere, only the relative orders are provable.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

func TestOrderConcurrentNeighbours(t *testing.T) {
	t.Parallel()
	runOrderConcurrent(t, false)
}

func TestOrderConcurrentWithStrangers(t *testing.T) {
	t.Parallel()
	runOrderConcurrent(t, true)
}

const (
	concurrentWriters   = 6
	concurrentOps       = 50 // per writer
	concurrentStrangers = 2
	fillersPerGap       = 2
)

// concurrentOrder is the order the clients share: a client scope of no script.
type concurrentOrder struct {
	t     *testing.T
	ctx   context.Context
	c     apitest.Clients
	scope string
}

func (o *concurrentOrder) place(e ref, p place) (*sequenceapi.GenerateSequenceNumberResponse, outcome, error) {
	req := sequenceapi.SequenceRequest{ElementType: e.Type, ElementId: e.ID, Scope: &o.scope}
	req.Before, req.After, req.AtSequence = p.fields()
	resp, err := o.c.Sequence.GenerateSequenceNumberWithResponse(o.ctx, nil, req)
	if err != nil {
		return nil, outcome{}, err
	}
	return resp, outcomeOf(resp.StatusCode(), resp.Body), nil
}

func (o *concurrentOrder) move(first ref, through *ref, p place, rng *rand.Rand) (*sequenceapi.MoveElementsResponse, outcome, error) {
	req := sequenceapi.MoveRequest{ElementType: first.Type, ElementId: first.ID}
	if through != nil {
		req.Through = through.api()
	}
	req.Before, req.After, req.AtSequence = p.fields()
	switch rng.IntN(3) {
	case 1:
		req.Owner = new(sequenceapi.OwnerClient)
	case 2:
		req.Scope = &o.scope
	}
	resp, err := o.c.Sequence.MoveElementsWithResponse(o.ctx, nil, req)
	if err != nil {
		return nil, outcome{}, err
	}
	return resp, outcomeOf(resp.StatusCode(), resp.Body), nil
}

func (o *concurrentOrder) positions() (*sequenceapi.PositionPage, error) {
	resp, err := o.c.Sequence.ListPositionsWithResponse(o.ctx, &sequenceapi.ListPositionsParams{Scope: o.scope, Limit: new(5000)})
	if err != nil {
		return nil, err
	}
	if resp.JSON200 == nil {
		return nil, fmt.Errorf("list positions: %d %s", resp.StatusCode(), resp.Body)
	}
	return resp.JSON200, nil
}

// neighbourInsert is an acknowledged insert next to an element of the writer's own.
type neighbourInsert struct {
	e, next ref
	after   bool
	op      int // the writer's operation that made it
}

// orderWriter is one client: its elements in the order its requests made of them, and their
// history, one state per finished operation.
type orderWriter struct {
	n         int
	rng       *rand.Rand
	strangers bool // others place elements anywhere, also inside its runs
	mine      orderModel
	gone      []ref
	nextID    int64
	refused   []ref // elements whose placement was refused: never in the order

	mu      sync.Mutex
	history []orderModel // history[k]: mine after k operations
	done    atomic.Bool

	log     []string
	answers []numberAnswer
	inserts []neighbourInsert
	touched []map[ref]bool // per operation: the elements it named, moved, placed or released
}

func (w *orderWriter) owns(e ref) bool {
	lo := int64(w.n+1) * 1_000_000
	return e.Type != sequenceapi.Script && e.ID >= lo && e.ID < lo+1_000_000
}

func (w *orderWriter) fresh() ref {
	w.nextID++
	types := []sequenceapi.ElementType{sequenceapi.Action, sequenceapi.SpokenWord, sequenceapi.Transition, sequenceapi.Section, sequenceapi.Character}
	return ref{Type: types[w.rng.IntN(len(types))], ID: int64(w.n+1)*1_000_000 + w.nextID}
}

// finished records what an operation did and the state it left.
func (w *orderWriter) finished(what string, touched ...ref) {
	set := map[ref]bool{}
	for _, e := range touched {
		set[e] = true
	}
	w.touched = append(w.touched, set)
	w.log = append(w.log, fmt.Sprintf("writer %d op %d: %s", w.n, len(w.log)+1, what))
	w.mu.Lock()
	w.history = append(w.history, slices.Clone(w.mine))
	w.mu.Unlock()
}

// completed is how many operations the writer has finished.
func (w *orderWriter) completed() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.history) - 1
}

// neighbourPlace is before or after one of the elements of m.
func (w *orderWriter) neighbourPlace(m orderModel) place {
	p := place{kind: placeBefore, next: m[w.rng.IntN(len(m))]}
	if w.rng.IntN(2) == 0 {
		p.kind = placeAfter
	}
	return p
}

// step makes one random operation; an answer it cannot accept is an error.
func (w *orderWriter) step(o *concurrentOrder, all []*orderWriter) error {
	op := len(w.log)
	lo := completedAll(all)
	switch k := w.rng.IntN(100); {
	case k < 40 || len(w.mine) < 2:
		e, p := w.fresh(), w.neighbourPlace(w.mine)
		resp, out, err := o.place(e, p)
		if err != nil {
			return err
		}
		if out.status != http.StatusCreated || !resp.JSON201.Created {
			return fmt.Errorf("insert %s %s: %s %s", e, p, out, out.body)
		}
		w.mine = w.mine.with(p.index(w.mine), e)
		w.inserts = append(w.inserts, neighbourInsert{e: e, next: p.next, after: p.kind == placeAfter, op: op})
		w.answered(all, lo, e, resp.JSON201.SequenceNumber, fmt.Sprintf("insert %s %s", e, p))
		w.finished(fmt.Sprintf("insert %s %s -> %d", e, p, resp.JSON201.SequenceNumber), e, p.next)

	case k < 60:
		i := w.rng.IntN(len(w.mine))
		e, p := w.mine[i], w.neighbourPlace(w.mine.without(i, i))
		resp, out, err := o.move(e, nil, p, w.rng)
		if err != nil {
			return err
		}
		if out.status != http.StatusOK {
			return fmt.Errorf("move %s %s: %s %s", e, p, out, out.body)
		}
		if err := w.movedRun(resp.JSON200, w.mine[i:i+1]); err != nil {
			return fmt.Errorf("move %s %s: %w", e, p, err)
		}
		w.mine = w.mine.moved(i, i, p)
		w.answered(all, lo, e, resp.JSON200.MovedElements[0].SequenceNumber, fmt.Sprintf("move %s %s", e, p))
		w.finished(fmt.Sprintf("move %s %s", e, p), e, p.next)

	case k < 75:
		// A run that leaves at least one element of its own outside it to name.
		i := w.rng.IntN(len(w.mine))
		j := i + w.rng.IntN(len(w.mine)-i)
		if i == 0 && j == len(w.mine)-1 {
			j--
		}
		run := slices.Clone(w.mine[i : j+1])
		p := w.neighbourPlace(w.mine.without(i, j))
		resp, out, err := o.move(run[0], &run[len(run)-1], p, w.rng)
		if err != nil {
			return err
		}
		if out.status != http.StatusOK {
			return fmt.Errorf("move %s through %s %s: %s %s", run[0], run[len(run)-1], p, out, out.body)
		}
		if err := w.movedRun(resp.JSON200, run); err != nil {
			return fmt.Errorf("move %s through %s %s: %w", run[0], run[len(run)-1], p, err)
		}
		w.mine = w.mine.moved(i, j, p)
		w.answered(all, lo, run[0], resp.JSON200.MovedElements[0].SequenceNumber, fmt.Sprintf("move %s through %s %s", run[0], run[len(run)-1], p))
		w.finished(fmt.Sprintf("move %s through %s %s", run[0], run[len(run)-1], p), append(run, p.next)...)

	case k < 85:
		i := w.rng.IntN(len(w.mine))
		e := w.mine[i]
		resp, err := o.c.Sequence.ReleasePositionWithResponse(o.ctx, e.Type, e.ID)
		if err != nil {
			return err
		}
		if resp.StatusCode() != http.StatusNoContent {
			return fmt.Errorf("release %s: %d %s", e, resp.StatusCode(), resp.Body)
		}
		w.mine = w.mine.without(i, i)
		w.gone = append(w.gone, e)
		w.finished("release "+e.String(), e)

	case k < 90:
		i := w.rng.IntN(len(w.mine))
		j := i + w.rng.IntN(len(w.mine)-i)
		p := place{kind: placeAfter, next: w.mine[i+w.rng.IntN(j-i+1)]}
		_, out, err := o.move(w.mine[i], &w.mine[j], p, w.rng)
		if err != nil {
			return err
		}
		if out.status != http.StatusConflict || out.code != "NEIGHBOUR_IN_RUN" {
			return fmt.Errorf("move %s through %s %s: want 409 NEIGHBOUR_IN_RUN, got %s %s", w.mine[i], w.mine[j], p, out, out.body)
		}
		w.finished(fmt.Sprintf("refused: move %s through %s %s", w.mine[i], w.mine[j], p))

	case k < 95:
		if len(w.gone) == 0 {
			return nil
		}
		e, p := w.fresh(), place{kind: placeAfter, next: w.gone[w.rng.IntN(len(w.gone))]}
		_, out, err := o.place(e, p)
		if err != nil {
			return err
		}
		if out.status != http.StatusConflict || out.code != "NEIGHBOUR_NOT_FOUND" {
			return fmt.Errorf("insert %s %s: want 409 NEIGHBOUR_NOT_FOUND, got %s %s", e, p, out, out.body)
		}
		w.refused = append(w.refused, e)
		w.finished(fmt.Sprintf("refused: insert %s %s", e, p))

	default:
		i := w.rng.IntN(len(w.mine) - 1)
		j := i + 1 + w.rng.IntN(len(w.mine)-i-1)
		_, out, err := o.move(w.mine[j], &w.mine[i], place{kind: placeAt, at: 1}, w.rng)
		if err != nil {
			return err
		}
		if out.status != http.StatusConflict || out.code != "RUN_REVERSED" {
			return fmt.Errorf("move %s through %s: want 409 RUN_REVERSED, got %s %s", w.mine[j], w.mine[i], out, out.body)
		}
		w.finished(fmt.Sprintf("refused: move %s through %s", w.mine[j], w.mine[i]))
	}
	return nil
}

// numberAnswer is the number an insert or a move answered for an element, with what may explain it:
// the element's index among the writer's own after the request, and the range of states the other
// writers may have had when it committed.
type numberAnswer struct {
	what   string
	number int64
	index  int
	lo, hi []int
}

func completedAll(all []*orderWriter) []int {
	out := make([]int, len(all))
	for n, w := range all {
		out[n] = w.completed()
	}
	return out
}

// answered records the number answered for e, one of the writer's own elements, by a request that
// began when the writers had completed lo operations.
func (w *orderWriter) answered(all []*orderWriter, lo []int, e ref, number int64, what string) {
	hi := completedAll(all)
	for n := range hi {
		hi[n]++
	}
	w.answers = append(w.answers, numberAnswer{what: what, number: number, index: w.mine.index(e), lo: lo, hi: hi})
}

// movedRun checks a move's answer: on consecutive numbers, the run, in order, with strangers'
// elements between its elements when there are strangers (they may put theirs anywhere).
func (w *orderWriter) movedRun(got *sequenceapi.MoveResponse, run orderModel) error {
	var answered orderModel
	for k, m := range got.MovedElements {
		if m.SequenceNumber != got.MovedElements[0].SequenceNumber+int64(k) {
			return fmt.Errorf("moved elements answered on numbers that are not consecutive: %v", got.MovedElements)
		}
		if e := (ref{m.ElementType, m.ElementId}); !w.strangers || w.owns(e) {
			answered = append(answered, e)
		}
	}
	if !slices.Equal(answered, run) {
		return fmt.Errorf("moved elements answered %v for the run %v", got.MovedElements, run)
	}
	return nil
}

// orderStranger inserts and moves elements of its own by number, anywhere in the order.
type orderStranger struct {
	n      int
	rng    *rand.Rand
	mine   []ref
	nextID int64
	log    []string
	done   atomic.Bool
}

// owns: stranger n's elements are scripts from n hundred million on; the fillers are scripts below a
// million.
func (s *orderStranger) owns(e ref) bool {
	return e.Type == sequenceapi.Script && e.ID > int64(s.n)*100_000_000 && e.ID < int64(s.n+1)*100_000_000
}

// step makes one operation; least is fewer than the order ever holds, so numbers up to it are
// always in range.
func (s *orderStranger) step(o *concurrentOrder, least int64) error {
	if s.rng.IntN(2) == 0 || len(s.mine) == 0 {
		s.nextID++
		e := ref{sequenceapi.Script, int64(s.n)*100_000_000 + s.nextID}
		p := place{kind: placeAt, at: 1 + s.rng.Int64N(least+1)}
		if s.rng.IntN(3) == 0 {
			p = place{}
		}
		_, out, err := o.place(e, p)
		if err != nil {
			return err
		}
		if out.status != http.StatusCreated {
			return fmt.Errorf("stranger: insert %s %s: %s %s", e, p, out, out.body)
		}
		s.mine = append(s.mine, e)
		s.log = append(s.log, fmt.Sprintf("stranger %d: insert %s %s", s.n, e, p))
		return nil
	}
	e := s.mine[s.rng.IntN(len(s.mine))]
	p := place{kind: placeAt, at: 1 + s.rng.Int64N(least)}
	_, out, err := o.move(e, nil, p, s.rng)
	if err != nil {
		return err
	}
	if out.status != http.StatusOK {
		return fmt.Errorf("stranger: move %s %s: %s %s", e, p, out, out.body)
	}
	s.log = append(s.log, fmt.Sprintf("stranger %d: move %s %s", s.n, e, p))
	return nil
}

// snapshot is one read of the order while the writers write, with the range of each writer's
// states it may show: from those finished before the read began to one past those finished after.
type snapshot struct {
	page   *sequenceapi.PositionPage
	lo, hi []int
}

func runOrderConcurrent(t *testing.T, strangers bool) {
	ctx := context.Background()
	o := &concurrentOrder{t: t, ctx: ctx, c: newClients(t), scope: "ensemble"}
	rng := orderRand(t)

	// The order starts as fillers, then for each writer its anchor and more fillers: F A1 F A2 … AK F.
	var layout orderModel
	var fillers []orderModel
	nextFiller := int64(0)
	fillerGroup := func() orderModel {
		var g orderModel
		for range fillersPerGap {
			nextFiller++
			g = append(g, ref{sequenceapi.Script, nextFiller})
		}
		return g
	}
	writers := make([]*orderWriter, concurrentWriters)
	fillers = append(fillers, fillerGroup())
	layout = append(layout, fillers[0]...)
	for n := range writers {
		w := &orderWriter{n: n, rng: rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())), strangers: strangers}
		anchor := w.fresh()
		w.mine = orderModel{anchor}
		w.history = []orderModel{slices.Clone(w.mine)}
		writers[n] = w
		g := fillerGroup()
		fillers = append(fillers, g)
		layout = append(append(layout, anchor), g...)
	}
	for i, e := range layout {
		resp, out, err := o.place(e, place{})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, out.status, string(out.body))
		require.EqualValues(t, i+1, resp.JSON201.SequenceNumber)
	}
	var strs []*orderStranger
	if strangers {
		for n := range concurrentStrangers {
			strs = append(strs, &orderStranger{n: n + 1, rng: rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))})
		}
	}
	// Writers keep one element each and nobody releases a filler, so the order never holds fewer.
	least := int64(len(layout))

	var (
		wg      sync.WaitGroup
		done    = make(chan struct{})
		snaps   []snapshot
		readErr error
	)
	go func() {
		defer close(done)
		for {
			s := snapshot{lo: make([]int, len(writers)), hi: make([]int, len(writers))}
			for n, w := range writers {
				s.lo[n] = w.completed()
			}
			page, err := o.positions()
			if err != nil {
				readErr = err
				return
			}
			for n, w := range writers {
				s.hi[n] = w.completed() + 1
			}
			s.page = page
			snaps = append(snaps, s)
			if allDone(writers, strs) {
				return
			}
		}
	}()
	for _, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range concurrentOps {
				if err := w.step(o, writers); err != nil {
					t.Errorf("writer %d after %d operations: %v", w.n, len(w.log), err)
					break
				}
			}
			w.done.Store(true)
		}()
	}
	for _, s := range strs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range concurrentOps {
				if err := s.step(o, least); err != nil {
					t.Errorf("%v", err)
					break
				}
			}
			s.done.Store(true)
		}()
	}
	wg.Wait()
	<-done
	require.NoError(t, readErr)
	t.Cleanup(func() {
		if t.Failed() {
			var all []string
			for _, w := range writers {
				all = append(all, w.log...)
			}
			for _, s := range strs {
				all = append(all, s.log...)
			}
			t.Logf("operations:\n%s", strings.Join(all, "\n"))
		}
	})
	t.Logf("%d writers, %d strangers, %d reads while they wrote", len(writers), len(strs), len(snaps))

	ownerOf := func(e ref) *orderWriter {
		for _, w := range writers {
			if w.owns(e) {
				return w
			}
		}
		return nil
	}
	// Every read while they wrote: dense numbers, and each writer's elements in an order its own
	// requests made, at a time between the start and the end of the read.
	for k, s := range snaps {
		got := positionsModel(t, s.page, fmt.Sprintf("read %d while writing", k), false)
		for n, w := range writers {
			mine := got.filter(func(e ref) bool { return ownerOf(e) == w })
			ok := false
			for i := s.lo[n]; i <= min(s.hi[n], len(w.history)-1); i++ {
				ok = ok || slices.Equal(mine, w.history[i])
			}
			require.True(t, ok, "read %d while writing shows writer %d's elements as %v; it had made states %d to %d of them: %v",
				k, n, mine, s.lo[n], s.hi[n], w.history[s.lo[n]:min(s.hi[n], len(w.history)-1)+1])
		}
		if !strangers {
			requireBlocks(t, got, fillers, writers, s.lo, s.hi, fmt.Sprintf("read %d while writing", k))
		}
	}

	// The end.
	page, err := o.positions()
	require.NoError(t, err)
	final := positionsModel(t, page, "the final order", true)
	for _, w := range writers {
		require.Equal(t, w.mine, final.filter(func(e ref) bool { return ownerOf(e) == w }), "writer %d's elements, in the order its requests made", w.n)
		for _, e := range w.gone {
			require.Equal(t, -1, final.index(e), "writer %d released %s", w.n, e)
		}
		for _, e := range w.refused {
			require.Equal(t, -1, final.index(e), "writer %d's insert of %s was refused", w.n, e)
		}
	}
	for _, s := range strs {
		got := final.filter(s.owns)
		require.ElementsMatch(t, s.mine, got, "stranger %d's elements", s.n)
	}
	require.Equal(t, final.filter(func(e ref) bool { return e.ID < 1_000_000 }), flatten(fillers), "the fillers, in their order")
	want := len(flatten(fillers))
	for _, w := range writers {
		want += len(w.mine)
	}
	for _, s := range strs {
		want += len(s.mine)
	}
	require.Len(t, final, want, "nothing but the acknowledged elements")

	if !strangers {
		expected := slices.Clone(fillers[0])
		for n, w := range writers {
			expected = append(append(expected, w.mine...), fillers[n+1]...)
		}
		require.Equal(t, expected, final, "the final order: every block whole and in its place")
		// An insert next to a neighbour is still there unless a later operation of its writer
		// named, moved, placed or released either of them.
		checked := 0
		for _, w := range writers {
			for _, in := range w.inserts {
				untouched := true
				for _, touched := range w.touched[in.op+1:] {
					untouched = untouched && !touched[in.e] && !touched[in.next]
				}
				if !untouched {
					continue
				}
				i, j := final.index(in.e), final.index(in.next)
				if in.after {
					require.Equal(t, j+1, i, "writer %d inserted %s right after %s", w.n, in.e, in.next)
				} else {
					require.Equal(t, j-1, i, "writer %d inserted %s right before %s", w.n, in.e, in.next)
				}
				checked++
			}
		}
		t.Logf("%d inserts still right next to the neighbour they named", checked)

		// The number an insert or a move answered is the element's number when it committed: the
		// fillers and the blocks before its own, as large as they may then have been, and its
		// place in its own block.
		answers := 0
		for n, w := range writers {
			for _, a := range w.answers {
				least, most := int64((n+1)*fillersPerGap+a.index+1), int64((n+1)*fillersPerGap+a.index+1)
				for d, other := range writers[:n] {
					small, large := math.MaxInt, 0
					for i := a.lo[d]; i <= min(a.hi[d], len(other.history)-1); i++ {
						small, large = min(small, len(other.history[i])), max(large, len(other.history[i]))
					}
					least, most = least+int64(small), most+int64(large)
				}
				require.True(t, a.number >= least && a.number <= most, "writer %d: %s answered number %d; when it committed it was %d to %d",
					n, a.what, a.number, least, most)
				answers++
			}
		}
		t.Logf("%d answered numbers explained", answers)
	}
	checkFinalReads(t, o, final)
}

func allDone(writers []*orderWriter, strs []*orderStranger) bool {
	for _, w := range writers {
		if !w.done.Load() {
			return false
		}
	}
	for _, s := range strs {
		if !s.done.Load() {
			return false
		}
	}
	return true
}

func (m orderModel) filter(keep func(ref) bool) orderModel {
	out := orderModel{}
	for _, e := range m {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

func flatten(groups []orderModel) orderModel {
	out := orderModel{}
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// positionsModel is a page of the whole order as a model, checking that its numbers are 1..N, and
// that no element appears twice, and with counted, that totalCount counts them. (While others
// write, a page's totalCount may be read at another moment than its positions:
// TestOrderPageCountsWhatItLists.)
func positionsModel(t *testing.T, page *sequenceapi.PositionPage, what string, counted bool) orderModel {
	t.Helper()
	m := orderModel{}
	seen := map[ref]bool{}
	for i, p := range page.Positions {
		e := ref{p.ElementType, p.ElementId}
		require.EqualValues(t, i+1, p.SequenceNumber, "%s: the number of %s", what, e)
		require.False(t, seen[e], "%s: %s appears twice", what, e)
		seen[e] = true
		m = append(m, e)
	}
	if counted {
		require.EqualValues(t, len(m), page.TotalCount, "%s: totalCount", what)
	}
	return m
}

// requireBlocks checks an order without strangers: the filler groups whole and in order, and between
// them each writer's elements in one of the states it may show.
func requireBlocks(t *testing.T, got orderModel, fillers []orderModel, writers []*orderWriter, lo, hi []int, what string) {
	t.Helper()
	rest := got
	take := func(g orderModel) {
		require.GreaterOrEqual(t, len(rest), len(g), "%s: ends early", what)
		require.Equal(t, g, rest[:len(g)], "%s: a group of fillers", what)
		rest = rest[len(g):]
	}
	take(fillers[0])
	for n, w := range writers {
		end := slices.Index(rest, fillers[n+1][0])
		require.GreaterOrEqual(t, end, 0, "%s: filler %s is missing", what, fillers[n+1][0])
		block := rest[:end]
		ok := false
		for i := lo[n]; i <= min(hi[n], len(w.history)-1); i++ {
			ok = ok || slices.Equal(block, w.history[i])
		}
		require.True(t, ok, "%s: the block of writer %d is %v", what, n, block)
		rest = rest[end:]
		take(fillers[n+1])
	}
	require.Empty(t, rest, "%s: elements after the last fillers", what)
}

// checkFinalReads compares the other reads of the order with the final order.
func checkFinalReads(t *testing.T, o *concurrentOrder, final orderModel) {
	types := map[sequenceapi.ElementType][]int64{}
	for i, e := range final {
		types[e.Type] = append(types[e.Type], e.ID)
		resp, err := o.c.Sequence.GetElementPositionWithResponse(o.ctx, e.Type, e.ID, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		require.EqualValues(t, i+1, resp.JSON200.SequenceNumber, "read %s", e)
	}
	for typ, ids := range types {
		resp, err := o.c.Sequence.ListElementPositionsWithResponse(o.ctx, typ, &sequenceapi.ListElementPositionsParams{Ids: ids})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		want := final.positions(func(_ int64, e ref) bool { return e.Type == typ })
		require.Len(t, resp.JSON200.Items, len(ids))
		for k, item := range resp.JSON200.Items {
			require.Equal(t, want[k].ElementId, item.ElementId)
			require.Equal(t, want[k].SequenceNumber, item.SequenceNumber, "read %s %d among many", typ, item.ElementId)
		}
		typed, err := o.c.Sequence.ListPositionsWithResponse(o.ctx, &sequenceapi.ListPositionsParams{Scope: o.scope, ElementType: &typ, Limit: new(5000)})
		require.NoError(t, err)
		require.Equal(t, want, typed.JSON200.Positions, "the %s elements", typ)
		require.EqualValues(t, len(want), typed.JSON200.TotalCount)
	}
}
