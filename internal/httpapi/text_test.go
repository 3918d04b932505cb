package httpapi

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEscapesNUL(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		`{"a":"b"}`:            false,
		`{"a":"\u0000"}`:       true,
		`{"\u0000":1}`:         true,
		`["x","y\u00001"]`:     true,
		`{"a":"\\u0000"}`:      false, // a backslash, then the text u0000
		`{"a":"\\\u0000"}`:     true,  // a backslash, then U+0000
		`{"a":"\\\\u0000"}`:    false,
		`{"a":"\u0001\u0000"}`: true,
		`{"a":"\u00a0\"\n\t"}`: false,
		`{"a":"\uD800\uDC00"}`: false,
		`"\u000"`:              false,
		`"\`:                   false,
	} {
		require.Equal(t, want, escapesNUL([]byte(body)), body)
	}
}
