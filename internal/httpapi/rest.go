package httpapi

import "strconv"

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
