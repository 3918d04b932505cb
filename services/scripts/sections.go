package scripts

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/scriptsdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
)

func sectionBody(r scriptsdb.ScriptsSection, number int64) scriptsapi.SectionHeading {
	return scriptsapi.SectionHeading{
		HeadingId: r.ID, ScriptId: r.ScriptID, Title: r.Title,
		Description: dbx.TextPtr(r.Description), Kind: dbx.TextPtr(r.Kind),
		Depth: depthPtr(r.Depth), SceneNumber: dbx.TextPtr(r.SceneNumber), Forced: r.Forced,
		SequenceNumber: number, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// sectionNotFound names what is missing when a heading of a script was not found: the script or
// the heading.
func (s *Server) sectionNotFound(ctx context.Context, scriptID, sectionID int64) (scriptsapi.NotFoundJSONResponse, error) {
	exists, err := s.scriptExists(ctx, scriptID)
	if err != nil {
		return scriptsapi.NotFoundJSONResponse{}, err
	}
	if !exists {
		return scriptNotFound(scriptID), nil
	}
	return notFound(codeSectionNotFound, "section heading not found", fmt.Sprintf("section %d of script %d", sectionID, scriptID)), nil
}

func (s *Server) scriptExists(ctx context.Context, id int64) (bool, error) {
	_, err := s.q.ScriptGetByID(ctx, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("read script %d: %w", id, err)
	}
	return true, nil
}

// sectionNumber reads the current number of a heading just read or written; missing is the 404 answer
// when the heading was deleted meanwhile.
func (s *Server) sectionNumber(ctx context.Context, row scriptsdb.ScriptsSection) (number int64, missing *scriptsapi.NotFoundJSONResponse, err error) {
	number, deleted, err := s.numberOf(ctx, sectionElement, row.ID, func() (bool, error) {
		_, err := s.q.SectionGetByID(ctx, auth.Tenant(ctx), row.ScriptID, row.ID)
		if errors.Is(err, dbx.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil || !deleted {
		return number, nil, err
	}
	resp, err := s.sectionNotFound(ctx, row.ScriptID, row.ID)
	return 0, &resp, err
}

// AddSectionHeading stores a heading among the script's sections: at the end, or where the request
// places it.
func (s *Server) AddSectionHeading(ctx context.Context, req scriptsapi.AddSectionHeadingRequestObject) (scriptsapi.AddSectionHeadingResponseObject, error) {
	b, tenant := req.Body, auth.Tenant(ctx)
	resp, err := createPositioned(ctx, s, sectionElement, req.ScriptId, placement.Of(b.Before, b.After, b.AtSequence),
		func(ctx context.Context, q *scriptsdb.Queries) (scriptsdb.ScriptsSection, int64, error) {
			row, err := q.SectionCreate(ctx, scriptsdb.SectionCreateParams{
				Tenant: tenant, ScriptID: req.ScriptId, Title: b.Title, Description: dbx.Text(b.Description), Kind: dbx.Text(b.Kind),
				Depth: depth(b.Depth), SceneNumber: dbx.Text(b.SceneNumber), Forced: orFalse(b.Forced),
			})
			return row, row.ID, err
		},
		func(row scriptsdb.ScriptsSection, number int64) scriptsapi.AddSectionHeading201JSONResponse {
			return scriptsapi.AddSectionHeading201JSONResponse{
				Body: sectionBody(row, number), Headers: scriptsapi.AddSectionHeading201ResponseHeaders{
					ETag: httpapi.PlacedETag(row.Version, number), Location: httpapi.Location("scripts", row.ScriptID, "sections", row.ID),
				},
			}
		},
		scriptsapi.AddSectionHeading201JSONResponse.VisitAddSectionHeadingResponse)
	if dbx.ConstraintName(err) == fkSectionScript {
		return scriptsapi.AddSectionHeading404JSONResponse{NotFoundJSONResponse: scriptNotFound(req.ScriptId)}, nil
	}
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, fmt.Errorf("add section heading to script %d: %w", req.ScriptId, err)
	case f == nil:
		return resp, nil
	case f.Status == http.StatusBadRequest:
		return scriptsapi.AddSectionHeading400JSONResponse{BadRequestJSONResponse: httpapi.Body[scriptsapi.BadRequestJSONResponse](f)}, nil
	case f.Status == http.StatusConflict:
		return scriptsapi.AddSectionHeading409JSONResponse{PlacementConflictJSONResponse: placementConflict(f)}, nil
	}
	return nil, f.Unexpected()
}

// ListSectionHeadings pages through a script's headings in order: one call for the page of
// positions, one query for those headings.
func (s *Server) ListSectionHeadings(ctx context.Context, req scriptsapi.ListSectionHeadingsRequestObject) (scriptsapi.ListSectionHeadingsResponseObject, error) {
	limit, offset := httpapi.Page(req.Params.Limit, req.Params.Offset)
	page, err := s.positions(ctx, sectionElement, req.ScriptId, limit, offset)
	if err != nil {
		return nil, err
	}
	rows, err := s.q.SectionListByIDs(ctx, page.ids, auth.Tenant(ctx), req.ScriptId)
	if err != nil {
		return nil, fmt.Errorf("read section headings of script %d: %w", req.ScriptId, err)
	}
	if len(rows) == 0 {
		// Only an empty page needs to tell an unknown script from one without headings.
		if exists, err := s.scriptExists(ctx, req.ScriptId); err != nil {
			return nil, err
		} else if !exists {
			return scriptsapi.ListSectionHeadings404JSONResponse{NotFoundJSONResponse: scriptNotFound(req.ScriptId)}, nil
		}
	}
	out := scriptsapi.SectionHeadingPage{Items: make([]scriptsapi.SectionHeading, 0, len(rows)), TotalCount: page.total, Limit: limit, Offset: offset}
	for _, r := range rows {
		out.Items = append(out.Items, sectionBody(r, page.numbers[r.ID]))
	}
	return scriptsapi.ListSectionHeadings200JSONResponse(out), nil
}

// GetSectionHeading reads one heading with its current number.
func (s *Server) GetSectionHeading(ctx context.Context, req scriptsapi.GetSectionHeadingRequestObject) (scriptsapi.GetSectionHeadingResponseObject, error) {
	row, err := s.q.SectionGetByID(ctx, auth.Tenant(ctx), req.ScriptId, req.SectionId)
	if errors.Is(err, dbx.ErrNotFound) {
		resp, err := s.sectionNotFound(ctx, req.ScriptId, req.SectionId)
		if err != nil {
			return nil, err
		}
		return scriptsapi.GetSectionHeading404JSONResponse{NotFoundJSONResponse: resp}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read section %d: %w", req.SectionId, err)
	}
	number, missing, err := s.sectionNumber(ctx, row)
	if err != nil {
		return nil, err
	}
	if missing != nil {
		return scriptsapi.GetSectionHeading404JSONResponse{NotFoundJSONResponse: *missing}, nil
	}
	return scriptsapi.GetSectionHeading200JSONResponse{
		Body: sectionBody(row, number), Headers: scriptsapi.GetSectionHeading200ResponseHeaders{ETag: httpapi.PlacedETag(row.Version, number)},
	}, nil
}

// sectionWriteMissed tells why a conditional write of a heading changed no row: missing (not-found
// answer) or at another version (current).
func (s *Server) sectionWriteMissed(ctx context.Context, q *scriptsdb.Queries, scriptID, sectionID int64) (missing *scriptsapi.NotFoundJSONResponse, current int64, err error) {
	row, err := q.SectionGetByID(ctx, auth.Tenant(ctx), scriptID, sectionID)
	if errors.Is(err, dbx.ErrNotFound) {
		resp, err := s.sectionNotFound(ctx, scriptID, sectionID)
		return &resp, 0, err
	} else if err != nil {
		return nil, 0, fmt.Errorf("read section %d: %w", sectionID, err)
	}
	return nil, row.Version, nil
}

// UpdateSectionHeading replaces every field of a heading (PUT); its position does not change.
func (s *Server) UpdateSectionHeading(ctx context.Context, req scriptsapi.UpdateSectionHeadingRequestObject) (scriptsapi.UpdateSectionHeadingResponseObject, error) {
	b := req.Body
	row, err := s.q.SectionReplace(ctx, scriptsdb.SectionReplaceParams{
		Tenant: auth.Tenant(ctx), ScriptID: req.ScriptId, ID: req.SectionId, IfVersion: dbx.IfMatch(req.Params.IfMatch),
		Title: b.Title, Description: dbx.Text(b.Description), Kind: dbx.Text(b.Kind),
		Depth: depth(b.Depth), SceneNumber: dbx.Text(b.SceneNumber), Forced: orFalse(b.Forced),
	})
	if errors.Is(err, dbx.ErrNotFound) {
		missing, current, err := s.sectionWriteMissed(ctx, s.q, req.ScriptId, req.SectionId)
		switch {
		case err != nil:
			return nil, err
		case missing != nil:
			return scriptsapi.UpdateSectionHeading404JSONResponse{NotFoundJSONResponse: *missing}, nil
		}
		return scriptsapi.UpdateSectionHeading412JSONResponse{PreconditionFailedJSONResponse: stale(current)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("replace section %d: %w", req.SectionId, err)
	}
	number, missing, err := s.sectionNumber(ctx, row)
	if err != nil {
		return nil, err
	}
	if missing != nil {
		return scriptsapi.UpdateSectionHeading404JSONResponse{NotFoundJSONResponse: *missing}, nil
	}
	return scriptsapi.UpdateSectionHeading200JSONResponse{
		Body: sectionBody(row, number), Headers: scriptsapi.UpdateSectionHeading200ResponseHeaders{ETag: httpapi.PlacedETag(row.Version, number)},
	}, nil
}

// PatchSectionHeading changes the fields that are sent.
func (s *Server) PatchSectionHeading(ctx context.Context, req scriptsapi.PatchSectionHeadingRequestObject) (scriptsapi.PatchSectionHeadingResponseObject, error) {
	b := req.Body
	row, err := s.q.SectionPatch(ctx, scriptsdb.SectionPatchParams{
		Tenant: auth.Tenant(ctx), ScriptID: req.ScriptId, ID: req.SectionId, IfVersion: dbx.IfMatch(req.Params.IfMatch),
		Title: dbx.Text(b.Title), Description: dbx.Text(b.Description), Kind: dbx.Text(b.Kind),
		Depth: depth(b.Depth), SceneNumber: dbx.Text(b.SceneNumber), Forced: optBool(b.Forced),
	})
	if errors.Is(err, dbx.ErrNotFound) {
		missing, current, err := s.sectionWriteMissed(ctx, s.q, req.ScriptId, req.SectionId)
		switch {
		case err != nil:
			return nil, err
		case missing != nil:
			return scriptsapi.PatchSectionHeading404JSONResponse{NotFoundJSONResponse: *missing}, nil
		}
		return scriptsapi.PatchSectionHeading412JSONResponse{PreconditionFailedJSONResponse: stale(current)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("update section %d: %w", req.SectionId, err)
	}
	number, missing, err := s.sectionNumber(ctx, row)
	if err != nil {
		return nil, err
	}
	if missing != nil {
		return scriptsapi.PatchSectionHeading404JSONResponse{NotFoundJSONResponse: *missing}, nil
	}
	return scriptsapi.PatchSectionHeading200JSONResponse{
		Body: sectionBody(row, number), Headers: scriptsapi.PatchSectionHeading200ResponseHeaders{ETag: httpapi.PlacedETag(row.Version, number)},
	}, nil
}

const sectionHasDependants = "the section heading has dependants; move or delete them first"

// DeleteSectionHeading deletes a heading that nothing names and releases its position.
func (s *Server) DeleteSectionHeading(ctx context.Context, req scriptsapi.DeleteSectionHeadingRequestObject) (scriptsapi.DeleteSectionHeadingResponseObject, error) {
	scriptID, id, tenant := req.ScriptId, req.SectionId, auth.Tenant(ctx)
	want := dbx.IfMatch(req.Params.IfMatch)
	missing, current, err := s.sectionWriteMissed(ctx, s.q, scriptID, id)
	switch {
	case err != nil:
		return nil, err
	case missing != nil:
		return scriptsapi.DeleteSectionHeading404JSONResponse{NotFoundJSONResponse: *missing}, nil
	case !matches(want, current):
		return scriptsapi.DeleteSectionHeading412JSONResponse{PreconditionFailedJSONResponse: stale(current)}, nil
	}
	counts, err := s.sectionDependants(ctx, scriptID, id)
	if err != nil {
		return nil, err
	}
	if anyDependants(counts) {
		return scriptsapi.DeleteSectionHeading409JSONResponse{HasDependantsJSONResponse: hasDependants(sectionHasDependants, counts)}, nil
	}
	err = s.deletePositioned(ctx, sectionElement, id, func(ctx context.Context, q *scriptsdb.Queries) error {
		_, err := q.SectionDelete(ctx, scriptsdb.SectionDeleteParams{Tenant: tenant, ScriptID: scriptID, ID: id, IfVersion: want})
		if dbx.ConstraintName(err) == fkTransitionSect {
			// A transition was given this heading after the dependants were counted.
			return httpapi.Fail(http.StatusConflict, codeHasDependants, sectionHasDependants, "a transition was added to it meanwhile")
		}
		if !errors.Is(err, dbx.ErrNotFound) {
			return err
		}
		// Deleted or changed since it was read above.
		missing, current, err := s.sectionWriteMissed(ctx, q, scriptID, id)
		switch {
		case err != nil:
			return err
		case missing != nil:
			return failureOf(http.StatusNotFound, scriptsapi.ErrorResponse(*missing))
		}
		return failureOf(http.StatusPreconditionFailed, scriptsapi.ErrorResponse(stale(current)))
	})
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, fmt.Errorf("delete section %d: %w", id, err)
	case f == nil:
		return scriptsapi.DeleteSectionHeading204Response{}, nil
	case f.Status == http.StatusConflict:
		return scriptsapi.DeleteSectionHeading409JSONResponse{HasDependantsJSONResponse: httpapi.Body[scriptsapi.HasDependantsJSONResponse](f)}, nil
	case f.Status == http.StatusNotFound:
		return scriptsapi.DeleteSectionHeading404JSONResponse{NotFoundJSONResponse: httpapi.Body[scriptsapi.NotFoundJSONResponse](f)}, nil
	case f.Status == http.StatusPreconditionFailed:
		return scriptsapi.DeleteSectionHeading412JSONResponse{PreconditionFailedJSONResponse: httpapi.Body[scriptsapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// sectionDependants counts what names a heading as its section: transitions here, actions and spoken
// words in Character Management.
func (s *Server) sectionDependants(ctx context.Context, scriptID, id int64) ([]dependantCount, error) {
	transitions, err := s.q.SectionDependantCount(ctx, auth.Tenant(ctx), scriptID, id)
	if err != nil {
		return nil, fmt.Errorf("count dependants of section %d: %w", id, err)
	}
	one := 1
	actions, err := s.chars.ListActionsWithResponse(ctx, &charactersapi.ListActionsParams{ScriptId: &scriptID, SectionId: &id, Limit: &one})
	if err != nil {
		return nil, httpapi.DependencyError(peerCharacters, err)
	}
	if actions.JSON200 == nil {
		return nil, httpapi.UnexpectedResponse(peerCharacters, actions.StatusCode())
	}
	words, err := s.chars.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID, SectionId: &id, Limit: &one})
	if err != nil {
		return nil, httpapi.DependencyError(peerCharacters, err)
	}
	if words.JSON200 == nil {
		return nil, httpapi.UnexpectedResponse(peerCharacters, words.StatusCode())
	}
	return []dependantCount{
		{"transitions", transitions},
		{"spokenWords", words.JSON200.TotalCount},
		{"actions", actions.JSON200.TotalCount},
	}, nil
}

// ReorderSectionHeadings forwards a reorder of the script's headings to the sequence service and
// answers its refusals with the same status and error.
func (s *Server) ReorderSectionHeadings(ctx context.Context, req scriptsapi.ReorderSectionHeadingsRequestObject) (scriptsapi.ReorderSectionHeadingsResponseObject, error) {
	scriptID := req.ScriptId
	if exists, err := s.scriptExists(ctx, scriptID); err != nil {
		return nil, err
	} else if !exists {
		return scriptsapi.ReorderSectionHeadings404JSONResponse{NotFoundJSONResponse: scriptNotFound(scriptID)}, nil
	}
	items := make([]sequenceapi.ReorderItem, len(req.Body.Elements))
	for i, e := range req.Body.Elements {
		items[i] = sequenceapi.ReorderItem{ElementId: e.HeadingId, NewSequence: e.NewSequence}
	}
	scope := string(placement.Sections)
	resp, err := s.seq.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.Section, Elements: items, ScriptId: &scriptID, Scope: &scope,
	})
	if err != nil {
		return nil, httpapi.DependencyError(peerSequence, err)
	}
	switch {
	case resp.JSON200 != nil:
		out := scriptsapi.SectionReorderResponse{ScriptId: scriptID, UpdatedElements: make([]scriptsapi.SectionReorderResult, 0, len(resp.JSON200.UpdatedElements))}
		for _, u := range resp.JSON200.UpdatedElements {
			out.UpdatedElements = append(out.UpdatedElements, scriptsapi.SectionReorderResult{HeadingId: u.ElementId, NewSequence: u.NewSequence})
		}
		return scriptsapi.ReorderSectionHeadings200JSONResponse(out), nil
	case resp.JSON400 != nil:
		return scriptsapi.ReorderSectionHeadings400JSONResponse{BadRequestJSONResponse: scriptsapi.BadRequestJSONResponse(*resp.JSON400)}, nil
	case resp.JSON404 != nil:
		return scriptsapi.ReorderSectionHeadings404JSONResponse{NotFoundJSONResponse: scriptsapi.NotFoundJSONResponse(*resp.JSON404)}, nil
	case resp.JSON409 != nil:
		return scriptsapi.ReorderSectionHeadings409JSONResponse{SequenceConflictJSONResponse: scriptsapi.SequenceConflictJSONResponse(*resp.JSON409)}, nil
	}
	return nil, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
}
