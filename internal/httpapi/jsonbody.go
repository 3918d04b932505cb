package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// MaxJSONDepth bounds how deeply arrays and objects may nest in a request body. What reads a body
// after this check (the spec validator, which also prints the value into its errors, and the
// decoders) takes time growing with the square of the depth: a 200 KB body of brackets costs
// minutes of CPU. Real bodies nest a few levels (a Kong log object about five, a character's context
// as deep as its writer likes, inside a body one or two deep), so 64 leaves them ample room.
const MaxJSONDepth = 64

// CheckJSONBody reads every JSON request body (application/json or a +json type) once, before the
// validator and the handlers decode it, and answers 400 to one that is not a single JSON text
// (RFC 8259) the services can store:
//
//   - MALFORMED_JSON when it is not exactly one JSON value with only whitespace around it, nests
//     arrays and objects deeper than MaxJSONDepth, holds bytes that are not UTF-8 (RFC 8259, section
//     8.1) or escapes half of a UTF-16 surrogate pair (not a character; RFC 8259, section 8.2). The
//     decoders downstream would ignore what follows the value and read the bad text as U+FFFD, so
//     the client would get a 201 for text other than it sent.
//   - VALIDATION_FAILED when it is JSON but a string or key holds U+0000, which PostgreSQL's text
//     and jsonb cannot store, as RefuseUnstorableText does for the URL.
//
// The bodies of the relayed routes pass the check with invalid UTF-8 and unpaired surrogates in
// their strings: they carry text a gateway received from clients, which the service stores as the
// decoders read it rather than lose the whole body over one client's bytes.
//
// Like RefuseUnstorableText it answers only requests a route matched, after the URL checks. An
// empty body is left to the validator, which knows whether the operation requires one, and a body
// that could not be read whole (too large, cut short) to the reader downstream, which meets the same
// error and answers it.
func CheckJSONBody(relayed ...Route) func(http.Handler) http.Handler {
	lenient := map[Route]bool{}
	for _, r := range relayed {
		lenient[r] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			route, routed := RouteFrom(r.Context())
			if !routed || r.Body == nil || r.Body == http.NoBody || !isJSON(r.Header.Get("Content-Type")) {
				next.ServeHTTP(w, r)
				return
			}
			body, err := ReadBody(r)
			if err != nil || len(body) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			nul, err := scanJSON(body, lenient[route])
			if err != nil {
				WriteError(w, http.StatusBadRequest, CodeMalformedJSON, "request body is not valid JSON", err.Error())
				return
			}
			if nul {
				WriteError(w, http.StatusBadRequest, CodeValidationFailed, "request body does not match the API schema",
					"body: strings must not contain the character U+0000")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// jsonError says what is wrong with a body read as JSON, and where.
type jsonError struct {
	offset int // bytes from the start of the body
	reason string
}

func (e *jsonError) Error() string { return "byte offset " + strconv.Itoa(e.offset) + ": " + e.reason }

// scanJSON reads b as one JSON text in a single pass, in time linear in its length and without
// allocating, and reports whether a string or key holds U+0000 (which JSON can only carry as the
// escape \u0000). relayed tolerates invalid UTF-8 and unpaired surrogate escapes in strings.
func scanJSON(b []byte, relayed bool) (nul bool, err error) {
	s := jsonScanner{b: b, relayed: relayed}
	// The arrays and objects the value at i is inside: one bit each, 1 for an object, the innermost
	// lowest. MaxJSONDepth fits the 64 bits.
	var open uint64
	depth := 0
	i := s.space(0)
	for {
		// A value starts at i.
		if i == len(b) {
			return false, s.fail(i, "expected a value, found the end of the body")
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if depth == MaxJSONDepth {
				return false, s.fail(i, fmt.Sprintf("arrays and objects nest deeper than %d levels", MaxJSONDepth))
			}
			depth++
			open <<= 1
			if c == '{' {
				open |= 1
			}
			i = s.space(i + 1)
			if i < len(b) && (c == '{' && b[i] == '}' || c == '[' && b[i] == ']') {
				// Empty, it is a whole value already.
				depth--
				open >>= 1
				i++
				break
			}
			if c == '{' {
				if i, err = s.member(i); err != nil {
					return false, err
				}
			}
			continue
		case c == '"':
			i, err = s.string(i)
		case c == '-' || c >= '0' && c <= '9':
			i, err = s.number(i)
		case c == 't':
			i, err = s.literal(i, "true")
		case c == 'f':
			i, err = s.literal(i, "false")
		case c == 'n':
			i, err = s.literal(i, "null")
		default:
			return false, s.fail(i, "expected a value, found "+s.found(i))
		}
		if err != nil {
			return false, err
		}
		// A value ends at i: close the arrays and objects it completes, up to where the next value
		// starts or the body ends.
		for {
			i = s.space(i)
			if depth == 0 {
				if i < len(b) {
					return false, s.fail(i, "found "+s.found(i)+" after the JSON value; a body holds exactly one")
				}
				return s.nul, nil
			}
			inObject := open&1 == 1
			if i < len(b) && b[i] == ',' {
				i = s.space(i + 1)
				if inObject {
					if i, err = s.member(i); err != nil {
						return false, err
					}
				}
				break
			}
			if i < len(b) && (inObject && b[i] == '}' || !inObject && b[i] == ']') {
				depth--
				open >>= 1
				i++
				continue
			}
			if inObject {
				return false, s.fail(i, "expected ',' or '}' after an object member, found "+s.found(i))
			}
			return false, s.fail(i, "expected ',' or ']' after an array element, found "+s.found(i))
		}
	}
}

type jsonScanner struct {
	b       []byte
	relayed bool
	nul     bool
}

func (s *jsonScanner) fail(i int, reason string) error { return &jsonError{offset: i, reason: reason} }

// found names what is at i for an error: the end of the body, a printable ASCII character, or a
// byte by its value (which may be the start of a character the message would otherwise garble).
func (s *jsonScanner) found(i int) string {
	if i == len(s.b) {
		return "the end of the body"
	}
	if c := s.b[i]; c > ' ' && c < utf8.RuneSelf && c != 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", s.b[i])
}

func (s *jsonScanner) space(i int) int {
	for i < len(s.b) && (s.b[i] == ' ' || s.b[i] == '\n' || s.b[i] == '\r' || s.b[i] == '\t') {
		i++
	}
	return i
}

// member reads an object member's key and colon at i and returns where its value starts.
func (s *jsonScanner) member(i int) (int, error) {
	if i == len(s.b) || s.b[i] != '"' {
		return 0, s.fail(i, "expected a string key, found "+s.found(i))
	}
	i, err := s.string(i)
	if err != nil {
		return 0, err
	}
	i = s.space(i)
	if i == len(s.b) || s.b[i] != ':' {
		return 0, s.fail(i, "expected ':' after an object key, found "+s.found(i))
	}
	return s.space(i + 1), nil
}

// plain marks the bytes a string may hold as they are: printable ASCII but the quote and the
// backslash. Everything else needs a closer look.
var plain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// string reads the string whose opening quote is at i and returns where it ends.
func (s *jsonScanner) string(i int) (int, error) {
	b := s.b
	j := i + 1
	for {
		for j < len(b) && plain[b[j]] {
			j++
		}
		if j == len(b) {
			return 0, s.fail(j, "the body ends inside a string")
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			var err error
			if j, err = s.escape(j); err != nil {
				return 0, err
			}
		case c < ' ':
			return 0, s.fail(j, fmt.Sprintf("control character U+%04X must be escaped in a string", c))
		default:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size == 1 && !s.relayed {
				return 0, s.fail(j, "invalid UTF-8 in a string")
			}
			j += size
		}
	}
}

// escape reads the escape whose backslash is at i and returns where it ends.
func (s *jsonScanner) escape(i int) (int, error) {
	b := s.b
	if i+1 == len(b) {
		return 0, s.fail(i+1, "the body ends inside a string")
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, nil
	case 'u':
	default:
		return 0, s.fail(i, "invalid escape \\"+s.found(i+1)+" in a string")
	}
	r, ok := hex4(b[i+2:])
	if !ok {
		return 0, s.fail(i, `\u must be followed by four hexadecimal digits`)
	}
	switch {
	case r == 0:
		s.nul = true
	case r >= 0xd800 && r < 0xdc00:
		if len(b) >= i+12 && b[i+6] == '\\' && b[i+7] == 'u' {
			if lo, ok := hex4(b[i+8:]); ok && lo >= 0xdc00 && lo < 0xe000 {
				return i + 12, nil
			}
		}
		fallthrough
	case r >= 0xdc00 && r < 0xe000:
		if !s.relayed {
			return 0, s.fail(i, "unpaired UTF-16 surrogate "+string(b[i:i+6])+
				`: a high surrogate (\ud800 to \udbff) must be followed at once by a low one (\udc00 to \udfff)`)
		}
	}
	return i + 6, nil
}

// hex4 reads the four hexadecimal digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			c = (c | 0x20) - 'a' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads the number starting at i (RFC 8259, section 6) and returns where it ends.
func (s *jsonScanner) number(i int) (int, error) {
	b := s.b
	digits := func(j int) (int, error) {
		if j == len(b) || b[j] < '0' || b[j] > '9' {
			return 0, s.fail(j, "expected a digit in a number, found "+s.found(j))
		}
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j, nil
	}
	j := i
	if b[j] == '-' {
		j++
	}
	if j < len(b) && b[j] == '0' {
		j++
		if j < len(b) && b[j] >= '0' && b[j] <= '9' {
			return 0, s.fail(j, "a number must not start with the digit 0 followed by more digits")
		}
	} else {
		var err error
		if j, err = digits(j); err != nil {
			return 0, err
		}
	}
	var err error
	if j < len(b) && b[j] == '.' {
		if j, err = digits(j + 1); err != nil {
			return 0, err
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j, err = digits(j); err != nil {
			return 0, err
		}
	}
	return j, nil
}

// literal reads word, which starts with the byte at i.
func (s *jsonScanner) literal(i int, word string) (int, error) {
	for k := 1; k < len(word); k++ {
		if i+k == len(s.b) || s.b[i+k] != word[k] {
			return 0, s.fail(i+k, "expected "+word+", found "+s.found(i+k))
		}
	}
	return i + len(word), nil
}
