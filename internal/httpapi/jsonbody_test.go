package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func nested(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }

func nestedObjects(depth int) string {
	return strings.Repeat(`{"a":`, depth-1) + "{}" + strings.Repeat("}", depth-1)
}

// jsonCases are bodies and what scanJSON says of them: nul for a valid one, or the offset and part
// of the reason of its error. They seed FuzzScanJSON too.
var jsonCases = []struct {
	body   string
	nul    bool
	offset int    // of the error, when reason is set
	reason string // "" when the body is valid
}{
	{body: `{}`},
	{body: `[]`},
	{body: `0`},
	{body: `-0`},
	{body: `-0.5e+10`},
	{body: `1E5`},
	{body: `12.034E-2`},
	{body: `"x"`},
	{body: `true`},
	{body: `false`},
	{body: `null`},
	{body: " \t\r\n{\"a\" : [1, 2.5, \"b\", null, true, false, {}, []]} \n"},
	{body: `{"title":"Romeo and Juliet","author":"William Shakespeare"}`},
	{body: "\"caf\u00e9 \U0001F3AD \uFFFD\""},
	{body: `"\ud83c\udfad \uD83C\uDFAD \uDBFF\uDFFF \uffff"`},
	{body: `"\"\\\/\b\f\n\r\t"`},
	{body: `"\\ud800"`},        // a backslash, then the text ud800
	{body: `"\\\ud83c\udfad"`}, // a backslash, then a character
	{body: nested(MaxJSONDepth)},
	{body: nestedObjects(MaxJSONDepth)},

	// U+0000 is JSON but not storable.
	{body: `{"a":"\u0000"}`, nul: true},
	{body: `{"\u0000":1}`, nul: true},
	{body: `["x","y\u00001"]`, nul: true},
	{body: `{"a":"\\u0000"}`},
	{body: `{"a":"\\\u0000"}`, nul: true},
	{body: `{"a":"\\\\u0000"}`},
	{body: `{"a":"\u0001\u0000"}`, nul: true},
	{body: `{"a":"\u00a0\"\n\t"}`},

	// Not one JSON value.
	{body: ``, offset: 0, reason: "expected a value, found the end of the body"},
	{body: "  \n", offset: 3, reason: "expected a value, found the end of the body"},
	{body: `{"title":"A"}}`, offset: 13, reason: "found '}' after the JSON value; a body holds exactly one"},
	{body: `{} {}`, offset: 3, reason: "found '{' after the JSON value"},
	{body: `1 2`, offset: 2, reason: "after the JSON value"},
	{body: "{}\x00", offset: 2, reason: "found byte 0x00 after the JSON value"},
	{body: "\xef\xbb\xbf{}", offset: 0, reason: "expected a value, found byte 0xef"},
	{body: `[1,]`, offset: 3, reason: "expected a value, found ']'"},
	{body: `[,1]`, offset: 1, reason: "expected a value, found ','"},
	{body: `[1 2]`, offset: 3, reason: "expected ',' or ']' after an array element, found '2'"},
	{body: `[1`, offset: 2, reason: "expected ',' or ']' after an array element, found the end of the body"},
	{body: `{"a":1,}`, offset: 7, reason: "expected a string key, found '}'"},
	{body: `{1:2}`, offset: 1, reason: "expected a string key, found '1'"},
	{body: `{"a" 1}`, offset: 5, reason: "expected ':' after an object key, found '1'"},
	{body: `{"a":1 "b":2}`, offset: 7, reason: "expected ',' or '}' after an object member, found '\"'"},
	{body: `{"a":1]`, offset: 6, reason: "expected ',' or '}'"},
	{body: `[1}`, offset: 2, reason: "expected ',' or ']'"},
	{body: `{"a":`, offset: 5, reason: "expected a value, found the end of the body"},
	{body: `'a'`, offset: 0, reason: "expected a value, found '\\''"},
	{body: `NaN`, offset: 0, reason: "expected a value, found 'N'"},
	{body: "[\xff]", offset: 1, reason: "expected a value, found byte 0xff"},
	{body: `01`, offset: 1, reason: "must not start with the digit 0"},
	{body: `-`, offset: 1, reason: "expected a digit in a number, found the end of the body"},
	{body: `-a`, offset: 1, reason: "expected a digit in a number, found 'a'"},
	{body: `1.`, offset: 2, reason: "expected a digit"},
	{body: `1.e5`, offset: 2, reason: "expected a digit"},
	{body: `1e`, offset: 2, reason: "expected a digit"},
	{body: `1e+`, offset: 3, reason: "expected a digit"},
	{body: `.5`, offset: 0, reason: "expected a value, found '.'"},
	{body: `+1`, offset: 0, reason: "expected a value, found '+'"},
	{body: `tru`, offset: 3, reason: "expected true, found the end of the body"},
	{body: `nul1`, offset: 3, reason: "expected null, found '1'"},
	{body: `falsy`, offset: 4, reason: "expected false, found 'y'"},
	{body: `truex`, offset: 4, reason: "found 'x' after the JSON value"},
	{body: `"abc`, offset: 4, reason: "the body ends inside a string"},
	{body: `"abc\`, offset: 5, reason: "the body ends inside a string"},
	{body: "\"a\nb\"", offset: 2, reason: "control character U+000A must be escaped in a string"},
	{body: "\"a\x00b\"", offset: 2, reason: "control character U+0000"},
	{body: `"\x"`, offset: 1, reason: `invalid escape \'x' in a string`},
	{body: `"\u12"`, offset: 1, reason: `\u must be followed by four hexadecimal digits`},
	{body: `"\u12G4"`, offset: 1, reason: `\u must be followed by four hexadecimal digits`},

	// Text that is not Unicode.
	{body: "\"\xff\"", offset: 1, reason: "invalid UTF-8 in a string"},
	{body: "{\"a\xc3\":1}", offset: 3, reason: "invalid UTF-8 in a string"},          // cut short
	{body: "\"ok \xed\xa0\x80\"", offset: 4, reason: "invalid UTF-8 in a string"},    // a surrogate as UTF-8
	{body: "\"\xc0\xaf\"", offset: 1, reason: "invalid UTF-8 in a string"},           // overlong
	{body: "\"\xf4\x90\x80\x80\"", offset: 1, reason: "invalid UTF-8 in a string"},   // beyond U+10FFFF
	{body: `{"a":"x\ud800"}`, offset: 7, reason: `unpaired UTF-16 surrogate \ud800`}, // high alone
	{body: `"\uDC00"`, offset: 1, reason: `unpaired UTF-16 surrogate \uDC00`},        // low alone
	{body: `"\udc00\ud800"`, offset: 1, reason: "unpaired UTF-16 surrogate"},         // in the wrong order
	{body: `"\ud800\u0041"`, offset: 1, reason: "unpaired UTF-16 surrogate"},
	{body: `"\ud800\ud800"`, offset: 1, reason: "unpaired UTF-16 surrogate"},
	{body: `"\ud800\\udc00"`, offset: 1, reason: "unpaired UTF-16 surrogate"},
	{body: `"\ud83c\udfad\udfad"`, offset: 13, reason: "unpaired UTF-16 surrogate"},

	// Too deep, however it nests.
	{body: nested(MaxJSONDepth + 1), offset: MaxJSONDepth, reason: "arrays and objects nest deeper than 64 levels"},
	{body: nestedObjects(MaxJSONDepth + 1), offset: 5 * MaxJSONDepth, reason: "nest deeper than 64 levels"},
	{body: nested(40000), offset: MaxJSONDepth, reason: "nest deeper than 64 levels"},
	{body: strings.Repeat("[", 40000), offset: MaxJSONDepth, reason: "nest deeper than 64 levels"},
	{body: "[" + strings.Repeat("[],", 100) + nested(MaxJSONDepth) + "]", offset: 1 + 3*100 + MaxJSONDepth - 1, reason: "nest deeper"},
}

func TestScanJSON(t *testing.T) {
	t.Parallel()
	for _, c := range jsonCases {
		nul, err := scanJSON([]byte(c.body), false)
		name := c.body
		if len(name) > 80 {
			name = name[:80] + "…"
		}
		if c.reason == "" {
			require.NoError(t, err, "%q", name)
			require.Equal(t, c.nul, nul, "%q", name)
			continue
		}
		var e *jsonError
		require.ErrorAs(t, err, &e, "%q", name)
		require.Contains(t, e.reason, c.reason, "%q", name)
		require.Equal(t, c.offset, e.offset, "%q: %v", name, err)
		require.Equal(t, fmt.Sprintf("byte offset %d: %s", e.offset, e.reason), err.Error())
	}
}

// TestScanJSONRelayed: relayed bodies keep the rules but the two on text a gateway copies from
// clients.
func TestScanJSONRelayed(t *testing.T) {
	t.Parallel()
	for body, nul := range map[string]bool{
		"\"\xff\"":              false,
		"{\"a\xc3\":1}":         false,
		`"\ud800"`:              false,
		`"\udc00\ud800 \u00e9"`: false,
		`"\ud800\u0000"`:        true,
		`"\ud83c\udfad"`:        false,
	} {
		got, err := scanJSON([]byte(body), true)
		require.NoError(t, err, "%q", body)
		require.Equal(t, nul, got, "%q", body)
	}
	for _, body := range []string{nested(MaxJSONDepth + 1), `{"a":1}}`, `"\u12"`, "\"a\nb\""} {
		_, err := scanJSON([]byte(body), true)
		require.Error(t, err, "%q", body)
	}
}

// FuzzScanJSON holds scanJSON to encoding/json where they must agree: what scanJSON accepts is
// valid JSON, and valid JSON it refuses breaks one of its own rules (depth, UTF-8, surrogates).
func FuzzScanJSON(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		nul, strictErr := scanJSON(b, false)
		relayedNUL, relayedErr := scanJSON(b, true)
		for _, err := range []error{strictErr, relayedErr} {
			var e *jsonError
			if err != nil && (!errors.As(err, &e) || e.offset < 0 || e.offset > len(b)) {
				t.Fatalf("%q: error %v", b, err)
			}
		}
		if !json.Valid(b) {
			require.Error(t, relayedErr, "%q is not JSON", b)
			require.Error(t, strictErr, "%q is not JSON", b)
			return
		}
		if depthOf(t, b) > MaxJSONDepth {
			require.ErrorContains(t, relayedErr, "nest deeper", "%q", b)
			require.Error(t, strictErr, "%q", b)
		} else {
			require.NoError(t, relayedErr, "%q is JSON", b)
			require.Equal(t, hasNUL(t, b), relayedNUL, "%q", b)
		}
		if strictErr != nil {
			// Valid JSON the strict scan refuses breaks one of its own rules.
			switch reason := strictErr.(*jsonError).reason; {
			case strings.Contains(reason, "nest deeper"), strings.Contains(reason, "surrogate"):
			case strings.Contains(reason, "invalid UTF-8"):
				require.False(t, utf8.Valid(b), "%q: %v", b, strictErr)
			default:
				t.Fatalf("%q is JSON: %v", b, strictErr)
			}
			return
		}
		require.Equal(t, relayedNUL, nul, "%q", b)
		require.True(t, utf8.Valid(b), "%q is accepted", b)
		// A lone surrogate is the only other way encoding/json reads U+FFFD out of valid UTF-8.
		if !bytes.Contains(b, []byte("\uFFFD")) && !bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) {
			require.False(t, hasText(t, b, "\uFFFD"), "%q holds an unpaired surrogate", b)
		}
	})
}

// depthOf is how deeply arrays and objects nest in the valid JSON b.
func depthOf(t *testing.T, b []byte) int {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return deepest
		}
		require.NoError(t, err)
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
			deepest = max(deepest, depth)
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
}

func hasNUL(t *testing.T, b []byte) bool { return hasText(t, b, "\x00") }

// hasText reports whether a string or key of the valid JSON b, decoded, holds sub.
func hasText(t *testing.T, b []byte, sub string) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // 1e700 is JSON, though not a float64
	var v any
	require.NoError(t, dec.Decode(&v))
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.Contains(v, sub)
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			for k, e := range v {
				if strings.Contains(k, sub) || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

func TestCheckJSONBody(t *testing.T) {
	t.Parallel()
	route := Route{Service: "scripts", Operation: "createScript"}
	kong := Route{Service: "logs", Operation: "ingestKongLogs"}
	check := CheckJSONBody(kong)
	for _, c := range []struct {
		name        string
		route       *Route
		contentType string
		body        string
		status      int    // 0: the request reaches the handler
		code        string // of the answer
		details     string // part of it
	}{
		{"valid", &route, "application/json", `{"title":"A"}`, 0, "", ""},
		{"deep", &route, "application/json", nested(100000), 400, CodeMalformedJSON, "byte offset 64: arrays and objects nest deeper than 64 levels"},
		{"data after the value", &route, "application/json", `{"title":"A"}}`, 400, CodeMalformedJSON, "byte offset 13: found '}' after the JSON value"},
		{"invalid UTF-8", &route, "application/json", "{\"title\":\"\xff\"}", 400, CodeMalformedJSON, "byte offset 10: invalid UTF-8"},
		{"lone surrogate", &route, "application/json", `{"title":"\ud800"}`, 400, CodeMalformedJSON, `byte offset 10: unpaired UTF-16 surrogate \ud800`},
		{"U+0000", &route, "application/json", `{"title":"\u0000"}`, 400, CodeValidationFailed, "U+0000"},
		{"broken and U+0000", &route, "application/json", `{"title":"\u0000"`, 400, CodeMalformedJSON, "byte offset 17"},
		{"a +json type", &route, "Application/Merge-Patch+JSON; charset=utf-8", `{"title":"A"} x`, 400, CodeMalformedJSON, "after the JSON value"},
		{"parameters that do not parse", &route, "application/json;;", `[`, 400, CodeMalformedJSON, "end of the body"},
		{"not JSON", &route, "text/plain", `{"title":"A"}}`, 0, "", ""},
		{"no route", nil, "application/json", nested(100000), 0, "", ""},
		{"empty", &route, "application/json", ``, 0, "", ""},
		{"relayed text", &kong, "application/json", "[{\"ua\":\"curl\xff \\ud800\"}]", 0, "", ""},
		{"relayed U+0000", &kong, "application/json", `[{"ua":"\u0000"}]`, 400, CodeValidationFailed, "U+0000"},
		{"relayed deep", &kong, "application/json", nested(100000), 400, CodeMalformedJSON, "nest deeper"},
		{"relayed data after the value", &kong, "application/json", `[]]`, 400, CodeMalformedJSON, "after the JSON value"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/scripts", strings.NewReader(c.body))
		if c.body == "" {
			// As the server sees a request without a body.
			r.Body = http.NoBody
		}
		r.Header.Set("Content-Type", c.contentType)
		if c.route != nil {
			r = r.WithContext(WithRoute(r.Context(), *c.route))
		}
		reached := false
		rec := httptest.NewRecorder()
		check(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached = true
			got, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			require.Equal(t, c.body, string(got), "%s: the handler reads the body whole", c.name)
		})).ServeHTTP(rec, r)
		if c.status == 0 {
			require.True(t, reached, "%s: %s", c.name, rec.Body)
			continue
		}
		require.False(t, reached, c.name)
		require.Equal(t, c.status, rec.Code, c.name)
		var e Error
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), c.name)
		require.Equal(t, c.code, e.ErrorCode, c.name)
		require.Contains(t, e.Details, c.details, c.name)
	}
}

func TestCheckJSONBodyLeavesReadErrorsToTheReader(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/scripts", strings.NewReader(`{"title":"`+strings.Repeat("x", 100)+`"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Body = http.MaxBytesReader(w, r.Body, 10)
	r = r.WithContext(WithRoute(r.Context(), Route{Service: "scripts", Operation: "createScript"}))
	reached := false
	CheckJSONBody()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		_, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		require.ErrorAs(t, err, &tooLarge)
	})).ServeHTTP(w, r)
	require.True(t, reached)
}

// benchmarkBodies are a typical create (about 200 bytes) and a 1 MiB batch of log entries, the
// largest body a service reads, with some text beyond ASCII and some escapes.
func benchmarkBodies(b *testing.B) map[string][]byte {
	typical := []byte(`{"scriptId":1,"sectionId":3,"characterId":2,"text":"O Romeo, Romeo! wherefore art thou Romeo? ` +
		`Deny thy father and refuse thy name; or, if thou wilt not, be but sworn my love, and I\u2019ll no longer be a Capulet."}`)
	entry := `{"timestamp":"2026-11-25T20:00:00.123Z","service":"characters","method":"POST","endpoint":"/spokenWords",` +
		`"statusCode":201,"responseTimeMs":3.25,"message":"created spoken word 4711 \u2014 \"Wherefore art thou\" – café",` +
		`"requestId":"3f9a1c0b2d4e5f60718293a4","level":"info","operationId":"createSpokenWord"}`
	var large bytes.Buffer
	large.WriteByte('[')
	for large.Len()+len(entry)+2 <= MaxBody {
		if large.Len() > 1 {
			large.WriteByte(',')
		}
		large.WriteString(entry)
	}
	large.WriteByte(']')
	for name, body := range map[string][]byte{"typical": typical, "1MiB": large.Bytes()} {
		if _, err := scanJSON(body, false); err != nil {
			b.Fatalf("%s: %v", name, err)
		}
	}
	return map[string][]byte{"typical": typical, "1MiB": large.Bytes()}
}

// BenchmarkScanJSON measures the check every JSON request pays, beside encoding/json's Valid, which
// checks less.
func BenchmarkScanJSON(b *testing.B) {
	bodies := benchmarkBodies(b)
	for _, name := range []string{"typical", "1MiB"} {
		body := bodies[name]
		b.Run(name+"/scanJSON", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = scanJSON(body, false)
			}
		})
		b.Run(name+"/encoding-json.Valid", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				json.Valid(body)
			}
		})
	}
}
