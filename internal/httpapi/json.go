package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"github.com/segmentio/encoding/json"
)

// The largest bodies the services exchange (a page of positions, the lines of a story page, a story
// page of 5,000 elements) are encoded and decoded with segmentio/encoding, which reads and writes
// the same JSON as encoding/json about five times faster; the generated code uses encoding/json for
// everything else.

// WriteLargeJSON answers v as JSON with status, for a strict handler's response object whose body
// can be large.
func WriteLargeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// A stated length lets the client read the body into one buffer of the right size.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// DecodeLargeJSON reads the response of a generated client's raw method into v when its status is
// want; any other status is an unexpected answer of peer, reported as UnexpectedResponse.
func DecodeLargeJSON(peer string, resp *http.Response, want int, v any) error {
	defer resp.Body.Close()
	if resp.StatusCode != want {
		_, _ = io.Copy(io.Discard, resp.Body)
		return UnexpectedResponse(peer, resp.StatusCode)
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(resp.ContentLength, 0)+bytes.MinRead))
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return DependencyError(peer, err)
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		// An answer that is not the spec's is as unexpected as an undeclared status: 502.
		return &DependencyFailure{Service: peer, Status: resp.StatusCode, Err: err}
	}
	return nil
}
