package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// RefuseUnstorableText answers 400 VALIDATION_FAILED to a request carrying text that PostgreSQL
// cannot store or compare: the character U+0000 anywhere (in the path, the query or a JSON body's
// strings and keys), or invalid UTF-8 in the path or the query. A JSON body's invalid UTF-8 is
// not refused: every JSON reader of the body decodes it as U+FFFD. Without this, such text reaches
// a query and fails there as a 500.
//
// It answers only requests a route matched (see WithRoute): an unknown path or method gets its 404
// or 405 first. A body that is not JSON at all is left to the decoders' MALFORMED_JSON.
func RefuseUnstorableText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, routed := RouteFrom(r.Context()); !routed {
			next.ServeHTTP(w, r)
			return
		}
		if where := unstorableInURL(r.URL); where != "" {
			WriteError(w, http.StatusBadRequest, CodeValidationFailed, "request does not match the API schema",
				where+": text must be UTF-8 without the character U+0000")
			return
		}
		if r.Body == nil || r.Body == http.NoBody || !isJSON(r.Header.Get("Content-Type")) {
			next.ServeHTTP(w, r)
			return
		}
		body, err := ReadBody(r)
		if err != nil {
			// Too large or cut short: the reader downstream meets the same error and answers it.
			next.ServeHTTP(w, r)
			return
		}
		if escapesNUL(body) && json.Valid(body) {
			WriteError(w, http.StatusBadRequest, CodeValidationFailed, "request body does not match the API schema",
				"body: strings must not contain the character U+0000")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// unstorableInURL names the part of u holding unstorable text, or is "".
func unstorableInURL(u *url.URL) string {
	if !storableText(u.Path) {
		return "path"
	}
	// NUL and invalid UTF-8 can only arrive percent-encoded or as raw bytes above ASCII.
	if !strings.ContainsRune(u.RawQuery, '%') && isASCII(u.RawQuery) {
		return ""
	}
	// A malformed pair does not stop the others from being read downstream (r.URL.Query() skips
	// it), so they are checked all the same.
	q, _ := url.ParseQuery(u.RawQuery)
	for k, vs := range q {
		if !storableText(k) {
			return "query"
		}
		for _, v := range vs {
			if !storableText(v) {
				return "query parameter " + k
			}
		}
	}
	return ""
}

func storableText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// escapesNUL reports whether a JSON text holds the escape \u0000, the only way JSON carries U+0000
// (a raw control character is not valid JSON). An escaped backslash is skipped whole, so the text
// "\\u0000" (a backslash, then "u0000") does not count.
func escapesNUL(b []byte) bool {
	for i := bytes.IndexByte(b, '\\'); i >= 0 && i+1 < len(b); {
		if b[i+1] == 'u' && bytes.HasPrefix(b[i+2:], []byte("0000")) {
			return true
		}
		next := bytes.IndexByte(b[i+2:], '\\')
		if next < 0 {
			return false
		}
		i += 2 + next
	}
	return false
}

// isJSON decides as the validator and the generated decoders do: by the media type before any
// parameters, whether or not the parameters parse.
func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// LogMethod is a request method as log entries hold it (the Method schema: 1 to 20 capitals): the
// method in capitals when it is 1 to 20 ASCII letters, else OTHER. Clients can send any token as a
// method, and Kong logs requests it routes nowhere too.
func LogMethod(m string) string {
	if len(m) == 0 || len(m) > 20 {
		return "OTHER"
	}
	for i := 0; i < len(m); i++ {
		if c := m[i] | 0x20; c < 'a' || c > 'z' {
			return "OTHER"
		}
	}
	return strings.ToUpper(m)
}
