package sequence

import (
	"context"
	"errors"
	"fmt"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/write"
)

// CreateVersion stores the element's next version.
func (s *Server) CreateVersion(ctx context.Context, req sequenceapi.CreateVersionRequestObject) (sequenceapi.CreateVersionResponseObject, error) {
	b := req.Body
	resp, err := write.Do(ctx, s.writes, write.Lane{}, sequenceapi.CreateVersion201JSONResponse.VisitCreateVersionResponse,
		func(ctx context.Context, tx *write.Tx) (sequenceapi.CreateVersion201JSONResponse, error) {
			row, err := sequencedb.New(dbx.Interpreted(tx)).VersionCreate(ctx, sequencedb.VersionCreateParams{
				Tenant: auth.Tenant(ctx), ElementType: string(b.ElementType), ElementID: b.ElementId, Data: b.NewVersionData,
			})
			if err != nil {
				return sequenceapi.CreateVersion201JSONResponse{}, err
			}
			return sequenceapi.CreateVersion201JSONResponse{
				Body: sequenceapi.VersionResponse{
					VersionNumber: row.VersionNumber,
					ElementType:   b.ElementType,
					ElementId:     b.ElementId,
					CreatedAt:     row.CreatedAt,
				},
				Headers: sequenceapi.CreateVersion201ResponseHeaders{
					Location: httpapi.Location("sequence", "elements", string(b.ElementType), b.ElementId, "versions", row.VersionNumber),
				},
			}, nil
		})
	if err != nil {
		return nil, fmt.Errorf("create version of %s %d: %w", b.ElementType, b.ElementId, err)
	}
	return resp, nil
}

// ListVersions pages through an element's versions, oldest first.
func (s *Server) ListVersions(ctx context.Context, req sequenceapi.ListVersionsRequestObject) (sequenceapi.ListVersionsResponseObject, error) {
	limit, offset := httpapi.Page(req.Params.Limit, req.Params.Offset)
	typ, tenant := string(req.ElementType), auth.Tenant(ctx)
	rows, err := s.q.VersionListByElement(ctx, sequencedb.VersionListByElementParams{
		Tenant: tenant, ElementType: typ, ElementID: req.ElementId, RowLimit: int64(limit), RowOffset: offset,
	})
	if err != nil {
		return nil, fmt.Errorf("list versions of %s %d: %w", typ, req.ElementId, err)
	}
	total, err := s.q.VersionCountByElement(ctx, tenant, typ, req.ElementId)
	if err != nil {
		return nil, fmt.Errorf("count versions of %s %d: %w", typ, req.ElementId, err)
	}
	page := sequenceapi.VersionPage{
		ElementType: req.ElementType, ElementId: req.ElementId, TotalCount: total, Limit: limit, Offset: offset,
		Versions: make([]sequenceapi.VersionSummary, 0, len(rows)),
	}
	for _, r := range rows {
		page.Versions = append(page.Versions, sequenceapi.VersionSummary{VersionNumber: r.VersionNumber, CreatedAt: r.CreatedAt})
	}
	return sequenceapi.ListVersions200JSONResponse(page), nil
}

// GetVersion reads one version with its data.
func (s *Server) GetVersion(ctx context.Context, req sequenceapi.GetVersionRequestObject) (sequenceapi.GetVersionResponseObject, error) {
	row, err := s.q.VersionGet(ctx, sequencedb.VersionGetParams{
		Tenant: auth.Tenant(ctx), ElementType: string(req.ElementType), ElementID: req.ElementId, VersionNumber: req.VersionNumber,
	})
	if errors.Is(err, dbx.ErrNotFound) {
		f := httpapi.NotFound(httpapi.CodeNotFound, "the element has no such version",
			fmt.Sprintf("%s %d version %d", req.ElementType, req.ElementId, req.VersionNumber))
		return sequenceapi.GetVersion404JSONResponse{NotFoundJSONResponse: httpapi.Body[sequenceapi.NotFoundJSONResponse](f)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read version %d of %s %d: %w", req.VersionNumber, req.ElementType, req.ElementId, err)
	}
	return sequenceapi.GetVersion200JSONResponse{
		ElementType: req.ElementType, ElementId: req.ElementId,
		VersionNumber: row.VersionNumber, CreatedAt: row.CreatedAt, Data: row.Data,
	}, nil
}
