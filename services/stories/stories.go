package stories

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/fountain"
	"github.com/fountainai/fountainai/internal/fountain/pdf"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// Page sizes: v2's default for the whole story, and the bound of one answer (the spec's maximum).
const (
	defaultStoryLimit = 10
	maxLimit          = 5000
)

// pastAnyStory is an offset beyond the end of every story (no scope holds 2^53 elements). A larger
// offset answers the same empty page, and reading with it instead keeps offset arithmetic from
// overflowing.
const pastAnyStory = 1 << 53

// GetFullStory answers one page of a script's story, in order.
func (s *Server) GetFullStory(ctx context.Context, req storiesapi.GetFullStoryRequestObject) (storiesapi.GetFullStoryResponseObject, error) {
	p := req.Params
	r := request{scriptID: p.ScriptId, limit: defaultStoryLimit, name: p.FilterByCharacter, characterID: p.CharacterId}
	if p.Limit != nil {
		r.limit = *p.Limit
	}
	if p.Offset != nil {
		r.offset = *p.Offset
	}
	media := preferred(ctx)
	if media != "" && p.Limit == nil {
		r.limit, r.whole = wholeStory, true
	}
	st, err := s.assemble(ctx, r)
	if err != nil {
		switch f := failed(err); httpapi.StatusOf(f) {
		case http.StatusNotFound:
			return storiesapi.GetFullStory404JSONResponse{NotFoundJSONResponse: httpapi.Body[storiesapi.NotFoundJSONResponse](f)}, nil
		case http.StatusBadGateway:
			return storiesapi.GetFullStory502JSONResponse{BadGatewayJSONResponse: httpapi.Body[storiesapi.BadGatewayJSONResponse](f)}, nil
		case http.StatusServiceUnavailable:
			return storiesapi.GetFullStory503JSONResponse{UnavailableJSONResponse: unavailable(f)}, nil
		}
		return nil, fmt.Errorf("assemble the story of script %d: %w", r.scriptID, err)
	}
	switch media {
	case mediaFountain:
		doc := fountain.Format(screenplay(st, r.whole && !r.filtered() && r.offset == 0))
		return fountainStory{Body: bytes.NewReader(doc), ContentLength: int64(len(doc))}, nil
	case mediaPDF:
		doc, err := printed(st, r.whole && !r.filtered() && r.offset == 0, pdf.Letter)
		if err != nil {
			return nil, err
		}
		return storiesapi.GetFullStory200ApplicationpdfResponse{Body: bytes.NewReader(doc), ContentLength: int64(len(doc))}, nil
	}
	return fullStory{
		ScriptId:    st.script.ScriptId,
		Title:       st.script.Title,
		Author:      st.script.Author,
		Description: st.script.Description,
		Sections:    st.sections,
		Story:       st.elements,
		TotalCount:  st.total,
		Limit:       r.limit,
		Offset:      r.offset,
	}, nil
}

// GetStorySequences answers the elements of a range of a script's story, in order.
func (s *Server) GetStorySequences(ctx context.Context, req storiesapi.GetStorySequencesRequestObject) (storiesapi.GetStorySequencesResponseObject, error) {
	p := req.Params
	if p.EndSequence < p.StartSequence {
		f := httpapi.Fail(http.StatusBadRequest, codeInvalidRange, "endSequence must not be below startSequence",
			fmt.Sprintf("startSequence %d, endSequence %d", p.StartSequence, p.EndSequence))
		return storiesapi.GetStorySequences400JSONResponse{BadRequestJSONResponse: httpapi.Body[storiesapi.BadRequestJSONResponse](f)}, nil
	}
	r := request{scriptID: p.ScriptId, start: &p.StartSequence, end: &p.EndSequence, limit: maxLimit, name: p.FilterByCharacter, characterID: p.CharacterId}
	if p.Limit != nil {
		r.limit = *p.Limit
	}
	if p.Offset != nil {
		r.offset = *p.Offset
	}
	st, err := s.assemble(ctx, r)
	if err != nil {
		switch f := failed(err); httpapi.StatusOf(f) {
		case http.StatusNotFound:
			return storiesapi.GetStorySequences404JSONResponse{NotFoundJSONResponse: httpapi.Body[storiesapi.NotFoundJSONResponse](f)}, nil
		case http.StatusBadGateway:
			return storiesapi.GetStorySequences502JSONResponse{BadGatewayJSONResponse: httpapi.Body[storiesapi.BadGatewayJSONResponse](f)}, nil
		case http.StatusServiceUnavailable:
			return storiesapi.GetStorySequences503JSONResponse{UnavailableJSONResponse: unavailable(f)}, nil
		}
		return nil, fmt.Errorf("assemble positions %d to %d of script %d: %w", p.StartSequence, p.EndSequence, r.scriptID, err)
	}
	return storySequences{
		ScriptId:      p.ScriptId,
		StartSequence: p.StartSequence,
		EndSequence:   p.EndSequence,
		Sections:      st.sections,
		Sequences:     st.elements,
		TotalCount:    st.total,
		Limit:         r.limit,
		Offset:        r.offset,
	}, nil
}

// failed is the expected failure err stands for, if any: the script is missing, or the story kept
// changing while it was read. Dependency failures are left to the shared error handler
// (httpapi.DependencyFailure).
func failed(err error) *httpapi.Failure {
	var nf *errScriptNotFound
	var ch *storyChanged
	switch {
	case errors.As(err, &nf):
		return httpapi.NotFound(codeScriptNotFound, "script not found", fmt.Sprintf("script %d", nf.id))
	case errors.As(err, &ch) && ch.missing:
		// The order kept naming an element its service does not have: the sequence service
		// contradicts the element's service.
		return httpapi.Fail(http.StatusBadGateway, httpapi.CodeBadGateway, "the sequence service lists an element that does not exist", ch.reason)
	case errors.As(err, &ch):
		return httpapi.Fail(http.StatusServiceUnavailable, codeStoryChanging, "the story kept changing while it was read; retry", ch.reason)
	}
	return nil
}

// unavailable is the 503 of f, with the wait before a retry.
func unavailable(f *httpapi.Failure) storiesapi.UnavailableJSONResponse {
	retry := httpapi.RetryAfter
	return storiesapi.UnavailableJSONResponse{
		Body: httpapi.Body[storiesapi.ErrorResponse](f), Headers: storiesapi.UnavailableResponseHeaders{RetryAfter: &retry},
	}
}

// fullStory and storySequences answer through httpapi.WriteLargeJSON: a page holds up to 5,000
// elements.
type (
	fullStory      storiesapi.GetFullStory200JSONResponse
	storySequences storiesapi.GetStorySequences200JSONResponse
)

func (s fullStory) VisitGetFullStoryResponse(w http.ResponseWriter) error {
	return httpapi.WriteLargeJSON(w, http.StatusOK, storiesapi.GetFullStory200JSONResponse(s))
}

func (s storySequences) VisitGetStorySequencesResponse(w http.ResponseWriter) error {
	return httpapi.WriteLargeJSON(w, http.StatusOK, storiesapi.GetStorySequences200JSONResponse(s))
}

// fountainStory is the story as Fountain with its charset, which the generated answer leaves out.
type fountainStory storiesapi.GetFullStory200TextxFountainResponse

func (f fountainStory) VisitGetFullStoryResponse(w http.ResponseWriter) error {
	return storiesapi.GetFullStory200TextxFountainResponse(f).VisitGetFullStoryResponse(charsetWriter{w})
}
