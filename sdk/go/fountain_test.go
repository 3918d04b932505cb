package fountain

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/fountainai/fountainai/sdk/go/access"
	"github.com/fountainai/fountainai/sdk/go/characters"
)

func TestCheckReadsTheErrorResponse(t *testing.T) {
	header := http.Header{"X-Request-Id": {"r1"}}
	for _, c := range []struct {
		name string
		body string
		want Error
	}{
		{"details as one string", `{"errorCode":"VALIDATION_FAILED","message":"bad","details":"name: too short"}`,
			Error{Status: 400, ErrorCode: "VALIDATION_FAILED", Message: "bad", Details: []string{"name: too short"}, RequestID: "r1"}},
		{"details as an array", `{"errorCode":"VALIDATION_FAILED","message":"bad","details":["name: too short","description: missing"]}`,
			Error{Status: 400, ErrorCode: "VALIDATION_FAILED", Message: "bad", Details: []string{"name: too short", "description: missing"}, RequestID: "r1"}},
		{"no details", `{"errorCode":"NOT_FOUND","message":"gone"}`,
			Error{Status: 400, ErrorCode: "NOT_FOUND", Message: "gone", RequestID: "r1"}},
		{"not an ErrorResponse", `<html>bad gateway</html>`,
			Error{Status: 400, Message: "Bad Request", RequestID: "r1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Check(&http.Response{StatusCode: 400, Header: header}, []byte(c.body))
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Check: %v, want an *Error", err)
			}
			c.want.Body = []byte(c.body)
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("Check: %#v\nwant %#v", *got, c.want)
			}
		})
	}
	for _, status := range []int{200, 201, 204, 304} {
		if err := Check(&http.Response{StatusCode: status, Header: header}, nil); err != nil {
			t.Errorf("Check of a %d: %v", status, err)
		}
	}
	if err := Check(&http.Response{StatusCode: 302, Header: header}, nil); err == nil {
		t.Error("Check of a 302: no error")
	}
	e := &Error{Status: 404, ErrorCode: "SCRIPT_NOT_FOUND", Message: "script not found", Details: []string{"script 9"}, RequestID: "r1"}
	if got, want := e.Error(), "fountain: 404 SCRIPT_NOT_FOUND: script not found (script 9) [request r1]"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestCallTakesGeneratedResponsesOnly(t *testing.T) {
	if _, err := Call(&characters.GetCharacterResponse{HTTPResponse: &http.Response{StatusCode: 200}}, nil); err != nil {
		t.Errorf("Call of a 200: %v", err)
	}
	transport := errors.New("connection refused")
	if _, err := Call((*characters.GetCharacterResponse)(nil), transport); err != transport {
		t.Errorf("Call with a transport error: %v", err)
	}
	if _, err := Call(struct{ Body []byte }{}, nil); err == nil {
		t.Error("Call of something other than a generated response: no error")
	}
	if _, err := Call((*characters.GetCharacterResponse)(nil), nil); err == nil {
		t.Error("Call of a nil response: no error")
	}
}

func TestNewSendsTheCredential(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"subject":"s","tenant":"t","role":"admin"}`))
	}))
	defer srv.Close()
	ctx := context.Background()

	c, err := New(srv.URL, WithAPIKey("fai_k"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Call(c.Access.GetCallerWithResponse(ctx, nil)); err != nil {
		t.Fatal(err)
	}
	if got.Get("X-API-Key") != "fai_k" || got.Get("Authorization") != "" {
		t.Errorf("with an API key, sent %v", got)
	}
	// A credential set on the request itself is the one sent.
	bearer := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer other")
		return nil
	}
	if _, err := Call(c.Access.GetCallerWithResponse(ctx, nil, access.RequestEditorFn(bearer))); err != nil {
		t.Fatal(err)
	}
	if got.Get("X-API-Key") != "" || got.Get("Authorization") != "Bearer other" {
		t.Errorf("with a request's own credential, sent %v", got)
	}

	c, err = New(srv.URL, WithBearerToken("jwt"), WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Call(c.Access.GetCallerWithResponse(ctx, nil)); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer jwt" || got.Get("X-API-Key") != "" {
		t.Errorf("with a bearer token, sent %v", got)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for name, c := range map[string]struct {
		url  string
		opts []Option
	}{
		"two credentials":   {"http://h", []Option{WithAPIKey("k"), WithBearerToken("t")}},
		"empty key":         {"http://h", []Option{WithAPIKey("")}},
		"empty token":       {"http://h", []Option{WithBearerToken("")}},
		"no scheme":         {"localhost:8080", nil},
		"nil client":        {"http://h", []Option{WithHTTPClient(nil)}},
		"unknown service":   {"http://h", []Option{WithServiceURL("scenes", "http://s")}},
		"bad service's URL": {"http://h", []Option{WithServiceURL("scripts", "s")}},
	} {
		if _, err := New(c.url, c.opts...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestWithServiceURLSendsOneServiceElsewhere(t *testing.T) {
	hits := map[string]string{}
	serve := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits[name] = r.URL.Path
			w.WriteHeader(http.StatusNotFound)
		}))
	}
	main, other := serve("main"), serve("other")
	defer main.Close()
	defer other.Close()
	c, err := New(main.URL, WithServiceURL("access", other.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Access.GetCallerWithResponse(context.Background(), nil)
	_, _ = c.Characters.GetCharacterWithResponse(context.Background(), 1, nil)
	if hits["other"] != "/me" || hits["main"] != "/characters/1" {
		t.Errorf("requests went to %v", hits)
	}
}
