package characters

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/charactersdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
)

// Actions and spoken words are the two story elements this service keeps. They differ only in their
// text field and their types; how they are created, placed, listed in story order, changed and
// deleted is the same, and lives here once, parameterised by a storyKind.

// storyKind is one kind of story element: actions (R = the row, I = the API item) or spoken words.
type storyKind[R, I any] struct {
	rows elementRows[R, I]
	// original is the kind as an original of paraphrases; a field, not embedded, so that the
	// kind's own operations and its paraphrases' never stand for each other.
	original original
	typ      sequenceapi.ElementType
	// characterFK is the foreign key that refuses an unknown characterId (422 CHARACTER_NOT_FOUND).
	characterFK string
}

// elementRows is what differs between the two kinds' tables: their queries, each of which takes the
// caller's tenant and sees only its rows, what the shared code reads of a row, and the row as the
// API answers with it. actionRows and spokenWordRows implement it.
type elementRows[R, I any] interface {
	get(ctx context.Context, q *charactersdb.Queries, tenant string, id int64) (R, error)
	listByIDs(ctx context.Context, q *charactersdb.Queries, tenant string, ids []int64) ([]R, error)
	list(context.Context, *charactersdb.Queries, listFilter) ([]R, error)
	count(context.Context, *charactersdb.Queries, countFilter) (int64, error)
	idsByFilter(context.Context, *charactersdb.Queries, storyFilter) ([]int64, error)
	remove(context.Context, *charactersdb.Queries, removeTarget) (int64, error)
	removeWhere(context.Context, *charactersdb.Queries, removeFilter) ([]int64, error)

	meta(R) elementMeta
	item(row R, sequenceNumber int64) I
}

// elementMeta is what the shared code reads of a stored element.
type elementMeta struct {
	id, scriptID, version int64
}

// The filters of the list and delete queries; the same shapes as the generated parameters of both
// kinds, so one value converts to either. Tenant is the caller's.
type (
	countFilter struct {
		Tenant      string
		ScriptID    pgtype.Int8
		SectionID   pgtype.Int8
		CharacterID pgtype.Int8
		Ids         []int64
	}
	listFilter struct {
		Tenant      string
		ScriptID    pgtype.Int8
		SectionID   pgtype.Int8
		CharacterID pgtype.Int8
		Ids         []int64
		RowOffset   int64
		RowLimit    int64
	}
	storyFilter struct {
		Tenant      string
		ScriptID    int64
		SectionID   pgtype.Int8
		CharacterID pgtype.Int8
		Ids         []int64
	}
	removeTarget struct {
		Tenant    string
		ID        int64
		IfVersion pgtype.Int8
		Cascade   bool
	}
	removeFilter struct {
		Tenant      string
		ScriptID    pgtype.Int8
		SectionID   pgtype.Int8
		CharacterID pgtype.Int8
	}
)

// listParams are the filters and page of a list request, as both kinds' list operations take them.
type listParams struct {
	scriptID, sectionID, characterID *int64
	ids                              *[]int64
	limit                            *int
	offset                           *int64
}

// paraphrased is the kind as an original of paraphrases; it exists when its row does.
func (k *storyKind[R, I]) paraphrased() original {
	o := k.original
	o.exists = func(q *charactersdb.Queries, ctx context.Context, id int64) error {
		_, err := k.rows.get(ctx, q, auth.Tenant(ctx), id)
		return err
	}
	return o
}

// refused maps a write the character foreign key refused to 422 CHARACTER_NOT_FOUND.
func (k *storyKind[R, I]) refused(err error) *httpapi.Failure {
	if dbx.ConstraintName(err) != k.characterFK {
		return nil
	}
	return httpapi.Fail(http.StatusUnprocessableEntity, codeCharacterNotFound, "the character does not exist", "characterId")
}

// currentVersion reads an element's version, for telling a missing element from a stale If-Match.
func (k *storyKind[R, I]) currentVersion(ctx context.Context, s *Server, id int64) func() (int64, error) {
	return func() (int64, error) {
		row, err := k.rows.get(ctx, s.q, auth.Tenant(ctx), id)
		return k.rows.meta(row).version, err
	}
}

// read returns an element with its story position.
func (k *storyKind[R, I]) read(ctx context.Context, s *Server, id int64) (I, error) {
	var zero I
	row, err := k.rows.get(ctx, s.q, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return zero, notFound(k.original.noun, id)
	} else if err != nil {
		return zero, fmt.Errorf("read %s %d: %w", k.original.noun, id, err)
	}
	return k.withPosition(ctx, s, row)
}

func (k *storyKind[R, I]) withPosition(ctx context.Context, s *Server, row R) (I, error) {
	var zero I
	n, err := s.position(ctx, k.typ, k.rows.meta(row).id)
	if err != nil {
		return zero, err
	}
	return k.rows.item(row, n), nil
}

// create stores a new element where at says in its script's story order (the end when at is
// zero): its row, its position and the request's Idempotency-Key record commit in one transaction
// (write.Do), made together with the other writes at the end of the same story (placement.Lane).
// created is the operation's answer for the new element. A placement that names more than one place
// is a 400 Failure, one the story cannot honour a 409 (placement.Place).
func create[R, I, C any](ctx context.Context, s *Server, k *storyKind[R, I], scriptID int64, sectionID *int64, at placement.At,
	insert func(context.Context, *charactersdb.Queries) (R, error), created func(I) C, render func(C, http.ResponseWriter) error) (C, error) {
	var zero C
	if f := at.Check(); f != nil {
		return zero, f
	}
	if err := s.checkScript(ctx, scriptID); err != nil {
		return zero, err
	}
	if sectionID != nil {
		if err := s.checkSection(ctx, scriptID, *sectionID); err != nil {
			return zero, err
		}
	}
	return write.Do(ctx, s.writes, placement.Lane(scriptID, placement.Story, at), render, func(ctx context.Context, tx *write.Tx) (C, error) {
		row, err := insert(ctx, charactersdb.New(dbx.Interpreted(tx)))
		if err != nil {
			if f := k.refused(err); f != nil {
				return zero, f
			}
			return zero, fmt.Errorf("insert %s: %w", k.original.noun, err)
		}
		n, err := placement.Place(ctx, tx, scriptID, placement.Story, string(k.typ), k.rows.meta(row).id, at)
		if err != nil {
			return zero, err
		}
		return created(k.rows.item(row, n)), nil
	})
}

// update runs write (a replace or a patch with the If-Match condition in its SQL) on element id; a
// new sectionID is checked first, in the element's own script.
func (k *storyKind[R, I]) update(ctx context.Context, s *Server, id int64, sectionID *int64, write func(*charactersdb.Queries) (R, error)) (I, error) {
	var zero I
	if sectionID != nil {
		row, err := k.rows.get(ctx, s.q, auth.Tenant(ctx), id)
		if errors.Is(err, dbx.ErrNotFound) {
			return zero, notFound(k.original.noun, id)
		} else if err != nil {
			return zero, fmt.Errorf("read %s %d: %w", k.original.noun, id, err)
		}
		if err := s.checkSection(ctx, k.rows.meta(row).scriptID, *sectionID); err != nil {
			return zero, err
		}
	}
	row, err := write(s.q)
	if err != nil {
		if f := k.refused(err); f != nil {
			return zero, f
		}
		if errors.Is(err, dbx.ErrNotFound) {
			return zero, whyNoRow(k.original.noun, id, k.currentVersion(ctx, s, id))
		}
		return zero, fmt.Errorf("update %s %d: %w", k.original.noun, id, err)
	}
	return k.withPosition(ctx, s, row)
}

// deleteOne deletes an element (with its paraphrases when cascade) and releases its position, in one
// transaction.
func (k *storyKind[R, I]) deleteOne(ctx context.Context, s *Server, id int64, ifVersion pgtype.Int8, cascade bool) error {
	err := dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		target := removeTarget{Tenant: auth.Tenant(ctx), ID: id, IfVersion: ifVersion, Cascade: cascade}
		if _, err := k.rows.remove(ctx, charactersdb.New(dbx.Interpreted(tx)), target); err != nil {
			return err
		}
		return placement.Release(ctx, tx, string(k.typ), []int64{id})
	})
	switch {
	case errors.Is(err, dbx.ErrNotFound):
		return whyNoRow(k.original.noun, id, k.currentVersion(ctx, s, id))
	case dbx.ConstraintName(err) == k.original.paraphraseFK:
		n, err := s.q.ParaphraseCountByOriginal(ctx, auth.Tenant(ctx), string(k.original.originalType), id)
		if err != nil {
			return fmt.Errorf("count paraphrases of %s %d: %w", k.original.noun, id, err)
		}
		return httpapi.Fail(http.StatusConflict, codeHasDependants, "the "+k.original.noun+" has paraphrases",
			fmt.Sprintf("%d paraphrases; delete with cascade=true to delete them too", n))
	case err != nil:
		return fmt.Errorf("delete %s %d: %w", k.original.noun, id, err)
	}
	return nil
}

// deleteWhere deletes every element matching all the given filters, with their paraphrases and
// their positions, in one transaction.
func (k *storyKind[R, I]) deleteWhere(ctx context.Context, s *Server, scriptID, sectionID, characterID *int64) (int64, error) {
	if scriptID == nil && sectionID == nil && characterID == nil {
		return 0, httpapi.Fail(http.StatusBadRequest, codeFilterRequired, "name at least one filter",
			"scriptId, sectionId or characterId")
	}
	var n int64
	err := dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		ids, err := k.rows.removeWhere(ctx, charactersdb.New(dbx.Interpreted(tx)), removeFilter{
			Tenant: auth.Tenant(ctx), ScriptID: dbx.Int8(scriptID), SectionID: dbx.Int8(sectionID), CharacterID: dbx.Int8(characterID),
		})
		if err != nil {
			return err
		}
		n = int64(len(ids))
		return placement.Release(ctx, tx, string(k.typ), ids)
	})
	if err != nil {
		return 0, fmt.Errorf("delete %ss: %w", k.original.noun, err)
	}
	return n, nil
}

// countFilter is the filters of p as the count query takes them.
func (p listParams) countFilter(tenant string) countFilter {
	f := countFilter{Tenant: tenant, ScriptID: dbx.Int8(p.scriptID), SectionID: dbx.Int8(p.sectionID), CharacterID: dbx.Int8(p.characterID)}
	if p.ids != nil {
		f.Ids = *p.ids
	}
	return f
}

// total counts every match of a list request, for its totalCount.
func (k *storyKind[R, I]) total(ctx context.Context, s *Server, f countFilter) (int64, error) {
	n, err := k.rows.count(ctx, s.q, f)
	if err != nil {
		return 0, fmt.Errorf("count %ss: %w", k.original.noun, err)
	}
	return n, nil
}

// idOrderPage answers a list request not filtered by script: one page of the matches in id order,
// their positions read in one batch lookup.
func (k *storyKind[R, I]) idOrderPage(ctx context.Context, s *Server, p listParams) ([]I, int64, error) {
	limit, offset := httpapi.Page(p.limit, p.offset)
	f := p.countFilter(auth.Tenant(ctx))
	total, err := k.total(ctx, s, f)
	if err != nil {
		return nil, 0, err
	}
	rows, err := k.rows.list(ctx, s.q, listFilter{Tenant: f.Tenant, ScriptID: f.ScriptID, SectionID: f.SectionID, CharacterID: f.CharacterID,
		Ids: f.Ids, RowOffset: offset, RowLimit: int64(limit)})
	if err != nil {
		return nil, 0, fmt.Errorf("list %ss: %w", k.original.noun, err)
	}
	var order []int64
	for _, r := range rows {
		order = append(order, k.rows.meta(r).id)
	}
	numbers, err := s.positions(ctx, k.typ, order)
	if err != nil {
		return nil, 0, err
	}
	if order, err = k.placed(ctx, s, order, numbers); err != nil {
		return nil, 0, err
	}
	return k.inOrder(rows, order, numbers), total, nil
}

// storyOrderPage answers a list request filtered by script: one page of the matches in the
// script's story order.
func (k *storyKind[R, I]) storyOrderPage(ctx context.Context, s *Server, scriptID int64, p listParams) ([]I, int64, error) {
	limit, offset := httpapi.Page(p.limit, p.offset)
	f := p.countFilter(auth.Tenant(ctx))
	total, err := k.total(ctx, s, f)
	if err != nil {
		return nil, 0, err
	}
	var (
		order   []int64         // the page's ids, in story order
		numbers map[int64]int64 // their positions
	)
	if p.sectionID == nil && p.characterID == nil && p.ids == nil {
		order, numbers, err = k.scriptPage(ctx, s, scriptID, limit, offset)
	} else {
		order, numbers, err = k.matchesPage(ctx, s, storyFilter{Tenant: f.Tenant, ScriptID: scriptID, SectionID: f.SectionID, CharacterID: f.CharacterID, Ids: f.Ids}, limit, offset)
	}
	if err != nil {
		return nil, 0, err
	}
	var rows []R
	if len(order) > 0 {
		if rows, err = k.rows.listByIDs(ctx, s.q, f.Tenant, order); err != nil {
			return nil, 0, fmt.Errorf("read %ss: %w", k.original.noun, err)
		}
	}
	return k.inOrder(rows, order, numbers), total, nil
}

// scriptPage is one page of a script's elements of this kind: one page of the sequence service's
// positions.
func (k *storyKind[R, I]) scriptPage(ctx context.Context, s *Server, scriptID int64, limit int, offset int64) ([]int64, map[int64]int64, error) {
	page, err := s.storyPage(ctx, k.typ, scriptID, limit, offset)
	if err != nil {
		return nil, nil, err
	}
	order, numbers := make([]int64, 0, len(page)), make(map[int64]int64, len(page))
	for _, pos := range page {
		order = append(order, pos.ElementId)
		numbers[pos.ElementId] = pos.SequenceNumber
	}
	return order, numbers, nil
}

// matchesPage is one page, in story order, of the elements matching f: the ids of every match, their
// positions in one batch lookup per 1000 ids, sorted and cut to the page.
func (k *storyKind[R, I]) matchesPage(ctx context.Context, s *Server, f storyFilter, limit int, offset int64) ([]int64, map[int64]int64, error) {
	ids, err := k.rows.idsByFilter(ctx, s.q, f)
	if err != nil {
		return nil, nil, fmt.Errorf("list %s ids: %w", k.original.noun, err)
	}
	numbers, err := s.positions(ctx, k.typ, ids)
	if err != nil {
		return nil, nil, err
	}
	if ids, err = k.placed(ctx, s, ids, numbers); err != nil {
		return nil, nil, err
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(numbers[a], numbers[b]) })
	start := min(int64(len(ids)), offset)
	return ids[start : start+min(int64(limit), int64(len(ids))-start)], numbers, nil
}

// inOrder answers with rows in order, each with its position. A position whose row was deleted
// since the positions were read is skipped.
func (k *storyKind[R, I]) inOrder(rows []R, order []int64, numbers map[int64]int64) []I {
	byID := make(map[int64]R, len(rows))
	for _, r := range rows {
		byID[k.rows.meta(r).id] = r
	}
	items := make([]I, 0, len(order))
	for _, id := range order {
		if r, ok := byID[id]; ok {
			items = append(items, k.rows.item(r, numbers[id]))
		}
	}
	return items
}

// placed returns the ids that hold a position in numbers. An element deletes its row and its
// position in one transaction, so one that has none was deleted since its row was read: it is left
// out. One whose row is still there holds no position against the sequence service's contract.
func (k *storyKind[R, I]) placed(ctx context.Context, s *Server, ids []int64, numbers map[int64]int64) ([]int64, error) {
	var unplaced []int64
	for _, id := range ids {
		if _, ok := numbers[id]; !ok {
			unplaced = append(unplaced, id)
		}
	}
	if len(unplaced) == 0 {
		return ids, nil
	}
	still, err := k.rows.listByIDs(ctx, s.q, auth.Tenant(ctx), unplaced)
	if err != nil {
		return nil, fmt.Errorf("read %ss: %w", k.original.noun, err)
	}
	if len(still) > 0 {
		return nil, fmt.Errorf("%s %d holds no story position: %w", k.original.noun, k.rows.meta(still[0]).id, httpapi.UnexpectedResponse(peerSequence, http.StatusOK))
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { _, ok := numbers[id]; return !ok }), nil
}
