package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// Conditional gives every successful GET (and HEAD) of the requests applies selects an entity tag
// and answers If-None-Match. A handler that knows its representation's version sets a strong ETag
// itself (ETag, PlacedETag); every other answer, such as a list or an assembled story, gets a weak
// one derived from the bytes it would send, which are a function of what it was built from. When
// If-None-Match names the current tag the answer is 304 with no body, so an unchanged 5,000-element
// story costs the client a header, not the story.
//
// The body is held until the handler returns, which only GET answers of the operations applies
// selects pay for; nothing streams through them. A peer service's call served in this process
// without If-None-Match skips it: the service reading the answer never revalidates it, and a story
// read makes several such calls of a megabyte or more.
func Conditional(applies func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !applies(r) ||
				(r.RemoteAddr == inProcessAddr && r.Header.Get("If-None-Match") == "") {
				next.ServeHTTP(w, r)
				return
			}
			held := &heldResponse{ResponseWriter: w}
			next.ServeHTTP(held, r)
			held.finish(r)
		})
	}
}

// heldResponse keeps a response's status and body until the handler is done; its headers are the
// real writer's, not yet sent.
type heldResponse struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (h *heldResponse) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

func (h *heldResponse) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	if h.body.Cap() == 0 {
		// A large answer states its length (WriteLargeJSON): one buffer, no regrowth.
		if n, err := strconv.Atoi(h.Header().Get("Content-Length")); err == nil && n > len(b) {
			h.body.Grow(n)
		}
	}
	return h.body.Write(b)
}

// Flush is a no-op: the answer is sent whole when the handler returns.
func (h *heldResponse) Flush() {}

func (h *heldResponse) finish(r *http.Request) {
	w := h.ResponseWriter
	if h.status == 0 {
		h.status = http.StatusOK
	}
	if h.status == http.StatusOK {
		tag := w.Header().Get("ETag")
		if tag == "" {
			tag = WeakETag(h.body.Bytes())
			w.Header().Set("ETag", tag)
		}
		if NoneMatch(r.Header.Get("If-None-Match"), tag) {
			// RFC 9110 15.4.5: a 304 carries the validators and no content.
			for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding"} {
				w.Header().Del(k)
			}
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(h.body.Len()))
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
}

// WeakETag is the weak entity tag of a representation: 128 bits of its SHA-256, which tell two
// representations apart as well as the whole sum would for this use and keep the header short.
func WeakETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// NoneMatch reports whether an If-None-Match header matches the current tag: `*`, or one of its
// comma-separated tags under the weak comparison RFC 9110 13.1.2 prescribes for it (W/ prefixes
// ignored).
func NoneMatch(header, current string) bool {
	header = strings.TrimSpace(header)
	if header == "" {
		return false
	}
	if header == "*" {
		return true
	}
	want := strings.TrimPrefix(current, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}
