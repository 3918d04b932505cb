package stories

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// The reads of the other services, each in as few calls as their page bounds allow.

// Call bounds of the other services: the most a list returns, and how many positions or lines one
// call reads (the sequence service's positions page and listLines both take a whole story page).
const (
	batch          = 1000
	positionsBatch = 5000
	linesBatch     = 5000
)

const storyScope = "story"

// errScriptNotFound: the script does not exist (or was deleted while the story was read).
type errScriptNotFound struct{ id int64 }

func (e *errScriptNotFound) Error() string { return fmt.Sprintf("script %d not found", e.id) }

// storyChanged: what was read does not fit together, because the story changed while it was read.
// missing marks an element the order lists and its service does not have.
type storyChanged struct {
	reason  string
	missing bool
}

func (e *storyChanged) Error() string { return "the story changed while it was read: " + e.reason }

func changed(format string, args ...any) error {
	return &storyChanged{reason: fmt.Sprintf(format, args...)}
}

// position is one element of the story order.
type position struct {
	typ    sequenceapi.ElementType
	id     int64
	number int64
}

// script reads the script's header.
func (s *Server) script(ctx context.Context, id int64) (*scriptsapi.Script, error) {
	resp, err := s.c.Scripts.GetScriptWithResponse(ctx, id)
	if err != nil {
		return nil, httpapi.DependencyError(peerScripts, err)
	}
	switch {
	case resp.JSON200 != nil:
		return resp.JSON200, nil
	case resp.StatusCode() == http.StatusNotFound:
		return nil, &errScriptNotFound{id}
	}
	return nil, httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
}

// pageAll reads every page of a list, the first alone (it tells the total) and the rest at once.
// page reads the items at offset and returns how many it read and the total.
func pageAll(ctx context.Context, page func(ctx context.Context, offset int64) (n int, total int64, err error)) error {
	n, total, err := page(ctx, 0)
	if err != nil || int64(n) >= total || n == 0 {
		return err
	}
	g, gctx := newGroup(ctx)
	for offset := int64(batch); offset < total; offset += batch {
		g.Go(func() error {
			_, _, err := page(gctx, offset)
			return err
		})
	}
	return g.Wait()
}

// sections reads every section heading of the script, in the order of its headings.
func (s *Server) sections(ctx context.Context, scriptID int64) ([]scriptsapi.SectionHeading, error) {
	col := newCollector[scriptsapi.SectionHeading]()
	err := pageAll(ctx, func(ctx context.Context, offset int64) (int, int64, error) {
		limit := batch
		resp, err := s.c.Scripts.ListSectionHeadingsWithResponse(ctx, scriptID, &scriptsapi.ListSectionHeadingsParams{Limit: &limit, Offset: &offset})
		if err != nil {
			return 0, 0, httpapi.DependencyError(peerScripts, err)
		}
		if resp.StatusCode() == http.StatusNotFound {
			return 0, 0, &errScriptNotFound{scriptID}
		}
		if resp.JSON200 == nil {
			return 0, 0, httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
		}
		col.add(offset, resp.JSON200.Items)
		return len(resp.JSON200.Items), resp.JSON200.TotalCount, nil
	})
	return col.all(), err
}

// joinPages puts pages read at once back in offset order.
func joinPages[T any](pages [][]T, offsets []int64) []T {
	order := make([]int, len(pages))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ { // a handful of pages: insertion sort
		for j := i; j > 0 && offsets[order[j]] < offsets[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	var out []T
	for _, i := range order {
		out = append(out, pages[i]...)
	}
	return out
}

// collector gathers the pages of one list read at once.
type collector[T any] struct {
	mu      sync.Mutex
	pages   [][]T
	offsets []int64
}

func newCollector[T any]() *collector[T] { return &collector[T]{} }

func (c *collector[T]) add(offset int64, items []T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pages = append(c.pages, items)
	c.offsets = append(c.offsets, offset)
}

func (c *collector[T]) all() []T { return joinPages(c.pages, c.offsets) }

// transitions reads every transition of the script with its story position.
func (s *Server) transitions(ctx context.Context, scriptID int64) (map[int64]scriptsapi.Transition, error) {
	col := newCollector[scriptsapi.Transition]()
	err := pageAll(ctx, func(ctx context.Context, offset int64) (int, int64, error) {
		limit := batch
		resp, err := s.c.Scripts.ListTransitionsWithResponse(ctx, scriptID, &scriptsapi.ListTransitionsParams{Limit: &limit, Offset: &offset})
		if err != nil {
			return 0, 0, httpapi.DependencyError(peerScripts, err)
		}
		if resp.StatusCode() == http.StatusNotFound {
			return 0, 0, &errScriptNotFound{scriptID}
		}
		if resp.JSON200 == nil {
			return 0, 0, httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
		}
		col.add(offset, resp.JSON200.Items)
		return len(resp.JSON200.Items), resp.JSON200.TotalCount, nil
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]scriptsapi.Transition{}
	for _, t := range col.all() {
		byID[t.TransitionId] = t
	}
	return byID, nil
}

// characters reads every character that has an action or a spoken word in the script.
func (s *Server) characters(ctx context.Context, scriptID int64) (map[int64]charactersapi.Character, error) {
	col := newCollector[charactersapi.Character]()
	err := pageAll(ctx, func(ctx context.Context, offset int64) (int, int64, error) {
		limit := batch
		resp, err := s.c.Characters.ListCharactersWithResponse(ctx, &charactersapi.ListCharactersParams{ScriptId: &scriptID, Limit: &limit, Offset: &offset})
		if err != nil {
			return 0, 0, httpapi.DependencyError(peerCharacters, err)
		}
		if resp.JSON200 == nil {
			return 0, 0, httpapi.UnexpectedResponse(peerCharacters, resp.StatusCode())
		}
		col.add(offset, resp.JSON200.Items)
		return len(resp.JSON200.Items), resp.JSON200.TotalCount, nil
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]charactersapi.Character{}
	for _, c := range col.all() {
		byID[c.CharacterId] = c
	}
	return byID, nil
}

// contexts reads every character context of the script (of one character, when characterID is set).
func (s *Server) contexts(ctx context.Context, scriptID int64, characterID *int64) ([]sessionsapi.CharacterContext, error) {
	col := newCollector[sessionsapi.CharacterContext]()
	err := pageAll(ctx, func(ctx context.Context, offset int64) (int, int64, error) {
		limit := batch
		resp, err := s.c.Sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{
			ScriptId: &scriptID, CharacterId: characterID, Limit: &limit, Offset: &offset,
		})
		if err != nil {
			return 0, 0, httpapi.DependencyError(peerSessions, err)
		}
		if resp.JSON200 == nil {
			return 0, 0, httpapi.UnexpectedResponse(peerSessions, resp.StatusCode())
		}
		col.add(offset, resp.JSON200.Items)
		return len(resp.JSON200.Items), resp.JSON200.TotalCount, nil
	})
	return col.all(), err
}

// positionsPage reads up to limit positions of the script's story order from offset, only numbers up
// to end when end is set.
func (s *Server) positionsPage(ctx context.Context, scriptID int64, end *int64, offset int64, limit int) ([]position, int64, error) {
	resp, err := s.c.Sequence.ListPositions(ctx, &sequenceapi.ListPositionsParams{
		Scope: storyScope, ScriptId: &scriptID, EndSequence: end, Limit: &limit, Offset: &offset,
	})
	if err != nil {
		return nil, 0, httpapi.DependencyError(peerSequence, err)
	}
	var page sequenceapi.PositionPage
	if err := httpapi.DecodeLargeJSON(peerSequence, resp, http.StatusOK, &page); err != nil {
		return nil, 0, err
	}
	out := make([]position, len(page.Positions))
	for i, p := range page.Positions {
		out[i] = position{typ: p.ElementType, id: p.ElementId, number: p.SequenceNumber}
	}
	return out, page.TotalCount, nil
}

// countBefore counts the story positions below number.
func (s *Server) countBefore(ctx context.Context, scriptID, number int64) (int64, error) {
	if number <= 1 {
		return 0, nil
	}
	end := number - 1
	_, total, err := s.positionsPage(ctx, scriptID, &end, 0, 1)
	return total, err
}

// window is a stretch of the story order: the positions at offsets [from, from+len(elements)) among
// those numbered up to end, and the one just before it (prev), whose section tells whether the first
// element starts a section.
type window struct {
	prev     *position
	elements []position
	total    int64 // positions numbered up to end
}

// readWindow reads the positions at offsets [from, from+count) among those numbered up to end (count
// < 0: to the last), and the one before from. Pages of positionsBatch are read at once, each overlapping the
// one before by an element: if the two reads of that element disagree, or the pages disagree about
// the total, the order changed between the reads and the window is not one state of the story.
func (s *Server) readWindow(ctx context.Context, scriptID int64, end *int64, from, count int64) (window, error) {
	start := from
	if from > 0 {
		start = from - 1
	}
	type chunk struct {
		offset int64
		limit  int
		got    []position
		total  int64
	}
	first := chunk{offset: start, limit: positionsBatch}
	if count >= 0 {
		first.limit = int(min(int64(positionsBatch), from+count-start))
	}
	var err error
	if first.got, first.total, err = s.positionsPage(ctx, scriptID, end, first.offset, first.limit); err != nil {
		return window{}, err
	}
	stop := from + count // offsets [start, stop) are wanted
	if count < 0 || stop > first.total {
		stop = first.total
	}
	chunks := []*chunk{&first}
	for off := start + positionsBatch - 1; off+1 < stop && int64(len(first.got)) == int64(first.limit); off += positionsBatch - 1 {
		chunks = append(chunks, &chunk{offset: off, limit: int(min(int64(positionsBatch), stop-off))})
	}
	g, gctx := newGroup(ctx)
	for _, c := range chunks[1:] {
		g.Go(func() error {
			var err error
			c.got, c.total, err = s.positionsPage(gctx, scriptID, end, c.offset, c.limit)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return window{}, err
	}
	var all []position
	for i, c := range chunks {
		if c.total != first.total {
			return window{}, changed("the story order holds %d and then %d elements", first.total, c.total)
		}
		want := min(int64(c.limit), max(0, first.total-c.offset))
		if int64(len(c.got)) != want {
			return window{}, changed("%d positions from offset %d, expected %d", len(c.got), c.offset, want)
		}
		got := c.got
		if i > 0 {
			if len(got) == 0 || len(all) == 0 || got[0] != all[len(all)-1] {
				return window{}, changed("the element at offset %d moved between two reads", c.offset)
			}
			got = got[1:]
		}
		all = append(all, got...)
	}
	seen := make(map[position]bool, len(all))
	for i, p := range all {
		if i > 0 && p.number <= all[i-1].number {
			return window{}, changed("positions out of order at %d", p.number)
		}
		key := position{typ: p.typ, id: p.id}
		if seen[key] {
			return window{}, changed("%s %d listed twice", p.typ, p.id)
		}
		seen[key] = true
	}
	w := window{elements: all, total: first.total}
	if from > 0 && len(all) > 0 {
		w.prev, w.elements = &all[0], all[1:]
	}
	return w, nil
}

// rows are the stored elements of a window, by id.
type rows struct {
	actions     map[int64]charactersapi.ActionContent
	spokenWords map[int64]charactersapi.SpokenWordContent
}

// readRows reads the actions and spoken words at positions, without their positions (the window
// holds them), up to linesBatch ids a call, all calls at once.
func (s *Server) readRows(ctx context.Context, scriptID int64, positions []position) (rows, error) {
	type call struct{ actionIDs, lineIDs []int64 }
	var calls []*call
	cur := &call{}
	for _, p := range positions {
		if len(cur.actionIDs)+len(cur.lineIDs) == linesBatch {
			calls, cur = append(calls, cur), &call{}
		}
		switch p.typ {
		case sequenceapi.Action:
			cur.actionIDs = append(cur.actionIDs, p.id)
		case sequenceapi.SpokenWord:
			cur.lineIDs = append(cur.lineIDs, p.id)
		}
	}
	if len(cur.actionIDs)+len(cur.lineIDs) > 0 {
		calls = append(calls, cur)
	}
	got := make([]charactersapi.LineContents, len(calls))
	g, gctx := newGroup(ctx)
	for i, c := range calls {
		g.Go(func() error {
			params := &charactersapi.ListLinesParams{ScriptId: scriptID}
			if len(c.actionIDs) > 0 {
				params.ActionIds = &c.actionIDs
			}
			if len(c.lineIDs) > 0 {
				params.DialogueIds = &c.lineIDs
			}
			resp, err := s.c.Characters.ListLines(gctx, params)
			if err != nil {
				return httpapi.DependencyError(peerCharacters, err)
			}
			return httpapi.DecodeLargeJSON(peerCharacters, resp, http.StatusOK, &got[i])
		})
	}
	if err := g.Wait(); err != nil {
		return rows{}, err
	}
	r := rows{actions: map[int64]charactersapi.ActionContent{}, spokenWords: make(map[int64]charactersapi.SpokenWordContent, len(positions))}
	for _, c := range got {
		for _, a := range c.Actions {
			r.actions[a.ActionId] = a
		}
		for _, l := range c.SpokenWords {
			r.spokenWords[l.DialogueId] = l
		}
	}
	return r, nil
}
