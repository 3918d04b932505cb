package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// inProcessAddr is the RemoteAddr of a request ServeInProcess serves: a peer service's call.
const inProcessAddr = "in-process"

// ServeInProcess answers req with h in this process, as an http.RoundTripper would over the network:
// the same validation, logging and error bodies, without a round trip.
func ServeInProcess(h http.Handler, req *http.Request) (*http.Response, error) {
	in := req.Clone(req.Context())
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = inProcessAddr
	rec := NewRecorder()
	h.ServeHTTP(rec, in)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	status := rec.Status()
	if req.Method == http.MethodHead {
		// As over the network: the answer to HEAD has headers only.
		rec.body.Reset()
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(&rec.body),
		ContentLength: int64(rec.body.Len()),
		Request:       req,
	}, nil
}

// Recorder keeps a response in memory: an answer served in-process, or one kept to be replayed.
type Recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{header: http.Header{}} }

func (r *Recorder) Header() http.Header { return r.header }

func (r *Recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *Recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Cap() == 0 {
		// A large answer states its length (WriteLargeJSON): one buffer, no regrowth.
		if n, err := strconv.Atoi(r.header.Get("Content-Length")); err == nil && n > len(b) {
			r.body.Grow(n)
		}
	}
	return r.body.Write(b)
}

// Status is the response's status; 200 when none was written.
func (r *Recorder) Status() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Body is what was written of the response's body.
func (r *Recorder) Body() []byte { return r.body.Bytes() }
