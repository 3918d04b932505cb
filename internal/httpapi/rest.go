package httpapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// DefaultLimit is the page size of every list that is not given one.
const DefaultLimit = 100

// Page applies the paging defaults every spec declares; the validator has already enforced bounds.
func Page(limit *int, offset *int64) (int, int64) {
	l, o := DefaultLimit, int64(0)
	if limit != nil {
		l = *limit
	}
	if offset != nil {
		o = *offset
	}
	return l, o
}

// ETag is the strong entity tag of a resource version.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// PlacedETag is the strong entity tag of a story element: its representation carries its position,
// which a move changes without a new version, so the tag names both and a conditional read never
// keeps a stale position. If-Match compares the version part only (dbx.IfMatch).
func PlacedETag(version, sequenceNumber int64) string {
	return `"` + strconv.FormatInt(version, 10) + "." + strconv.FormatInt(sequenceNumber, 10) + `"`
}

// Location is the path of a created resource, for the Location header of a 201: its segments,
// each a literal or an identifier, joined under the root.
func Location(segments ...any) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		switch v := s.(type) {
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case string:
			b.WriteString(url.PathEscape(v))
		default:
			b.WriteString(url.PathEscape(fmt.Sprint(v)))
		}
	}
	return b.String()
}
