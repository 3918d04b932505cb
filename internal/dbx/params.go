package dbx

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// Int8 is an optional API id as a nullable SQL parameter.
func Int8(p *int64) pgtype.Int8 {
	if p == nil {
		return pgtype.Int8{}
	}
	return pgtype.Int8{Int64: *p, Valid: true}
}

// Text is an optional API string as a nullable SQL parameter.
func Text(p *string) pgtype.Text {
	if p == nil {
		return pgtype.Text{}
	}
	return pgtype.Text{String: *p, Valid: true}
}

// Int8Ptr is a nullable SQL integer as an optional API field.
func Int8Ptr(v pgtype.Int8) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

// TextPtr is a nullable SQL text as an optional API field.
func TextPtr(v pgtype.Text) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

// IfMatch turns an If-Match header into the version the SQL guard compares against: NULL (no header,
// or `*`) matches any version. The validator has checked the header's form (`"N"`, a story
// element's `"N.P"` (httpapi.PlacedETag) whose position P is not compared, or, where a spec allows
// it, a bare N). Digits beyond int64 name no version that can exist, so they become -1, which never
// matches.
func IfMatch(h *string) pgtype.Int8 {
	if h == nil || *h == "*" {
		return pgtype.Int8{}
	}
	version, _, _ := strings.Cut(strings.Trim(*h, `"`), ".")
	v, err := strconv.ParseInt(version, 10, 64)
	if err != nil {
		v = -1
	}
	return pgtype.Int8{Int64: v, Valid: true}
}
