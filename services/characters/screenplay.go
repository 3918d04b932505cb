package characters

import (
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/charactersapi"
)

// The fields that say how a screenplay prints an action or a spoken word are optional in every
// request: a create or a replace that leaves one out gives it its default, which is what every
// element meant before the fields existed, and an update leaves it as it is.

// formatOr is an action's format, `action` when the request leaves it out.
func formatOr(f *charactersapi.ActionFormat) string {
	if f == nil {
		return string(charactersapi.ActionFormatAction)
	}
	return string(*f)
}

// formatIfGiven is an action's format as an update's parameter: NULL keeps the stored one.
func formatIfGiven(f *charactersapi.ActionFormat) pgtype.Text {
	if f == nil {
		return pgtype.Text{}
	}
	return pgtype.Text{String: string(*f), Valid: true}
}

// flag is a flag of a create or a replace: false when the request leaves it out.
func flag(p *bool) bool { return p != nil && *p }

// flagIfGiven is a flag as an update's parameter: NULL keeps the stored one.
func flagIfGiven(p *bool) pgtype.Bool {
	if p == nil {
		return pgtype.Bool{}
	}
	return pgtype.Bool{Bool: *p, Valid: true}
}
