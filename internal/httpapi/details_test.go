package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDetailsAsList(t *testing.T) {
	listed := func(service string) bool { return service == "characters" }
	answer := func(status int, contentType, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
	cases := []struct {
		name, service, contentType, body, want string
		status                                 int
	}{
		{name: "string details become a one-item array", service: "characters", status: 401, contentType: "application/json",
			body: `{"errorCode":"UNAUTHENTICATED","message":"m","details":"the token has expired"}`,
			want: `{"details":["the token has expired"],"errorCode":"UNAUTHENTICATED","message":"m"}` + "\n"},
		{name: "an array passes unchanged", service: "characters", status: 409, contentType: "application/json",
			body: `{"errorCode":"HAS_DEPENDANTS","message":"m","details":["2 actions"]}`,
			want: `{"errorCode":"HAS_DEPENDANTS","message":"m","details":["2 actions"]}`},
		{name: "no details, nothing to change", service: "characters", status: 413, contentType: "application/json; charset=utf-8",
			body: `{"errorCode":"PAYLOAD_TOO_LARGE","message":"m"}`, want: `{"errorCode":"PAYLOAD_TOO_LARGE","message":"m"}`},
		{name: "a success is not an error body", service: "characters", status: 200, contentType: "application/json",
			body: `{"details":"a field of a resource"}`, want: `{"details":"a field of a resource"}`},
		{name: "a service with string details keeps them", service: "scripts", status: 404, contentType: "application/json",
			body: `{"errorCode":"NOT_FOUND","message":"m","details":"scriptId 9"}`,
			want: `{"errorCode":"NOT_FOUND","message":"m","details":"scriptId 9"}`},
		{name: "a body that is not JSON passes unchanged", service: "characters", status: 502, contentType: "text/plain",
			body: `details: upstream`, want: `details: upstream`},
	}
	for _, c := range cases {
		h := DetailsAsList(listed)(answer(c.status, c.contentType, c.body))
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		r = r.WithContext(WithRoute(r.Context(), Route{Service: c.service, Operation: "op"}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		require.Equal(t, c.status, w.Code, c.name)
		require.Equal(t, c.want, w.Body.String(), c.name)
		require.Equal(t, strconv.Itoa(len(c.want)), w.Header().Get("Content-Length"), c.name)
	}

	// A request no route matched belongs to no service and is left alone.
	h := DetailsAsList(func(string) bool { return true })(answer(404, "application/json", `{"details":"GET /nowhere"}`))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	require.Equal(t, `{"details":"GET /nowhere"}`, w.Body.String())
}
