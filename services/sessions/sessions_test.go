package sessions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/sessions"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func raw(s string) *json.RawMessage {
	r := json.RawMessage(s)
	return &r
}

func createSession(t *testing.T, c *sessionsapi.ClientWithResponses, body sessionsapi.SessionRequest) sessionsapi.Session {
	t.Helper()
	resp, err := c.CreateSessionWithResponse(context.Background(), nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	require.Equal(t, fmt.Sprintf(`"%d"`, resp.JSON201.Version), resp.HTTPResponse.Header.Get("ETag"))
	return *resp.JSON201
}

func getSession(t *testing.T, c *sessionsapi.ClientWithResponses, id int64) sessionsapi.Session {
	t.Helper()
	resp, err := c.GetSessionWithResponse(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.Equal(t, fmt.Sprintf(`"%d"`, resp.JSON200.Version), resp.HTTPResponse.Header.Get("ETag"))
	return *resp.JSON200
}

func TestCreateAndGetSession(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()

	// The v2 body: userId and a text context.
	v2 := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 123, Context: new("Initial context")})
	require.EqualValues(t, 123, v2.UserId)
	require.Equal(t, "Initial context", v2.Context)
	require.JSONEq(t, `{}`, string(v2.ContextData), "contextData starts empty")
	require.EqualValues(t, 1, v2.Version)
	require.False(t, v2.CreatedAt.IsZero())
	require.Equal(t, v2.CreatedAt, v2.UpdatedAt)

	// Only the user: both parts start empty.
	bare := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 7})
	require.Equal(t, "", bare.Context)
	require.JSONEq(t, `{}`, string(bare.ContextData))
	require.Greater(t, bare.SessionId, v2.SessionId)

	both := createSession(t, e.Sessions, sessionsapi.SessionRequest{
		UserId: 123, Context: new("Act 2, Scene 2"), ContextData: raw(`{"scriptId":1,"scene":"Act 2, Scene 2"}`),
	})
	require.Equal(t, both, getSession(t, e.Sessions, both.SessionId), "a read returns what the create answered")

	missing, err := e.Sessions.GetSessionWithResponse(ctx, 999)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
	require.Equal(t, "NOT_FOUND", missing.JSON404.ErrorCode)

	// The v2 body as raw JSON, as a v2 client sends it.
	status, header, body := e.Do(t, http.MethodPost, "/sessions", `{"userId": 5, "context": "from a v2 client"}`)
	require.Equal(t, http.StatusCreated, status, string(body))
	var got sessionsapi.Session
	require.NoError(t, json.Unmarshal(body, &got))
	require.Equal(t, "from a v2 client", got.Context)
	require.Equal(t, `"1"`, header.Get("ETag"))
}

// TestV2ContextRoundTripsExactly: v2's context is text, and any text comes back byte for byte
// through every operation that writes and reads it.
func TestV2ContextRoundTripsExactly(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	texts := []string{
		`O Romeo, Romeo! wherefore art thou Romeo?`,
		`She said "Deny thy father, and refuse thy name", then "or, if thou wilt not"`,
		`a,b,,c,"d,e",'f'`,
		`{"looks":"like JSON", "but": "is text"}`,
		`back\slash \" \\" \n not a newline`,
		"real\nnew\r\nlines\tand tabs",
		"  leading and trailing spaces  ",
		`unicode: Ärger, 名前, 🌹, <tags> & ampersands`,
		``,
	}
	for i, text := range texts {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, Context: new(text)})
			require.Equal(t, text, s.Context, "create answers it")
			require.Equal(t, text, getSession(t, e.Sessions, s.SessionId).Context, "read returns it")

			sc, err := e.Sessions.GetSessionContextWithResponse(ctx, s.SessionId)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, sc.StatusCode())
			require.Equal(t, text, sc.JSON200.Context, "the v2 context read returns it")

			// Written again by PATCH (v2's update), PUT and PUT /context.
			p, err := e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionUpdateRequest{Context: new(text + "!")})
			require.NoError(t, err)
			require.Equal(t, text+"!", p.JSON200.Context)
			r, err := e.Sessions.ReplaceSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionReplaceRequest{UserId: 1, Context: text + "?", ContextData: json.RawMessage(`{}`)})
			require.NoError(t, err)
			require.Equal(t, text+"?", r.JSON200.Context)
			rc, err := e.Sessions.ReplaceSessionContextWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionContextRequest{Context: text, ContextData: json.RawMessage(`{}`)})
			require.NoError(t, err)
			require.Equal(t, text, rc.JSON200.Context)

			list, err := e.Sessions.ListSessionsWithResponse(ctx, &sessionsapi.ListSessionsParams{Limit: new(1000)})
			require.NoError(t, err)
			found := false
			for _, ls := range list.JSON200.Sessions {
				if ls.SessionId == s.SessionId {
					found = true
					require.Equal(t, text, ls.Context, "the list returns it")
				}
			}
			require.True(t, found)
		})
	}
}

// TestContextDataRoundTrips: structured state is stored as jsonb and every value comes back as sent.
func TestContextDataRoundTrips(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	data := []string{
		`{"scene":"Act 2, Scene 2","note":"Juliet says \"Romeo\", thrice","csv":"a,b,\"c,d\""}`,
		`{"nested":{"list":[1,2.5,{"x":null}],"flag":true,"empty":{}},"quote":"'\"'"}`,
		`{"big":12345678901234567890,"precise":0.10000000000000000555,"neg":-1e-7}`,
		`{"unicode":"Ärger 名前 🌹","html":"<b>&amp;</b>","escapes":"tab\tnewline\nbackslash\\"}`,
		`{"":"empty key","key with, comma":"and \"quote\""}`,
	}
	for i, d := range data {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, ContextData: raw(d)})
			require.JSONEq(t, d, string(s.ContextData))
			require.JSONEq(t, d, string(getSession(t, e.Sessions, s.SessionId).ContextData))

			sc, err := e.Sessions.GetSessionContextWithResponse(ctx, s.SessionId)
			require.NoError(t, err)
			require.JSONEq(t, d, string(sc.JSON200.ContextData))

			p, err := e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionUpdateRequest{ContextData: raw(d)})
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, p.StatusCode(), string(p.Body))
			require.JSONEq(t, d, string(p.JSON200.ContextData))
		})
	}

	// Numbers keep their digits, not a float's approximation.
	s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, ContextData: raw(`{"n":12345678901234567890}`)})
	require.Contains(t, string(s.ContextData), "12345678901234567890")
	// A lone surrogate is no character: refused, not stored as the U+FFFD a decoder reads it as.
	lone, err := e.Sessions.CreateSessionWithResponse(ctx, nil, sessionsapi.SessionRequest{UserId: 1, ContextData: raw(`{"lone":"\ud800"}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, lone.StatusCode(), string(lone.Body))
	require.Equal(t, "MALFORMED_JSON", apitest.ErrorCode(t, lone.Body))
}

func TestListSessions(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	var mine []int64
	for i := range 25 {
		user := int64(1 + i%2)
		s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: user, Context: new(fmt.Sprintf("session %d", i))})
		if user == 1 {
			mine = append(mine, s.SessionId)
		}
	}

	all, err := e.Sessions.ListSessionsWithResponse(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, all.StatusCode())
	require.EqualValues(t, 25, all.JSON200.TotalCount)
	require.Len(t, all.JSON200.Sessions, 25)
	require.Equal(t, 100, all.JSON200.Limit, "the default page size")
	require.EqualValues(t, 0, all.JSON200.Offset)

	var seen []int64
	for offset := int64(0); ; offset += 5 {
		page, err := e.Sessions.ListSessionsWithResponse(ctx, &sessionsapi.ListSessionsParams{UserId: new(int64(1)), Limit: new(5), Offset: &offset})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, page.StatusCode())
		require.EqualValues(t, len(mine), page.JSON200.TotalCount, "totalCount counts every match, not the page")
		require.Equal(t, 5, page.JSON200.Limit)
		require.Equal(t, offset, page.JSON200.Offset)
		if len(page.JSON200.Sessions) == 0 {
			break
		}
		for _, s := range page.JSON200.Sessions {
			require.EqualValues(t, 1, s.UserId)
			seen = append(seen, s.SessionId)
		}
	}
	require.Equal(t, mine, seen, "pages in id order, none dropped or repeated")

	none, err := e.Sessions.ListSessionsWithResponse(ctx, &sessionsapi.ListSessionsParams{UserId: new(int64(99))})
	require.NoError(t, err)
	require.Empty(t, none.JSON200.Sessions)
	require.Zero(t, none.JSON200.TotalCount)

	for _, q := range []string{"limit=0", "limit=1001", "offset=-1", "userId=0", "userId=abc"} {
		status, _, body := e.Do(t, http.MethodGet, "/sessions?"+q, "")
		require.Equal(t, http.StatusBadRequest, status, q)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, body), q)
	}
}

func TestUpdateSession(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, Context: new("text"), ContextData: raw(`{"a":1}`)})

	// v2's body: only the text changes; contextData and userId are kept.
	p, err := e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionUpdateRequest{Context: new("Updated context")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, p.StatusCode(), string(p.Body))
	require.Equal(t, "Updated context", p.JSON200.Context)
	require.JSONEq(t, `{"a":1}`, string(p.JSON200.ContextData))
	require.EqualValues(t, 1, p.JSON200.UserId)
	require.EqualValues(t, 2, p.JSON200.Version)
	require.Equal(t, `"2"`, p.HTTPResponse.Header.Get("ETag"))
	require.True(t, p.JSON200.UpdatedAt.After(s.UpdatedAt))
	require.Equal(t, s.CreatedAt, p.JSON200.CreatedAt)

	// contextData replaces the whole object; the text is kept.
	p, err = e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionUpdateRequest{ContextData: raw(`{"b":"x, \"y\""}`)})
	require.NoError(t, err)
	require.Equal(t, "Updated context", p.JSON200.Context)
	require.JSONEq(t, `{"b":"x, \"y\""}`, string(p.JSON200.ContextData), "keys are not merged")

	p, err = e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionUpdateRequest{UserId: new(int64(42))})
	require.NoError(t, err)
	require.EqualValues(t, 42, p.JSON200.UserId)
	require.Equal(t, "Updated context", p.JSON200.Context)
	require.JSONEq(t, `{"b":"x, \"y\""}`, string(p.JSON200.ContextData))
	require.EqualValues(t, 4, p.JSON200.Version)
	require.Equal(t, *p.JSON200, getSession(t, e.Sessions, s.SessionId))

	// An empty string is a value, not "not given".
	p, err = e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionUpdateRequest{Context: new("")})
	require.NoError(t, err)
	require.Equal(t, "", p.JSON200.Context)

	missing, err := e.Sessions.UpdateSessionWithResponse(ctx, 999, nil, sessionsapi.SessionUpdateRequest{Context: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
	require.Equal(t, "NOT_FOUND", missing.JSON404.ErrorCode)
}

func TestReplaceSession(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, Context: new("text"), ContextData: raw(`{"a":1}`)})

	r, err := e.Sessions.ReplaceSessionWithResponse(ctx, s.SessionId, nil, sessionsapi.SessionReplaceRequest{
		UserId: 2, Context: "Act 3, Scene 1", ContextData: json.RawMessage(`{"scene":"Act 3, Scene 1"}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode(), string(r.Body))
	require.EqualValues(t, 2, r.JSON200.UserId)
	require.Equal(t, "Act 3, Scene 1", r.JSON200.Context)
	require.JSONEq(t, `{"scene":"Act 3, Scene 1"}`, string(r.JSON200.ContextData))
	require.EqualValues(t, 2, r.JSON200.Version)
	require.Equal(t, `"2"`, r.HTTPResponse.Header.Get("ETag"))
	require.Equal(t, *r.JSON200, getSession(t, e.Sessions, s.SessionId))

	// A full replacement needs every field.
	status, _, body := e.Do(t, http.MethodPut, fmt.Sprintf("/sessions/%d", s.SessionId), `{"userId":2,"context":"x"}`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, body))

	missing, err := e.Sessions.ReplaceSessionWithResponse(ctx, 999, nil, sessionsapi.SessionReplaceRequest{UserId: 1, Context: "", ContextData: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
}

func TestSessionContextOperations(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, Context: new("Current context"), ContextData: raw(`{"scene":"2.2"}`)})

	got, err := e.Sessions.GetSessionContextWithResponse(ctx, s.SessionId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, s.SessionId, got.JSON200.SessionId)
	require.Equal(t, "Current context", got.JSON200.Context)
	require.JSONEq(t, `{"scene":"2.2"}`, string(got.JSON200.ContextData))
	require.EqualValues(t, 1, got.JSON200.Version)
	require.Equal(t, `"1"`, got.HTTPResponse.Header.Get("ETag"))

	// v2's fields are there as v2 named them.
	status, _, body := e.Do(t, http.MethodGet, fmt.Sprintf("/sessions/%d/context", s.SessionId), "")
	require.Equal(t, http.StatusOK, status)
	var v2 map[string]any
	require.NoError(t, json.Unmarshal(body, &v2))
	require.Equal(t, "Current context", v2["context"])
	require.EqualValues(t, s.SessionId, v2["sessionId"])

	put, err := e.Sessions.ReplaceSessionContextWithResponse(ctx, s.SessionId, &sessionsapi.ReplaceSessionContextParams{IfMatch: new(`"1"`)},
		sessionsapi.SessionContextRequest{Context: `Juliet: "Deny thy father, and refuse thy name"`, ContextData: json.RawMessage(`{"scene":"2.2","line":34}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Equal(t, `Juliet: "Deny thy father, and refuse thy name"`, put.JSON200.Context)
	require.JSONEq(t, `{"scene":"2.2","line":34}`, string(put.JSON200.ContextData))
	require.EqualValues(t, 2, put.JSON200.Version)
	require.Equal(t, `"2"`, put.HTTPResponse.Header.Get("ETag"))
	after := getSession(t, e.Sessions, s.SessionId)
	require.EqualValues(t, 1, after.UserId, "the user is kept")
	require.Equal(t, put.JSON200.Context, after.Context)

	status, _, body = e.Do(t, http.MethodPut, fmt.Sprintf("/sessions/%d/context", s.SessionId), `{"context":"only text"}`)
	require.Equal(t, http.StatusBadRequest, status, "both parts are required")
	require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, body))

	missing, err := e.Sessions.GetSessionContextWithResponse(ctx, 999)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
	missingPut, err := e.Sessions.ReplaceSessionContextWithResponse(ctx, 999, nil, sessionsapi.SessionContextRequest{Context: "", ContextData: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missingPut.StatusCode())
}

func TestDeleteSession(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1})
	other := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1})

	del, err := e.Sessions.DeleteSessionWithResponse(ctx, s.SessionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode())

	gone, err := e.Sessions.GetSessionWithResponse(ctx, s.SessionId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, gone.StatusCode())
	again, err := e.Sessions.DeleteSessionWithResponse(ctx, s.SessionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, again.StatusCode())
	require.Equal(t, "NOT_FOUND", again.JSON404.ErrorCode)
	withIfMatch, err := e.Sessions.DeleteSessionWithResponse(ctx, s.SessionId, &sessionsapi.DeleteSessionParams{IfMatch: new(`"1"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, withIfMatch.StatusCode(), "a missing session is 404 with If-Match too")

	getSession(t, e.Sessions, other.SessionId)
}

// TestSessionIfMatch: every write with a stale If-Match is 412 and changes nothing; the current one
// and `*` go through.
func TestSessionIfMatch(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, Context: new("v1"), ContextData: raw(`{"v":1}`)})
	p, err := e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, &sessionsapi.UpdateSessionParams{IfMatch: new(`"1"`)}, sessionsapi.SessionUpdateRequest{Context: new("v2")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, p.StatusCode(), string(p.Body))
	current := getSession(t, e.Sessions, s.SessionId)
	require.EqualValues(t, 2, current.Version)

	// Any other version is stale, including ones beyond int64 (no version can have them).
	for _, tag := range []string{`"1"`, `"9223372036854775807"`, `"9999999999999999999"`} {
		u, err := e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, &sessionsapi.UpdateSessionParams{IfMatch: new(tag)}, sessionsapi.SessionUpdateRequest{Context: new("lost")})
		require.NoError(t, err)
		require.Equal(t, http.StatusPreconditionFailed, u.StatusCode(), tag)
		require.Equal(t, "PRECONDITION_FAILED", u.JSON412.ErrorCode)
		require.Contains(t, *u.JSON412.Details, `"2"`, "names the current ETag")
	}
	stale := new(`"1"`)
	r, err := e.Sessions.ReplaceSessionWithResponse(ctx, s.SessionId, &sessionsapi.ReplaceSessionParams{IfMatch: stale}, sessionsapi.SessionReplaceRequest{UserId: 9, Context: "lost", ContextData: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, r.StatusCode())
	rc, err := e.Sessions.ReplaceSessionContextWithResponse(ctx, s.SessionId, &sessionsapi.ReplaceSessionContextParams{IfMatch: stale}, sessionsapi.SessionContextRequest{Context: "lost", ContextData: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, rc.StatusCode())
	d, err := e.Sessions.DeleteSessionWithResponse(ctx, s.SessionId, &sessionsapi.DeleteSessionParams{IfMatch: stale})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, d.StatusCode())
	require.Equal(t, current, getSession(t, e.Sessions, s.SessionId), "nothing changed")

	// Malformed and weak tags are refused by the spec.
	for _, tag := range []string{`W/"2"`, `2`, `"2", "3"`, `"0"`} {
		status, _, body := e.Do(t, http.MethodPatch, fmt.Sprintf("/sessions/%d", s.SessionId), `{"context":"x"}`, "If-Match", tag)
		require.Equal(t, http.StatusBadRequest, status, tag)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, body), tag)
	}

	star, err := e.Sessions.UpdateSessionWithResponse(ctx, s.SessionId, &sessionsapi.UpdateSessionParams{IfMatch: new("*")}, sessionsapi.SessionUpdateRequest{Context: new("v3")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, star.StatusCode())
	require.EqualValues(t, 3, star.JSON200.Version)
	ok, err := e.Sessions.DeleteSessionWithResponse(ctx, s.SessionId, &sessionsapi.DeleteSessionParams{IfMatch: new(`"3"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, ok.StatusCode())
}

// TestSessionBadRequests: bodies and parameters the spec or the service refuses, with nothing stored.
func TestSessionBadRequests(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	s := createSession(t, e.Sessions, sessionsapi.SessionRequest{UserId: 1, Context: new("kept")})
	one := fmt.Sprintf("/sessions/%d", s.SessionId)
	cases := []struct {
		name, method, url, body, code string
		status                        int
	}{
		{"no user", http.MethodPost, "/sessions", `{"context":"x"}`, "VALIDATION_FAILED", 400},
		{"user 0", http.MethodPost, "/sessions", `{"userId":0}`, "VALIDATION_FAILED", 400},
		{"user as text", http.MethodPost, "/sessions", `{"userId":"1"}`, "VALIDATION_FAILED", 400},
		{"object context", http.MethodPost, "/sessions", `{"userId":1,"context":{"a":1}}`, "VALIDATION_FAILED", 400},
		{"text contextData", http.MethodPost, "/sessions", `{"userId":1,"contextData":"a=1"}`, "VALIDATION_FAILED", 400},
		{"array contextData", http.MethodPost, "/sessions", `{"userId":1,"contextData":[1]}`, "VALIDATION_FAILED", 400},
		{"null contextData", http.MethodPost, "/sessions", `{"userId":1,"contextData":null}`, "VALIDATION_FAILED", 400},
		{"unknown field", http.MethodPost, "/sessions", `{"userId":1,"mood":"x"}`, "VALIDATION_FAILED", 400},
		{"NUL in context", http.MethodPost, "/sessions", `{"userId":1,"context":"a\u0000b"}`, "VALIDATION_FAILED", 400},
		{"NUL in contextData", http.MethodPost, "/sessions", `{"userId":1,"contextData":{"a":["\u0000"]}}`, "VALIDATION_FAILED", 400},
		{"NUL in a key", http.MethodPost, "/sessions", `{"userId":1,"contextData":{"\u0000":1}}`, "VALIDATION_FAILED", 400},
		{"malformed", http.MethodPost, "/sessions", `{"userId":1,`, "MALFORMED_JSON", 400},
		{"empty patch", http.MethodPatch, one, `{}`, "VALIDATION_FAILED", 400},
		{"patch NUL", http.MethodPatch, one, `{"context":"\u0000"}`, "VALIDATION_FAILED", 400},
		{"patch null context", http.MethodPatch, one, `{"context":null}`, "VALIDATION_FAILED", 400},
		{"put NUL", http.MethodPut, one, `{"userId":1,"context":"","contextData":{"x":"\u0000"}}`, "VALIDATION_FAILED", 400},
		{"context put NUL", http.MethodPut, one + "/context", `{"context":"\u0000","contextData":{}}`, "VALIDATION_FAILED", 400},
		{"id 0", http.MethodGet, "/sessions/0", ``, "VALIDATION_FAILED", 400},
		{"id text", http.MethodGet, "/sessions/abc", ``, "VALIDATION_FAILED", 400},
		{"text body", http.MethodPatch, one, ``, "", 415},
	}
	for _, tc := range cases {
		var status int
		var body []byte
		if tc.status == http.StatusUnsupportedMediaType {
			req, err := http.NewRequest(tc.method, e.URL+tc.url, bytes.NewBufferString(`context=x`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "text/plain")
			resp, err := e.HTTP.Do(req)
			require.NoError(t, err)
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		} else {
			status, _, body = e.Do(t, tc.method, tc.url, tc.body)
		}
		require.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		if tc.code != "" {
			require.Equal(t, tc.code, apitest.ErrorCode(t, body), tc.name)
		}
	}
	list, err := e.Sessions.ListSessionsWithResponse(context.Background(), nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, list.JSON200.TotalCount, "nothing was created")
	require.Equal(t, s, getSession(t, e.Sessions, s.SessionId), "nothing was changed")
}

// TestCreateSessionIdempotencyKey: a repeated key replays the first response and creates nothing.
func TestCreateSessionIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sessions.Service())
	ctx := context.Background()
	body := sessionsapi.SessionRequest{UserId: 1, Context: new("once, \"only\"")}
	key := &sessionsapi.CreateSessionParams{IdempotencyKey: new("7d1f0b4e-1c2a-4b7e-9a55-2f0c8d3e6a10")}

	first, err := e.Sessions.CreateSessionWithResponse(ctx, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.StatusCode())
	again, err := e.Sessions.CreateSessionWithResponse(ctx, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, again.StatusCode())
	require.Equal(t, "true", again.HTTPResponse.Header.Get("Idempotent-Replayed"))
	require.Equal(t, *first.JSON201, *again.JSON201)
	require.Equal(t, first.HTTPResponse.Header.Get("ETag"), again.HTTPResponse.Header.Get("ETag"))

	list, err := e.Sessions.ListSessionsWithResponse(ctx, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, list.JSON200.TotalCount, "one session for two requests")

	other, err := e.Sessions.CreateSessionWithResponse(ctx, key, sessionsapi.SessionRequest{UserId: 2})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, other.StatusCode())
	require.Equal(t, "IDEMPOTENCY_KEY_REUSED", other.JSON409.ErrorCode)

	fresh, err := e.Sessions.CreateSessionWithResponse(ctx, &sessionsapi.CreateSessionParams{IdempotencyKey: new("another")}, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, fresh.StatusCode())
	require.NotEqual(t, first.JSON201.SessionId, fresh.JSON201.SessionId)
}
