package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services"
	"github.com/fountainai/fountainai/services/logs"
)

// bodyTest serves every service on its own database, with the elements a create needs to exist.
type bodyTest struct {
	url    string
	client *http.Client
	pool   *pgxpool.Pool
	// The ids of a script, its section, a character, an action and a spoken word.
	script, section, character, action, spokenWord int64
}

func newBodyTest(t *testing.T) *bodyTest {
	t.Helper()
	env := apitest.NewEnv(t, services.All()...)
	b := &bodyTest{url: env.URL, client: env.HTTP, pool: env.Pool}
	b.script = b.create(t, "/scripts", `{"title":"Romeo and Juliet"}`, "scriptId")
	b.section = b.create(t, fmt.Sprintf("/scripts/%d/sections", b.script), `{"title":"Scene II","kind":"scene"}`, "headingId")
	b.character = b.create(t, "/characters", `{"name":"JULIET","description":"a Capulet"}`, "characterId")
	b.action = b.create(t, "/actions", fmt.Sprintf(`{"scriptId":%d,"description":"appears above"}`, b.script), "actionId")
	b.spokenWord = b.create(t, "/spokenWords", fmt.Sprintf(`{"scriptId":%d,"text":"Ay me!"}`, b.script), "dialogueId")
	return b
}

func (b *bodyTest) send(t *testing.T, method, path, body string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.url+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, answer
}

func (b *bodyTest) create(t *testing.T, path, body, idField string) int64 {
	t.Helper()
	status, _, answer := b.send(t, http.MethodPost, path, body)
	require.Equal(t, http.StatusCreated, status, "%s: %s", path, answer)
	var created map[string]any
	require.NoError(t, json.Unmarshal(answer, &created))
	id, ok := created[idField].(float64)
	require.True(t, ok, "%s: no %s in %s", path, idField, answer)
	return int64(id)
}

// refused sends body and requires a 400 ErrorResponse with code whose details hold details.
func (b *bodyTest) refused(t *testing.T, method, path, body, code, details string, header ...string) {
	t.Helper()
	status, _, answer := b.send(t, method, path, body, header...)
	require.Equal(t, http.StatusBadRequest, status, "%s %s: %s", method, path, answer)
	var e struct {
		ErrorCode string
		Details   json.RawMessage
	}
	require.NoError(t, json.Unmarshal(answer, &e))
	require.Equal(t, code, e.ErrorCode, "%s %s: %s", method, path, answer)
	require.Contains(t, detailsText(t, e.Details), details, "%s %s", method, path)
}

// detailsText is an error body's details: one string, or the Character Management API's array of
// strings (see httpapi.DetailsAsList) joined; the test kit checks each service's shape against its spec.
func detailsText(t *testing.T, details json.RawMessage) string {
	t.Helper()
	var one string
	if json.Unmarshal(details, &one) == nil {
		return one
	}
	var list []string
	require.NoError(t, json.Unmarshal(details, &list), string(details))
	return strings.Join(list, "\n")
}

// rows counts the rows of every table: of every service, the idempotency keys and the migrations'
// bookkeeping. A request refused before its handler changes none of them.
func (b *bodyTest) rows(t *testing.T) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	r, err := b.pool.Query(ctx, `
		SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
		WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(r, pgx.RowTo[string])
	require.NoError(t, err)
	require.NotEmpty(t, tables)
	counts := map[string]int64{}
	for _, table := range tables {
		var n int64
		require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n))
		counts[table] = n
	}
	return counts
}

// createCase is a create with a valid body whose one string holds TEXT, which a test replaces.
type createCase struct{ path, body string }

// creates are the create operations of every service that takes a JSON body.
func (b *bodyTest) creates() []createCase {
	return []createCase{
		{"/scripts", `{"title":"Hamlet TEXT"}`},
		{fmt.Sprintf("/scripts/%d/sections", b.script), `{"title":"Scene III TEXT","kind":"scene"}`},
		{fmt.Sprintf("/scripts/%d/transitions", b.script), `{"text":"CUT TO: TEXT"}`},
		{"/characters", `{"name":"ROMEO TEXT","description":"a Montague"}`},
		{"/actions", fmt.Sprintf(`{"scriptId":%d,"description":"climbs TEXT"}`, b.script)},
		{"/spokenWords", fmt.Sprintf(`{"scriptId":%d,"text":"O Romeo TEXT"}`, b.script)},
		{fmt.Sprintf("/characters/%d/paraphrases", b.character), `{"text":"the girl TEXT","commentary":"plainer"}`},
		{fmt.Sprintf("/actions/%d/paraphrases", b.action), `{"text":"is seen TEXT","commentary":"plainer"}`},
		{fmt.Sprintf("/spokenWords/%d/paraphrases", b.spokenWord), `{"text":"Alas TEXT","commentary":"plainer"}`},
		{"/sessions", `{"userId":1,"context":"rehearsal TEXT"}`},
		{"/characterContexts", fmt.Sprintf(`{"scriptId":%d,"characterId":%d,"startSequence":1,"context":{"mood":"longing TEXT"}}`, b.script, b.character)},
		{"/sequence", `{"elementType":"sectionTEXT","elementId":424242}`},
		{"/sequence/version", fmt.Sprintf(`{"elementType":"spokenWord","elementId":%d,"newVersionData":{"text":"Ay me TEXT"}}`, b.spokenWord)},
		{"/logs", `{"timestamp":"2026-11-25T20:00:00Z","service":"scripts","endpoint":"/scripts","method":"GET","statusCode":200,` +
			`"responseTimeMs":0.3,"message":"listed TEXT","requestId":"r1"}`},
	}
}

func (c createCase) with(text string) string { return strings.Replace(c.body, "TEXT", text, 1) }

// acceptedOnceFixed: the bodies refused were refused for the fault alone. The same body without it
// creates the element, although the refused requests carried the same Idempotency-Key: their answer
// was not kept as the key's.
func (b *bodyTest) acceptedOnceFixed(t *testing.T, c createCase, key string) {
	t.Helper()
	status, header, answer := b.send(t, http.MethodPost, c.path, c.with(""), "Idempotency-Key", key)
	require.Contains(t, []int{http.StatusOK, http.StatusCreated}, status, "%s: %s", c.path, answer)
	require.Empty(t, header.Get("Idempotent-Replayed"), c.path)
}

// TestJSONBodyDataAfterTheValueIsRefused: a body is one JSON value; what follows it is not ignored
// but refused as MALFORMED_JSON, and nothing is stored.
func TestJSONBodyDataAfterTheValueIsRefused(t *testing.T) {
	t.Parallel()
	b := newBodyTest(t)
	before := b.rows(t)
	for _, c := range b.creates() {
		key := "after-" + c.path
		body := c.with("")
		b.refused(t, http.MethodPost, c.path, body+"}", httpapi.CodeMalformedJSON,
			fmt.Sprintf("byte offset %d: found '}' after the JSON value", len(body)), "Idempotency-Key", key)
		b.refused(t, http.MethodPost, c.path, body+"\n"+body, httpapi.CodeMalformedJSON,
			fmt.Sprintf("byte offset %d: found '{' after the JSON value", len(body)+1), "Idempotency-Key", key)
		b.refused(t, http.MethodPost, c.path, body+" x", httpapi.CodeMalformedJSON, "after the JSON value", "Idempotency-Key", key)
	}
	require.Equal(t, before, b.rows(t), "nothing stored")
	for _, c := range b.creates() {
		b.acceptedOnceFixed(t, c, "after-"+c.path)
	}
}

// TestJSONBodyTextThatIsNotUnicodeIsRefused: invalid UTF-8 and lone surrogates in a body are
// refused as MALFORMED_JSON (as they are in the URL) instead of being stored as U+FFFD; nothing is
// stored. A surrogate pair is a character like any other.
func TestJSONBodyTextThatIsNotUnicodeIsRefused(t *testing.T) {
	t.Parallel()
	b := newBodyTest(t)
	before := b.rows(t)
	for _, c := range b.creates() {
		key := "text-" + c.path
		for text, fault := range map[string]struct {
			at      int // from the start of the text
			details string
		}{
			"\xff":                {0, "invalid UTF-8 in a string"},
			"caf\xc3":             {3, "invalid UTF-8 in a string"},
			"\xed\xa0\x80":        {0, "invalid UTF-8 in a string"}, // a surrogate encoded as UTF-8
			`\ud800`:              {0, `unpaired UTF-16 surrogate \ud800`},
			`\uDFAD`:              {0, `unpaired UTF-16 surrogate \uDFAD`},
			`\udfad\ud83c`:        {0, `unpaired UTF-16 surrogate \udfad`},
			`\ud83c\u0041`:        {0, `unpaired UTF-16 surrogate \ud83c`},
			`\ud83c\\udfad`:       {0, `unpaired UTF-16 surrogate \ud83c`},
			`a\ud83c\udfad\udfad`: {13, `unpaired UTF-16 surrogate \udfad`},
		} {
			at := strings.Index(c.body, "TEXT") + fault.at
			b.refused(t, http.MethodPost, c.path, c.with(text), httpapi.CodeMalformedJSON,
				fmt.Sprintf("byte offset %d: %s", at, fault.details), "Idempotency-Key", key)
		}
	}
	require.Equal(t, before, b.rows(t), "nothing stored")
	for _, c := range b.creates() {
		b.acceptedOnceFixed(t, c, "text-"+c.path)
	}

	id := b.create(t, "/scripts", `{"title":"\ud83c\udfad \uD83C\uDF39"}`, "scriptId")
	status, _, answer := b.send(t, http.MethodGet, fmt.Sprintf("/scripts/%d", id), "")
	require.Equal(t, http.StatusOK, status, string(answer))
	var script struct{ Title string }
	require.NoError(t, json.Unmarshal(answer, &script))
	require.Equal(t, "🎭 🌹", script.Title)

	// Kong's logs relay what clients sent, so the Logging Service stores them as decoded instead.
	kong := `{"started_at":1764100800000,"request":{"method":"GET","uri":"/scripts","headers":{"user-agent":"curl` + "\xff" +
		` \ud800"}},"response":{"status":200},"latencies":{"request":3}}`
	status, _, answer = b.send(t, http.MethodPost, "/logs/kong", kong)
	require.Equal(t, http.StatusCreated, status, string(answer))
}

// TestJSONBodyDeepNestingIsRefused: arrays and objects nest at most httpapi.MaxJSONDepth levels in
// any body of any operation; a deeper body is refused as MALFORMED_JSON before anything decodes it
// (whose cost grows with the square of the depth), and nothing is stored.
func TestJSONBodyDeepNestingIsRefused(t *testing.T) {
	t.Parallel()
	b := newBodyTest(t)
	before := b.rows(t)
	arrays := func(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }
	objects := func(depth int) string {
		return strings.Repeat(`{"a":`, depth-1) + "{}" + strings.Repeat("}", depth-1)
	}
	const tooDeep = "arrays and objects nest deeper than 64 levels"

	operations := 0
	for _, svc := range services.All() {
		doc, err := openapi3.NewLoader().LoadFromData(svc.Spec)
		require.NoError(t, err)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.RequestBody == nil {
					continue
				}
				operations++
				p := pathParam.ReplaceAllString(path, "1")
				b.refused(t, method, p, arrays(1000), httpapi.CodeMalformedJSON, "byte offset 64: "+tooDeep)
				b.refused(t, method, p, objects(1000), httpapi.CodeMalformedJSON, "byte offset 320: "+tooDeep)
			}
		}
	}
	require.NotZero(t, operations)

	// Deep inside a body that is otherwise right, where the specs take any JSON.
	deepIn := func(path, prefix, suffix string) {
		b.refused(t, http.MethodPost, path, prefix+arrays(100000)+suffix, httpapi.CodeMalformedJSON, tooDeep)
	}
	deepIn("/characterContexts", fmt.Sprintf(`{"scriptId":%d,"characterId":%d,"startSequence":1,"context":{"mood":`, b.script, b.character), "}}")
	deepIn("/sessions", `{"userId":1,"contextData":{"state":`, "}}")
	deepIn("/sequence/version", fmt.Sprintf(`{"elementType":"spokenWord","elementId":%d,"newVersionData":{"text":`, b.spokenWord), "}}")
	deepIn("/logs/kong", `{"started_at":1764100800000,"request":{"method":"GET","uri":"/","headers":{"x":`,
		`}},"response":{"status":200}}`)
	// The report's reproduction: 80 KB that cost 15 s of CPU on either ingest path.
	b.refused(t, http.MethodPost, "/logs", arrays(40000), httpapi.CodeMalformedJSON, tooDeep)
	b.refused(t, http.MethodPost, "/logs/kong", arrays(40000), httpapi.CodeMalformedJSON, tooDeep)
	require.Equal(t, before, b.rows(t), "nothing stored")

	// At the bound a body is read as usual: here a context of 62 levels in a body of 64.
	context := func(depth int) string {
		return fmt.Sprintf(`{"scriptId":%d,"characterId":%d,"startSequence":%d,"context":%s}`, b.script, b.character, depth, objects(depth-1))
	}
	b.refused(t, http.MethodPost, "/characterContexts", context(httpapi.MaxJSONDepth+1), httpapi.CodeMalformedJSON, tooDeep)
	b.create(t, "/characterContexts", context(httpapi.MaxJSONDepth), "contextId")
}

// TestRelayedBodiesNameOperations: a service's relayed bodies must be operations of its spec, or a
// misspelt name would quietly leave the Kong batches refused.
func TestRelayedBodiesNameOperations(t *testing.T) {
	t.Parallel()
	svc := logs.Service()
	svc.RelayedBodies = []string{"ingestKongLog"}
	_, err := app.Handler([]service.Service{svc}, app.Options{Pool: dbtest.NewPool(t)})
	require.ErrorContains(t, err, `logs spec: no operation "ingestKongLog"`)
}

// TestJSONBodyChecksEveryJSONMediaType: the check applies to whatever the decoders would read as
// JSON, and leaves other bodies to the validator's 415.
func TestJSONBodyChecksEveryJSONMediaType(t *testing.T) {
	t.Parallel()
	b := newBodyTest(t)
	for contentType, want := range map[string]int{
		"application/json":                  http.StatusBadRequest,
		"application/json; charset=utf-8":   http.StatusBadRequest,
		"Application/JSON ; x":              http.StatusBadRequest,
		"application/merge-patch+json":      http.StatusBadRequest,
		"text/plain":                        http.StatusUnsupportedMediaType,
		"application/x-www-form-urlencoded": http.StatusUnsupportedMediaType,
	} {
		status, _, answer := b.send(t, http.MethodPost, "/scripts", `{"title":"A"}}`, "Content-Type", contentType)
		require.Equal(t, want, status, "%s: %s", contentType, answer)
	}
}
