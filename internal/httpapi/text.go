package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// RefuseUnstorableText answers 400 VALIDATION_FAILED to a request whose path or query carries text
// that PostgreSQL cannot store or compare: the character U+0000, or invalid UTF-8. Without this,
// such text reaches a query and fails there as a 500. CheckJSONBody refuses both in JSON bodies.
//
// It answers only requests a route matched (see WithRoute): an unknown path or method gets its 404
// or 405 first.
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
