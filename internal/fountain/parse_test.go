package fountain_test

import "github.com/fountainai/fountainai/internal/fountain"

type parseCase struct {
	name string
	src  string
	want fountain.Document
}

var parseCases = []parseCase{
	{"scene", "INT. HOUSE - DAY\n\nBob.\n", fountain.Document{}},
}

type errorCase struct {
	name string
	src  string
	want fountain.SyntaxError
}

var errorCases = []errorCase{
	{"empty", "", fountain.SyntaxError{Line: 1, Rule: "document", Message: "empty"}},
}
