package dbx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// ErrNUL: a string holds U+0000, which PostgreSQL's text and jsonb cannot store.
var ErrNUL = errors.New("strings must not contain the character U+0000")

// StorableJSON encodes a decoded JSON value (numbers as json.Number keep their digits) for a jsonb
// column: ErrNUL if a key or string holds U+0000, else the value without HTML escaping or a
// trailing newline.
func StorableJSON(v any) (json.RawMessage, error) {
	if hasNUL(v) {
		return nil, ErrNUL
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(out.Bytes(), "\n"), nil
}

func hasNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.IndexByte(v, 0) >= 0
	case map[string]any:
		for k, e := range v {
			if strings.IndexByte(k, 0) >= 0 || hasNUL(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasNUL(e) {
				return true
			}
		}
	}
	return false
}
