package scripts

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// ckTitlePage bounds a stored title page. The schema's limits allow more (50 entries of 10,000
// characters), so the check's refusal is an answer, not a fault.
const ckTitlePage = "scripts_title_page_check"

func titlePageTooLarge() *httpapi.Failure {
	return httpapi.Fail(http.StatusBadRequest, httpapi.CodeValidationFailed, "titlePage is too large",
		"body.titlePage: a title page is stored in at most 65536 bytes")
}

// titlePageJSON is an optional title page as the jsonb parameter: nil (SQL NULL) when absent.
func titlePageJSON(p *scriptsapi.TitlePage) ([]byte, error) {
	if p == nil {
		return nil, nil
	}
	b, err := json.Marshal(*p)
	if err != nil {
		return nil, fmt.Errorf("encode title page: %w", err)
	}
	return b, nil
}

// titlePageOf is a stored title page as the optional API field.
func titlePageOf(b []byte) (*scriptsapi.TitlePage, error) {
	if b == nil {
		return nil, nil
	}
	var p scriptsapi.TitlePage
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode stored title page: %w", err)
	}
	return &p, nil
}

// depth is an optional section depth as a nullable SQL parameter; the schema bounds it to 1..6.
func depth(p *scriptsapi.SectionDepth) pgtype.Int2 {
	if p == nil {
		return pgtype.Int2{}
	}
	return pgtype.Int2{Int16: int16(*p), Valid: true}
}

func depthPtr(v pgtype.Int2) *scriptsapi.SectionDepth {
	if !v.Valid {
		return nil
	}
	d := scriptsapi.SectionDepth(v.Int16)
	return &d
}

// orFalse is an optional flag of a create or a replace, where leaving it out means false.
func orFalse(p *bool) bool { return p != nil && *p }

// optBool is an optional flag of a partial update, where leaving it out keeps the stored one.
func optBool(p *bool) pgtype.Bool {
	if p == nil {
		return pgtype.Bool{}
	}
	return pgtype.Bool{Bool: *p, Valid: true}
}
