package stories

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// request is what both operations ask for.
type request struct {
	scriptID int64
	// start and end bound the range (getStorySequences); nil for the whole story.
	start, end  *int64
	limit       int
	offset      int64
	name        *string // filterByCharacter
	characterID *int64
	// whole reads every element from offset on (the screenplay exports), however many: limit is
	// then wholeStory.
	whole bool
}

// wholeStory is the limit of a request for the whole story: more than any story holds, and far
// enough from the int64 bound that offset arithmetic cannot overflow.
const wholeStory = 1 << 40

func (r request) filtered() bool { return r.name != nil || r.characterID != nil }

// story is an assembled answer.
type story struct {
	script   *scriptsapi.Script
	sections []storiesapi.SectionHeading
	elements []storiesapi.StoryElement
	total    int64
}

// assemble reads the story; if it changed while it was read (what was read does not fit together),
// it is read again, a bounded number of times, so that a partial or mixed story is never answered.
func (s *Server) assemble(ctx context.Context, req request) (story, error) {
	pause := s.pause
	for attempt := 1; ; attempt++ {
		st, err := s.read(ctx, req)
		var ch *storyChanged
		if !errors.As(err, &ch) || attempt >= s.attempts {
			return st, err
		}
		httpapi.LoggerFrom(ctx).Info("story changed while it was read; reading again",
			slog.Int64("scriptId", req.scriptID), slog.Int("attempt", attempt), slog.String("reason", ch.reason))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return story{}, err
		}
		pause *= 2
	}
}

// read makes one attempt: the script, its headings, transitions, characters and contexts are read at
// the same time as the window of the story order, and the window's actions and spoken words as soon
// as the window is known.
func (s *Server) read(ctx context.Context, req request) (story, error) {
	var (
		script      *scriptsapi.Script
		headings    []scriptsapi.SectionHeading
		transitions map[int64]scriptsapi.Transition
		characters  map[int64]charactersapi.Character
		contexts    []sessionsapi.CharacterContext
		w           window
		r           rows
		below       int64 // positions before the range
	)
	g, gctx := newGroup(ctx)
	g.Go(func() (err error) { script, err = s.script(gctx, req.scriptID); return })
	g.Go(func() (err error) { headings, err = s.sections(gctx, req.scriptID); return })
	g.Go(func() (err error) { transitions, err = s.transitions(gctx, req.scriptID); return })
	g.Go(func() (err error) { characters, err = s.characters(gctx, req.scriptID); return })
	g.Go(func() (err error) { contexts, err = s.contexts(gctx, req.scriptID, req.characterID); return })
	g.Go(func() error {
		var err error
		if req.start != nil {
			if below, err = s.countBefore(gctx, req.scriptID, *req.start); err != nil {
				return err
			}
		}
		// A filter needs every element of the story (or range) to know whose each is; without one,
		// only the page is read.
		from, count := below+min(req.offset, pastAnyStory), int64(req.limit)
		switch {
		case req.filtered():
			from, count = below, -1
		case req.whole:
			count = -1
		}
		lines := s.newLineReader(gctx, req.scriptID)
		w, err = s.readWindow(gctx, req.scriptID, req.end, from, count, lines.read)
		// The lines are waited for even when the window failed: no call outlives the request.
		if got, lerr := lines.wait(); err == nil {
			r, err = got, lerr
		}
		if err != nil {
			return err
		}
		if req.start != nil {
			// The count before the range and the window were two reads: they fit if the window
			// starts at the range (or within it, for a later page).
			if w.hasPrev && (w.positions[0].number < *req.start) != (from == below) {
				return changed("the range moved between two reads")
			}
			if els := w.elements(); len(els) > 0 && els[0].number < *req.start {
				return changed("the range moved between two reads")
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return story{}, err
	}
	if err := s.readLate(ctx, req.scriptID, w, r, transitions, characters); err != nil {
		return story{}, err
	}

	// Every element the order lists must exist in its script (and a transition still hold the
	// position it was listed at); else the story changed between the reads.
	cast := make(map[int64]*storiesapi.Character, len(characters))
	for id, c := range characters {
		cast[id] = &storiesapi.Character{CharacterId: c.CharacterId, Name: c.Name, Description: c.Description}
	}
	placed := make([]element, len(w.positions))
	for i, p := range w.positions {
		e, err := resolve(p, req.scriptID, r, transitions, cast)
		if err != nil {
			return story{}, err
		}
		placed[i] = e
	}
	starts := sectionStarts(placed, w.hasPrev)
	if w.hasPrev {
		placed = placed[1:]
	}

	st := story{script: script, total: max(0, w.total-below)}
	page := placed
	if req.filtered() {
		keep := characterFilter(req, characters)
		page = page[:0:0]
		for _, e := range placed {
			if e.characterID != 0 && keep[e.characterID] {
				page = append(page, e)
			}
		}
		st.total = int64(len(page))
		lo := min(req.offset, int64(len(page)))
		page = page[lo:min(lo+int64(req.limit), int64(len(page)))]
	}

	inForce := contextsInForce(contexts)
	st.elements = make([]storiesapi.StoryElement, len(page))
	for i, e := range page {
		if e.characterID != 0 {
			e.out.Context = inForce(e.characterID, e.out.Sequence)
		}
		st.elements[i] = e.out
	}

	// A section reports its first start between the page's first and last element: under a
	// character filter the page is a later stretch of what was read, where a section may start
	// again after an earlier start outside the page.
	within := map[int64]int64{}
	if len(page) > 0 {
		first, last := page[0].out.Sequence, page[len(page)-1].out.Sequence
		for _, b := range starts {
			if _, ok := within[b.sectionID]; !ok && b.number >= first && b.number <= last {
				within[b.sectionID] = b.number
			}
		}
	}
	st.sections = make([]storiesapi.SectionHeading, len(headings))
	for i, h := range headings {
		st.sections[i] = storiesapi.SectionHeading{
			HeadingId: h.HeadingId, ScriptId: h.ScriptId, Title: h.Title, Sequence: h.SequenceNumber, Kind: h.Kind,
			Description: h.Description, Depth: h.Depth, SceneNumber: h.SceneNumber, Forced: flag(h.Forced),
		}
		if n, ok := within[h.HeadingId]; ok {
			st.sections[i].StartSequence = &n
		}
	}
	return st, nil
}

// readLate adds to transitions and characters those the window names that they do not hold: the
// lists were read at the same time as the window, so a transition, or a character's first line in
// the script, appended between the two reads is in the window and not in the lists. They are read
// by id before deciding that the story changed; what is still missing then is gone, or was never
// there.
func (s *Server) readLate(ctx context.Context, scriptID int64, w window, r rows, transitions map[int64]scriptsapi.Transition, characters map[int64]charactersapi.Character) error {
	var transitionIDs, characterIDs []int64
	wanted := map[int64]bool{}
	for _, p := range w.positions {
		var characterID *int64
		switch p.typ {
		case sequenceapi.Transition:
			if _, ok := transitions[p.id]; !ok {
				transitionIDs = append(transitionIDs, p.id)
			}
		case sequenceapi.Action:
			characterID = r.actions[p.id].CharacterId
		case sequenceapi.SpokenWord:
			characterID = r.spokenWords[p.id].CharacterId
		}
		if characterID == nil || wanted[*characterID] {
			continue
		}
		if _, ok := characters[*characterID]; !ok {
			wanted[*characterID] = true
			characterIDs = append(characterIDs, *characterID)
		}
	}
	var (
		lateTransitions []scriptsapi.Transition
		lateCharacters  []charactersapi.Character
	)
	g, gctx := newGroup(ctx)
	if len(transitionIDs) > 0 {
		g.Go(func() (err error) { lateTransitions, err = s.transitionsByID(gctx, scriptID, transitionIDs); return })
	}
	if len(characterIDs) > 0 {
		g.Go(func() (err error) { lateCharacters, err = s.charactersByID(gctx, characterIDs); return })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, t := range lateTransitions {
		transitions[t.TransitionId] = t
	}
	for _, c := range lateCharacters {
		characters[c.CharacterId] = c
	}
	return nil
}

// element is one resolved story element.
type element struct {
	out         storiesapi.StoryElement
	sectionID   int64 // 0: none
	characterID int64 // 0: none
}

// resolve builds the element at p from what was read, or says why what was read does not fit. The
// rows were read by id after the window, without positions: an element moved since is answered where
// the window placed it, which is the order as it stood when the window was read.
// Elements of one character share its *storiesapi.Character.
func resolve(p position, scriptID int64, r rows, transitions map[int64]scriptsapi.Transition, cast map[int64]*storiesapi.Character) (element, error) {
	var (
		e                  element
		sectionID, charaID *int64
		found              bool
	)
	e.out.Sequence = p.number
	switch p.typ {
	case sequenceapi.Action:
		var a charactersapi.ActionContent
		if a, found = r.actions[p.id]; found {
			sectionID, charaID = a.SectionId, a.CharacterId
			e.out.ElementType = storiesapi.StoryElementElementTypeAction
			e.out.Action = &storiesapi.Action{ActionId: a.ActionId, Description: a.Description, Forced: flag(a.Forced)}
			if a.Format != charactersapi.ActionFormatAction {
				// Sent for the formats a screenplay sets apart: a plain action reads as before.
				format := storiesapi.ActionFormat(a.Format)
				e.out.Action.Format = &format
			}
		}
	case sequenceapi.SpokenWord:
		var l charactersapi.SpokenWordContent
		if l, found = r.spokenWords[p.id]; found {
			sectionID, charaID = l.SectionId, l.CharacterId
			e.out.ElementType = storiesapi.StoryElementElementTypeSpokenWord
			n := p.number
			e.out.SpokenWord = &storiesapi.SpokenWord{
				DialogueId: l.DialogueId, Text: l.Text, Sequence: &n, Parenthetical: l.Parenthetical, Extension: l.Extension,
				Dual: flag(l.Dual), ContinuesDialogue: flag(l.ContinuesDialogue), Lyric: flag(l.Lyric), Forced: flag(l.Forced),
			}
		}
	case sequenceapi.Transition:
		var t scriptsapi.Transition
		if t, found = transitions[p.id]; found {
			if t.SequenceNumber != p.number {
				return e, changed("%s %d moved from %d to %d", p.typ, p.id, p.number, t.SequenceNumber)
			}
			sectionID = t.SectionId
			e.out.ElementType = storiesapi.StoryElementElementTypeTransition
			e.out.Transition = &storiesapi.Transition{TransitionId: t.TransitionId, Text: t.Text, Forced: flag(t.Forced)}
		}
	default:
		// Only actions, spoken words and transitions are placed in a story order.
		return e, fmt.Errorf("a %s in the story order of script %d: %w", p.typ, scriptID, httpapi.UnexpectedResponse(peerSequence, http.StatusOK))
	}
	if !found {
		// listLines leaves out what is gone and what belongs to another script alike.
		return e, &storyChanged{reason: fmt.Sprintf("%s %d at %d is not an element of script %d", p.typ, p.id, p.number, scriptID), missing: true}
	}
	if sectionID != nil {
		e.sectionID = *sectionID
		e.out.SectionId = sectionID
	}
	if charaID != nil {
		c, ok := cast[*charaID]
		if !ok {
			return e, changed("character %d of %s %d was not among the script's characters", *charaID, p.typ, p.id)
		}
		e.characterID = c.CharacterId
		e.out.Character = c
	}
	return e, nil
}

// boundary is a story position where a section starts.
type boundary struct {
	sectionID int64
	number    int64
}

// sectionStarts lists, in story order, where sections start in a stretch of the story order: at an
// element of a section whose predecessor belongs to another section or to none. The first element
// is only the predecessor of the second when hasPrev (it is the element before the stretch); else
// the stretch starts the story (or the character filter's whole read) and its first element starts
// its section. A section whose elements are not contiguous starts more than once.
func sectionStarts(seq []element, hasPrev bool) []boundary {
	var starts []boundary
	for i, e := range seq {
		if hasPrev && i == 0 {
			continue
		}
		if e.sectionID == 0 || (i > 0 && seq[i-1].sectionID == e.sectionID) {
			continue
		}
		starts = append(starts, boundary{sectionID: e.sectionID, number: e.out.Sequence})
	}
	return starts
}

// characterFilter is the set of characters whose elements a filter keeps: by name (ignoring case,
// as Character Management's own name filter) and/or by id, among the script's characters.
func characterFilter(req request, characters map[int64]charactersapi.Character) map[int64]bool {
	keep := map[int64]bool{}
	for id, c := range characters {
		if req.name != nil && !strings.EqualFold(c.Name, *req.name) {
			continue
		}
		if req.characterID != nil && id != *req.characterID {
			continue
		}
		keep[id] = true
	}
	return keep
}

// contextsInForce returns a lookup of the context of a character in force at a story position: the
// one with the greatest startSequence <= the position.
func contextsInForce(contexts []sessionsapi.CharacterContext) func(characterID, at int64) *storiesapi.Context {
	byCharacter := map[int64][]*storiesapi.Context{}
	for _, c := range contexts {
		start := c.StartSequence
		byCharacter[c.CharacterId] = append(byCharacter[c.CharacterId], &storiesapi.Context{
			ContextId: c.ContextId, CharacterId: c.CharacterId, StartSequence: &start, Data: c.Context,
		})
	}
	for _, list := range byCharacter {
		slices.SortFunc(list, func(a, b *storiesapi.Context) int { return cmp.Compare(*a.StartSequence, *b.StartSequence) })
	}
	return func(characterID, at int64) *storiesapi.Context {
		list := byCharacter[characterID]
		i := sort.Search(len(list), func(i int) bool { return *list[i].StartSequence > at })
		if i == 0 {
			return nil
		}
		return list[i-1]
	}
}

// flag is a screenplay mark as the Story Factory answers it: sent when set, absent otherwise, so
// that a story of plain elements reads as before the marks existed.
func flag(set bool) *bool {
	if !set {
		return nil
	}
	return &set
}
