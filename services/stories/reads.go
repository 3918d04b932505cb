package stories

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/httpapi"
	"golang.org/x/sync/errgroup"
)

// The reads of the other services, each in as few calls as their page bounds allow.

// Call bounds of the other services: the most a list returns, and how many positions or lines one
// call reads (the sequence service's positions page and listLines both take a whole story page).
const (
	batch          = 1000
	positionsBatch = 5000
	linesBatch     = 5000
)

// group runs independent calls at the same time, as errgroup does: an error cancels the group's
// context, so the other calls stop early and a failing dependency answers the request in the time of
// its own call, not of the slowest one.
//
// The exception is a 503 answered by a service we called: it often only relays that service's own
// dependency (with each service its own process and the sequence service down, the scripts service
// answers 503 to the calls that need the order). It neither cancels the others nor wins over their
// failures, so that our own call to the service that is actually down (refused, timed out) gets to
// fail and names it. Waiting costs at most the other calls' time, each bounded by the peer timeout.
type group struct {
	eg      *errgroup.Group
	mu      sync.Mutex
	relayed error // the first relayed 503
}

func newGroup(ctx context.Context) (*group, context.Context) {
	eg, ctx := errgroup.WithContext(ctx)
	return &group{eg: eg}, ctx
}

// Go runs f in its own goroutine.
func (g *group) Go(f func() error) {
	g.eg.Go(func() error {
		err := f()
		if !relayed(err) {
			return err
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.relayed == nil {
			g.relayed = err
		}
		return nil
	})
}

// Wait waits for every call and returns the first error that is not a relayed 503, else the first.
func (g *group) Wait() error {
	if err := g.eg.Wait(); err != nil {
		return err
	}
	return g.relayed
}

// relayed tells whether err is a 503 answered by a service we called, as opposed to a failure of the
// call itself or another answer.
func relayed(err error) bool {
	var f *httpapi.DependencyFailure
	return errors.As(err, &f) && f.Status == http.StatusServiceUnavailable
}

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

// pageAll reads every item of a list: the first page alone (it tells the total), then the rest at
// once. page reads the items at offset and the total.
func pageAll[T any](ctx context.Context, page func(ctx context.Context, offset int64) (items []T, total int64, err error)) ([]T, error) {
	first, total, err := page(ctx, 0)
	if err != nil || int64(len(first)) >= total || len(first) == 0 {
		return first, err
	}
	rest := make([][]T, (total-1)/batch) // the pages after the first, in offset order
	g, gctx := newGroup(ctx)
	for i := range rest {
		g.Go(func() (err error) {
			rest[i], _, err = page(gctx, int64(i+1)*batch)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(append([][]T{first}, rest...)...), nil
}

// sections reads every section heading of the script, in the order of its headings.
func (s *Server) sections(ctx context.Context, scriptID int64) ([]scriptsapi.SectionHeading, error) {
	return pageAll(ctx, func(ctx context.Context, offset int64) ([]scriptsapi.SectionHeading, int64, error) {
		limit := batch
		resp, err := s.c.Scripts.ListSectionHeadingsWithResponse(ctx, scriptID, &scriptsapi.ListSectionHeadingsParams{Limit: &limit, Offset: &offset})
		if err != nil {
			return nil, 0, httpapi.DependencyError(peerScripts, err)
		}
		if resp.StatusCode() == http.StatusNotFound {
			return nil, 0, &errScriptNotFound{scriptID}
		}
		if resp.JSON200 == nil {
			return nil, 0, httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
		}
		return resp.JSON200.Items, resp.JSON200.TotalCount, nil
	})
}

// transitions reads every transition of the script with its story position.
func (s *Server) transitions(ctx context.Context, scriptID int64) (map[int64]scriptsapi.Transition, error) {
	all, err := pageAll(ctx, func(ctx context.Context, offset int64) ([]scriptsapi.Transition, int64, error) {
		limit := batch
		resp, err := s.c.Scripts.ListTransitionsWithResponse(ctx, scriptID, &scriptsapi.ListTransitionsParams{Limit: &limit, Offset: &offset})
		if err != nil {
			return nil, 0, httpapi.DependencyError(peerScripts, err)
		}
		if resp.StatusCode() == http.StatusNotFound {
			return nil, 0, &errScriptNotFound{scriptID}
		}
		if resp.JSON200 == nil {
			return nil, 0, httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
		}
		return resp.JSON200.Items, resp.JSON200.TotalCount, nil
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]scriptsapi.Transition, len(all))
	for _, t := range all {
		byID[t.TransitionId] = t
	}
	return byID, nil
}

// characters reads every character that has an action or a spoken word in the script.
func (s *Server) characters(ctx context.Context, scriptID int64) (map[int64]charactersapi.Character, error) {
	all, err := pageAll(ctx, func(ctx context.Context, offset int64) ([]charactersapi.Character, int64, error) {
		limit := batch
		resp, err := s.c.Characters.ListCharactersWithResponse(ctx, &charactersapi.ListCharactersParams{ScriptId: &scriptID, Limit: &limit, Offset: &offset})
		if err != nil {
			return nil, 0, httpapi.DependencyError(peerCharacters, err)
		}
		if resp.JSON200 == nil {
			return nil, 0, httpapi.UnexpectedResponse(peerCharacters, resp.StatusCode())
		}
		return resp.JSON200.Items, resp.JSON200.TotalCount, nil
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]charactersapi.Character, len(all))
	for _, c := range all {
		byID[c.CharacterId] = c
	}
	return byID, nil
}

// lateTransitionCalls is how many transitions the window names that the list did not hold are read
// one call each; more are read by listing the script's transitions again, a call per 1000.
const lateTransitionCalls = 8

// transitionsByID reads the transitions of ids (those of the script; ids that name none of them are
// left out).
func (s *Server) transitionsByID(ctx context.Context, scriptID int64, ids []int64) ([]scriptsapi.Transition, error) {
	if len(ids) > lateTransitionCalls {
		all, err := s.transitions(ctx, scriptID)
		if err != nil {
			return nil, err
		}
		var out []scriptsapi.Transition
		for _, id := range ids {
			if t, ok := all[id]; ok {
				out = append(out, t)
			}
		}
		return out, nil
	}
	got := make([]*scriptsapi.Transition, len(ids))
	g, gctx := newGroup(ctx)
	for i, id := range ids {
		g.Go(func() error {
			resp, err := s.c.Scripts.GetTransitionWithResponse(gctx, scriptID, id)
			if err != nil {
				return httpapi.DependencyError(peerScripts, err)
			}
			switch {
			case resp.JSON200 != nil:
				got[i] = resp.JSON200
			case resp.StatusCode() != http.StatusNotFound:
				return httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []scriptsapi.Transition
	for _, t := range got {
		if t != nil {
			out = append(out, *t)
		}
	}
	return out, nil
}

// charactersByID reads the characters of ids, up to batch ids a call, all at once (ids that name no
// character are left out).
func (s *Server) charactersByID(ctx context.Context, ids []int64) ([]charactersapi.Character, error) {
	got := make([][]charactersapi.Character, (len(ids)+batch-1)/batch)
	g, gctx := newGroup(ctx)
	for i := range got {
		some := ids[i*batch : min((i+1)*batch, len(ids))]
		g.Go(func() error {
			limit := batch
			resp, err := s.c.Characters.ListCharactersWithResponse(gctx, &charactersapi.ListCharactersParams{Ids: &some, Limit: &limit})
			if err != nil {
				return httpapi.DependencyError(peerCharacters, err)
			}
			if resp.JSON200 == nil {
				return httpapi.UnexpectedResponse(peerCharacters, resp.StatusCode())
			}
			got[i] = resp.JSON200.Items
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(got...), nil
}

// contexts reads every character context of the script (of one character, when characterID is set).
func (s *Server) contexts(ctx context.Context, scriptID int64, characterID *int64) ([]sessionsapi.CharacterContext, error) {
	return pageAll(ctx, func(ctx context.Context, offset int64) ([]sessionsapi.CharacterContext, int64, error) {
		limit := batch
		resp, err := s.c.Sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{
			ScriptId: &scriptID, CharacterId: characterID, Limit: &limit, Offset: &offset,
		})
		if err != nil {
			return nil, 0, httpapi.DependencyError(peerSessions, err)
		}
		if resp.JSON200 == nil {
			return nil, 0, httpapi.UnexpectedResponse(peerSessions, resp.StatusCode())
		}
		return resp.JSON200.Items, resp.JSON200.TotalCount, nil
	})
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

// window is a stretch of the story order: the positions at offsets from on among those numbered up to
// end, preceded, when hasPrev, by the one just before from, whose section tells whether the first
// element starts a section.
type window struct {
	positions []position
	hasPrev   bool
	total     int64 // positions numbered up to end
}

// elements are the window's positions without the one before it.
func (w window) elements() []position {
	if w.hasPrev {
		return w.positions[1:]
	}
	return w.positions
}

// chunkSize is how many positions one call of a window of n reads: a quarter of the window, so the
// calls and the lines read at each run side by side, but not fewer than batch nor more than the
// sequence service's page.
func chunkSize(n int64) int64 {
	return min(int64(positionsBatch), max(int64(batch), (n+windowCalls-1)/windowCalls))
}

// windowCalls is how many calls a window is split into, at most, for reading in parallel.
const windowCalls = 4

// readWindow reads the positions at offsets [from, from+count) among those numbered up to end (count
// < 0: to the last), and the one before from. The window is read in chunks at once, each overlapping
// the one before by an element; joinChunks checks that they are one state of the story order.
// arrived is called with each chunk as it comes, so that what is at those positions can be read
// while the rest of the window is.
func (s *Server) readWindow(ctx context.Context, scriptID int64, end *int64, from, count int64, arrived func([]position)) (window, error) {
	start := from
	if from > 0 {
		start = from - 1
	}
	// plan splits offsets [lo, hi) into overlapping chunks.
	plan := func(lo, hi int64) []*chunk {
		size := chunkSize(hi - lo)
		var out []*chunk
		for off := lo; ; off += size - 1 {
			c := &chunk{offset: off, limit: int(min(size, hi-off))}
			out = append(out, c)
			if off+int64(c.limit) >= hi {
				return out
			}
		}
	}
	fetch := func(chunks []*chunk) error {
		g, gctx := newGroup(ctx)
		for _, c := range chunks {
			g.Go(func() error {
				var err error
				if c.got, c.total, err = s.positionsPage(gctx, scriptID, end, c.offset, c.limit); err == nil {
					arrived(c.got)
				}
				return err
			})
		}
		return g.Wait()
	}

	var chunks []*chunk
	if count >= 0 {
		// The window's extent is known: every chunk is read at once; those past the end come back
		// empty.
		chunks = plan(start, from+count)
		if err := fetch(chunks); err != nil {
			return window{}, err
		}
	} else {
		// To the last: the first chunk tells how many there are.
		chunks = []*chunk{{offset: start, limit: positionsBatch}}
		if err := fetch(chunks); err != nil {
			return window{}, err
		}
		if first := chunks[0]; len(first.got) == first.limit {
			// The last chunk reads past the end the first one counted, so that what is appended
			// meanwhile does not leave the end of the story unread.
			rest := plan(start+int64(first.limit)-1, max(first.total, start+int64(first.limit)))
			if last := rest[len(rest)-1]; last.limit+appendRoom <= positionsBatch {
				last.limit += appendRoom
			} else {
				rest = append(rest, &chunk{offset: last.offset + int64(last.limit) - 1, limit: appendRoom + 1})
			}
			if err := fetch(rest); err != nil {
				return window{}, err
			}
			chunks = append(chunks, rest...)
		}
	}

	all, total, err := joinChunks(chunks, count < 0)
	if err != nil {
		return window{}, err
	}
	return window{positions: all, hasPrev: from > 0 && len(all) > 0, total: total}, nil
}

// appendRoom is how many positions appended while a window to the last is read its last chunk can
// take in beyond the end the first chunk counted.
const appendRoom = batch

// chunk is one read of a window: limit positions from offset, and the total the read counted.
type chunk struct {
	offset int64
	limit  int
	got    []position
	total  int64
}

// joinChunks joins the chunks of a window, in offset order, into one state of the story order and
// its total, or says why they are not one: the chunks were read at once, and the order may have
// changed between their reads.
//
// Each chunk's positions are one statement of the sequence service, so one state of the order; its
// total is counted by another statement of the same call, a moment before or after, and is used
// only where no positions tell it. Across a boundary two chunks both hold the element at the shared
// offset and must agree on it. A delete at or below that offset between the two reads shifts every
// element above it down, so another element is read there: a position is never reused (a new
// element gets a new id and the next number), and however many deletes and appends happen, the
// element at an offset only ever gives way to one read later in the order. An append adds a
// position after every other and changes nothing at a lower offset, so appends alone never fail a
// boundary; they change the totals, which is why the chunks need not agree on them.
//
// The story ends where a chunk's positions stop short of its limit; that chunk's positions tell the
// total. The chunks before it are full, so every boundary up to it is checked; the chunks after it
// start at or past its end, so what they hold was appended after its read, and is left out. The
// window is then the order as the end chunk read it: for an earlier chunk to hold something else,
// an element at or below that chunk's last offset must have been deleted between its read and the
// end chunk's; along the chunks from the one to the other, two neighbours were read on either side
// of that delete, and their boundary, at or above that offset, read two different elements. When
// every chunk is full the window ends before the story does and is, by the same argument, the order
// as the last chunk read it, with that chunk's total, which must count at least the positions it
// read; a window to the last must find the end.
//
// Two cases cannot be told apart from the reads, and are read again: a chunk that finds no element
// at its offset where the chunk before found one (the end crossed their boundary between the two
// reads, backwards by a delete or forwards by an append), and a window starting past the end whose
// total counts elements in it.
//
// A reorder shifts no offset: it exchanges elements, with their numbers, between offsets. One that
// moves an element from one chunk's offsets to another's between their reads lists it twice, which
// is checked last, unless in the same step it moves another into or out of the window instead; then
// the window may mix two states. The totals never showed that either (a reorder keeps them).
func joinChunks(chunks []*chunk, toTheLast bool) ([]position, int64, error) {
	all, total, err := endOfWindow(chunks, toTheLast)
	if err != nil {
		return nil, 0, err
	}
	seen := make(map[position]bool, len(all))
	for i, p := range all {
		if i > 0 && p.number <= all[i-1].number {
			return nil, 0, changed("positions out of order at %d", p.number)
		}
		key := position{typ: p.typ, id: p.id}
		if seen[key] {
			return nil, 0, changed("%s %d listed twice", p.typ, p.id)
		}
		seen[key] = true
	}
	return all, total, nil
}

// endOfWindow joins the chunks across their boundaries up to the end chunk (see joinChunks).
func endOfWindow(chunks []*chunk, toTheLast bool) ([]position, int64, error) {
	var all []position
	for i, c := range chunks {
		if i == 0 {
			all = append(all, c.got...)
		} else {
			// The chunk before is full: it holds the element at this chunk's offset.
			if len(c.got) == 0 {
				return nil, 0, changed("the end of the story moved across offset %d between two reads", c.offset)
			}
			if c.got[0] != all[len(all)-1] {
				return nil, 0, changed("the element at offset %d moved between two reads", c.offset)
			}
			all = append(all, c.got[1:]...)
		}
		if len(c.got) < c.limit {
			if len(c.got) == 0 && c.total > c.offset {
				return nil, 0, changed("%d positions counted, none from offset %d", c.total, c.offset)
			}
			if len(c.got) == 0 {
				return all, c.total, nil
			}
			return all, c.offset + int64(len(c.got)), nil
		}
	}
	last := chunks[len(chunks)-1]
	switch {
	case toTheLast:
		return nil, 0, changed("the story grew by more than %d positions while it was read", appendRoom)
	case last.total < last.offset+int64(last.limit):
		return nil, 0, changed("%d positions counted, %d read up to offset %d", last.total, last.limit, last.offset)
	}
	return all, last.total, nil
}

// rows are the stored elements of a window, by id.
type rows struct {
	actions     map[int64]charactersapi.ActionContent
	spokenWords map[int64]charactersapi.SpokenWordContent
}

// lineReader reads the actions and spoken words at positions (without their positions: the window
// holds them) while the rest of the window is still being read: each read runs at once, up to
// linesBatch ids a call.
type lineReader struct {
	s        *Server
	scriptID int64
	g        *group
	ctx      context.Context
	mu       sync.Mutex
	got      []charactersapi.LineContents
}

func (s *Server) newLineReader(ctx context.Context, scriptID int64) *lineReader {
	g, gctx := newGroup(ctx)
	return &lineReader{s: s, scriptID: scriptID, g: g, ctx: gctx}
}

// read starts reading what is at positions.
func (l *lineReader) read(positions []position) {
	var actionIDs, lineIDs []int64
	flush := func() {
		if len(actionIDs)+len(lineIDs) == 0 {
			return
		}
		params := &charactersapi.ListLinesParams{ScriptId: l.scriptID}
		if ids := actionIDs; len(ids) > 0 {
			params.ActionIds = &ids
		}
		if ids := lineIDs; len(ids) > 0 {
			params.DialogueIds = &ids
		}
		actionIDs, lineIDs = nil, nil
		l.g.Go(func() error {
			resp, err := l.s.c.Characters.ListLines(l.ctx, params)
			if err != nil {
				return httpapi.DependencyError(peerCharacters, err)
			}
			var got charactersapi.LineContents
			if err := httpapi.DecodeLargeJSON(peerCharacters, resp, http.StatusOK, &got); err != nil {
				return err
			}
			l.mu.Lock()
			l.got = append(l.got, got)
			l.mu.Unlock()
			return nil
		})
	}
	for _, p := range positions {
		switch p.typ {
		case sequenceapi.Action:
			actionIDs = append(actionIDs, p.id)
		case sequenceapi.SpokenWord:
			lineIDs = append(lineIDs, p.id)
		}
		if len(actionIDs)+len(lineIDs) == linesBatch {
			flush()
		}
	}
	flush()
}

// wait returns what every read found, by id.
func (l *lineReader) wait() (rows, error) {
	if err := l.g.Wait(); err != nil {
		return rows{}, err
	}
	r := rows{actions: map[int64]charactersapi.ActionContent{}, spokenWords: map[int64]charactersapi.SpokenWordContent{}}
	for _, c := range l.got {
		for _, a := range c.Actions {
			r.actions[a.ActionId] = a
		}
		for _, w := range c.SpokenWords {
			r.spokenWords[w.DialogueId] = w
		}
	}
	return r, nil
}
