package httpapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestWriteLargeJSONStatesItsLength(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := WriteLargeJSON(rec, http.StatusOK, map[string][]int{"ids": {1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	if body != `{"ids":[1,2,3]}` {
		t.Fatalf("body %q", body)
	}
	if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(len(body)) {
		t.Fatalf("Content-Length %q for %d bytes", got, len(body))
	}
	if got := rec.Header().Get("Content-Type"); got != "application/json" {
		t.Fatalf("Content-Type %q", got)
	}
}

func TestDecodeLargeJSON(t *testing.T) {
	answer := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
	}
	var v struct {
		IDs []int64 `json:"ids"`
	}
	if err := DecodeLargeJSON("sequence", answer(http.StatusOK, `{"ids":[4,5]}`), http.StatusOK, &v); err != nil || len(v.IDs) != 2 || v.IDs[1] != 5 {
		t.Fatalf("decoded %v, %v", v, err)
	}

	for _, c := range []struct {
		name   string
		status int
		body   string
		want   int // the status the failure reports
	}{
		{"another status", http.StatusNotFound, `{"errorCode":"NOT_FOUND","message":"x"}`, http.StatusNotFound},
		{"unavailable", http.StatusServiceUnavailable, ``, http.StatusServiceUnavailable},
		{"not the spec's body", http.StatusOK, `{"ids":"four"}`, http.StatusOK},
		{"cut short", http.StatusOK, `{"ids":[4,`, http.StatusOK},
	} {
		err := DecodeLargeJSON("sequence", answer(c.status, c.body), http.StatusOK, &v)
		var f *DependencyFailure
		if !errors.As(err, &f) || f.Service != "sequence" || f.Status != c.want {
			t.Errorf("%s: %v, want a failure of sequence with status %d", c.name, err, c.want)
		}
	}
}
