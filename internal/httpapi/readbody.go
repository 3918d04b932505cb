package httpapi

import (
	"bytes"
	"io"
	"net/http"
)

// ReadBody returns the whole body of r and leaves r.Body able to give it again, so that several
// middlewares and the handler can each read it. A body another caller already read this way is not
// read or copied again. When reading fails (too large, cut short), r.Body gives what was read and
// then the same error, so the reader downstream answers it as it would have.
func ReadBody(r *http.Request) ([]byte, error) {
	if b, ok := r.Body.(*bufferedBody); ok && b.Len() == len(b.all) {
		return b.all, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), errReader{err}), r.Body}
		return body, err
	}
	r.Body = &bufferedBody{Reader: bytes.NewReader(body), all: body}
	return body, nil
}

// bufferedBody is a request body held in memory by ReadBody.
type bufferedBody struct {
	*bytes.Reader
	all []byte
}

func (*bufferedBody) Close() error { return nil }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
