package access

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/services"
)

// marker is in every text of tenant alpha's world and nowhere else: a body another tenant gets that
// holds it shows alpha's data.
const marker = "zqalpha"

// world is what tenant alpha wrote: every id, by kind (the name the APIs give the id).
type world struct {
	script, sections, characters, actions, lines, transition []int64
	actionParaphrase, lineParaphrase, characterParaphrase    int64
	session, context, userID                                 int64
	clientScript                                             int64 // a script element id alpha placed in the v2 scope "script"
	key                                                      string
}

// ids are alpha's ids by kind, as the JSON fields name them.
func (w world) ids() map[string]map[int64]bool {
	set := func(ids ...int64) map[int64]bool {
		m := map[int64]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	return map[string]map[int64]bool{
		"script":     set(w.script...),
		"section":    set(w.sections...),
		"character":  set(w.characters...),
		"action":     set(w.actions...),
		"spokenWord": set(w.lines...),
		"transition": set(w.transition...),
		"paraphrase": set(w.actionParaphrase, w.lineParaphrase, w.characterParaphrase),
		"session":    set(w.session),
		"context":    set(w.context),
	}
}

// kindOf is the kind of id a JSON field holds.
var kindOf = map[string]string{
	"scriptId": "script", "characterId": "character", "actionId": "action", "dialogueId": "spokenWord",
	"spokenWordId": "spokenWord", "headingId": "section", "sectionId": "section", "transitionId": "transition",
	"paraphraseId": "paraphrase", "sessionId": "session", "contextId": "context",
}

// call sends one request and answers its status and body.
func call(t *testing.T, c *http.Client, method, url string, body any, header ...string) (int, []byte) {
	t.Helper()
	status, _, b := callH(t, c, method, url, body, header...)
	return status, b
}

// callH is call answering the response headers too.
func callH(t *testing.T, c *http.Client, method, url string, body any, header ...string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	contentType := "application/json"
	if doc, ok := body.(screenplay); ok {
		r, contentType = strings.NewReader(string(doc)), "text/x-fountain"
	} else if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, b
}

// screenplay is a request body sent as a Fountain document rather than as JSON.
type screenplay string

// create sends a create and answers the id field of its 201 body.
func create(t *testing.T, c *http.Client, url, field string, body any) int64 {
	t.Helper()
	status, b := call(t, c, http.MethodPost, url, body)
	require.Equal(t, http.StatusCreated, status, "POST %s: %s", url, b)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	id, ok := m[field].(float64)
	require.True(t, ok, "POST %s: no %s in %s", url, field, b)
	return int64(id)
}

// writeAlpha writes tenant alpha's story through the public APIs: a script with two scenes and a
// transition, characters, an action and lines, paraphrases of each, a session, a character
// context, client positions and versions, request log entries and an API key.
func writeAlpha(t *testing.T, base string, c, ingest *http.Client) world {
	t.Helper()
	var w world
	w.script = []int64{create(t, c, base+"/scripts", "scriptId", map[string]any{
		"title": marker + " script", "author": marker + " author", "description": marker + " description"})}
	s := w.script[0]
	for i := 1; i <= 2; i++ {
		w.sections = append(w.sections, create(t, c, fmt.Sprintf("%s/scripts/%d/sections", base, s), "headingId",
			map[string]any{"title": fmt.Sprintf("%s scene %d", marker, i), "kind": "scene"}))
	}
	for _, name := range []string{"ZQALPHA ONE", "ZQALPHA TWO"} {
		w.characters = append(w.characters, create(t, c, base+"/characters", "characterId",
			map[string]any{"name": name, "description": marker + " character"}))
	}
	w.actions = append(w.actions, create(t, c, base+"/actions", "actionId", map[string]any{
		"scriptId": s, "sectionId": w.sections[0], "characterId": w.characters[0], "description": marker + " enters"}))
	for i, who := range w.characters {
		w.lines = append(w.lines, create(t, c, base+"/spokenWords", "dialogueId", map[string]any{
			"scriptId": s, "sectionId": w.sections[i], "characterId": who, "text": fmt.Sprintf("%s line %d", marker, i+1)}))
	}
	w.transition = []int64{create(t, c, fmt.Sprintf("%s/scripts/%d/transitions", base, s), "transitionId",
		map[string]any{"text": "ZQALPHA CUT TO:", "sectionId": w.sections[0]})}
	para := map[string]any{"text": marker + " in other words", "commentary": marker + " commentary"}
	w.actionParaphrase = create(t, c, fmt.Sprintf("%s/actions/%d/paraphrases", base, w.actions[0]), "paraphraseId", para)
	w.lineParaphrase = create(t, c, fmt.Sprintf("%s/spokenWords/%d/paraphrases", base, w.lines[0]), "paraphraseId", para)
	w.characterParaphrase = create(t, c, fmt.Sprintf("%s/characters/%d/paraphrases", base, w.characters[0]), "paraphraseId", para)
	w.userID = 424242
	w.session = create(t, c, base+"/sessions", "sessionId", map[string]any{
		"userId": w.userID, "context": marker + " session", "contextData": map[string]any{"scriptId": s, "note": marker}})
	w.context = create(t, c, base+"/characterContexts", "contextId", map[string]any{
		"characterId": w.characters[0], "scriptId": s, "startSequence": 1, "context": map[string]any{"mood": marker}})

	// Client positions: two script elements in the v2 scope (alpha's script's own id second, so
	// another tenant placing that element would see number 2 if it shared alpha's order), and a
	// line of alpha's in a client order of its own; two versions of that line.
	w.clientScript = s + 1000
	for _, id := range []int64{w.clientScript, s} {
		status, b := call(t, c, http.MethodPost, base+"/sequence", map[string]any{"elementType": "script", "elementId": id})
		require.Equal(t, http.StatusCreated, status, "%s", b)
	}
	status, b := call(t, c, http.MethodPost, base+"/sequence", map[string]any{"elementType": "spokenWord", "elementId": w.lines[0], "scope": "beats"})
	require.Equal(t, http.StatusCreated, status, "%s", b)
	for i := 1; i <= 2; i++ {
		status, b := call(t, c, http.MethodPost, base+"/sequence/version", map[string]any{
			"elementType": "spokenWord", "elementId": w.lines[0], "newVersionData": map[string]any{"text": fmt.Sprintf("%s version %d", marker, i)}})
		require.Equal(t, http.StatusCreated, status, "%s", b)
	}

	status, b = call(t, ingest, http.MethodPost, base+"/logs", []map[string]any{{
		"timestamp": "2026-11-25T20:00:00.123Z", "service": "scripts", "method": "GET", "endpoint": fmt.Sprintf("/scripts/%d", s),
		"statusCode": 200, "responseTimeMs": 1.5, "message": marker + " logged line", "requestId": "zqalpha000000001",
		"level": "info", "operationId": "getScript", "tenant": "alpha", "subject": marker + "-subject",
	}})
	require.Equal(t, http.StatusCreated, status, "%s", b)

	status, b = call(t, c, http.MethodPost, base+"/keys", map[string]any{"name": marker + " key", "role": "writer"})
	require.Equal(t, http.StatusCreated, status, "%s", b)
	var key struct {
		KeyID string `json:"keyId"`
	}
	require.NoError(t, json.Unmarshal(b, &key))
	require.NotEmpty(t, key.KeyID, "%s", b)
	w.key = key.KeyID
	return w
}

// specOp is one operation of a spec as this test needs it.
type specOp struct {
	service, id, method, path string
	params                    openapi3.Parameters
	example                   any // the first example of the request body, or nil
}

// specOps lists every operation of every spec with its parameters and first request example (in
// the order the spec writes them).
func specOps(t *testing.T) []specOp {
	t.Helper()
	var ops []specOp
	for _, s := range services.All() {
		doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
		require.NoError(t, err)
		var raw yaml.Node
		require.NoError(t, yaml.Unmarshal(s.Spec, &raw))
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				o := specOp{service: s.Name, id: op.OperationID, method: method, path: path, params: append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)}
				if op.RequestBody != nil {
					for ct, mt := range op.RequestBody.Value.Content {
						if doc, ok := mt.Example.(string); ok && ct == "text/x-fountain" && o.example == nil {
							o.example = screenplay(doc)
							continue
						}
						if !strings.Contains(ct, "json") {
							continue
						}
						name := firstExampleName(&raw, path, strings.ToLower(method), ct)
						if ex, ok := mt.Examples[name]; ok && ex.Value != nil {
							o.example = ex.Value.Value
						} else if mt.Example != nil {
							o.example = mt.Example
						}
					}
					require.NotNil(t, o.example, "%s has a request body without an example", o.id)
				}
				ops = append(ops, o)
			}
		}
	}
	// Reads first, then writes, deletes last: a delete that wrongly succeeded would hide what
	// the others do.
	rank := map[string]int{http.MethodGet: 0, http.MethodPost: 1, http.MethodPut: 1, http.MethodPatch: 1, http.MethodDelete: 2}
	sort.Slice(ops, func(i, j int) bool {
		if rank[ops[i].method] != rank[ops[j].method] {
			return rank[ops[i].method] < rank[ops[j].method]
		}
		return ops[i].id < ops[j].id
	})
	require.Len(t, ops, len(operations(t)))
	return ops
}

// firstExampleName is the name of the first entry of the request body's examples, as the spec
// writes them.
func firstExampleName(root *yaml.Node, path, method, contentType string) string {
	n := root
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	for _, k := range []string{"paths", path, method, "requestBody", "content", contentType, "examples"} {
		n = child(n, k)
		if n == nil {
			return ""
		}
	}
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return ""
	}
	return n.Content[0].Value
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// resourceParams are the path parameters that name a resource of alpha's.
var resourceParams = map[string]bool{"scriptId": true, "sectionId": true, "transitionId": true, "characterId": true,
	"actionId": true, "spokenWordId": true, "paraphraseId": true, "sessionId": true, "contextId": true, "keyId": true}

// target is an operation aimed at alpha's resources: the URL (path and query) and body.
type target struct {
	specOp
	url     string
	body    any
	aimsAt  bool // a path parameter names a resource of alpha's
	variant string
}

// aim fills op's path parameters with alpha's ids, its obvious query filters with alpha's, and
// its example body's ids with alpha's.
func (w world) aim(op specOp) []target {
	path := param.ReplaceAllStringFunc(op.path, func(p string) string {
		return w.pathValue(op.path, strings.Trim(p, "{}"))
	})
	q := url.Values{}
	for _, p := range op.params {
		if p.Value.In != "query" {
			continue
		}
		if v, ok := w.queryValue(op, p.Value.Name); ok {
			q.Set(p.Value.Name, v)
		} else if p.Value.Required {
			q.Set(p.Value.Name, fmt.Sprint(p.Value.Example))
		}
	}
	t := target{specOp: op, url: path, body: w.substitute(op.example, "")}
	for _, p := range op.params {
		if p.Value.In == "path" && resourceParams[p.Value.Name] {
			t.aimsAt = true
		}
	}
	var ts []target
	add := func(variant string, q url.Values) {
		v := t
		v.variant = variant
		if len(q) > 0 {
			v.url += "?" + q.Encode()
		}
		ts = append(ts, v)
	}
	add("", q)
	with := func(k, v string) url.Values {
		c := url.Values{}
		for k, vs := range q {
			c[k] = vs
		}
		c.Set(k, v)
		return c
	}
	switch op.id {
	case "getElementPosition", "listElementPositions":
		add("owner=content", with("owner", "content"))
		add("owner=client", with("owner", "client"))
	case "listPositions":
		add("client order", url.Values{"scope": {"beats"}})
		add("v2 order", url.Values{"scope": {"script"}})
		add("sections", with("scope", "sections"))
	}
	return ts
}

func (w world) pathValue(path, name string) string {
	switch name {
	case "scriptId":
		return strconv.FormatInt(w.script[0], 10)
	case "sectionId":
		return strconv.FormatInt(w.sections[0], 10)
	case "transitionId":
		return strconv.FormatInt(w.transition[0], 10)
	case "characterId":
		return strconv.FormatInt(w.characters[0], 10)
	case "actionId":
		return strconv.FormatInt(w.actions[0], 10)
	case "spokenWordId":
		return strconv.FormatInt(w.lines[0], 10)
	case "paraphraseId":
		switch {
		case strings.HasPrefix(path, "/actions/"):
			return strconv.FormatInt(w.actionParaphrase, 10)
		case strings.HasPrefix(path, "/spokenWords/"):
			return strconv.FormatInt(w.lineParaphrase, 10)
		default:
			return strconv.FormatInt(w.characterParaphrase, 10)
		}
	case "sessionId":
		return strconv.FormatInt(w.session, 10)
	case "contextId":
		return strconv.FormatInt(w.context, 10)
	case "keyId":
		return w.key
	case "elementType":
		return "spokenWord" // alpha's line: a content position, a client one and two versions
	case "elementId":
		return strconv.FormatInt(w.lines[0], 10)
	case "versionNumber":
		return "1"
	}
	panic("no value for path parameter " + name + " of " + path)
}

func (w world) queryValue(op specOp, name string) (string, bool) {
	join := func(ids []int64) string {
		var s []string
		for _, id := range ids {
			s = append(s, strconv.FormatInt(id, 10))
		}
		return strings.Join(s, ",")
	}
	switch name {
	case "scriptId":
		return strconv.FormatInt(w.script[0], 10), true
	case "ids":
		switch op.id {
		case "listActions":
			return join(w.actions), true
		case "listSpokenWords", "listElementPositions":
			return join(w.lines), true
		case "listCharacters":
			return join(w.characters), true
		}
	case "actionIds":
		return join(w.actions), true
	case "dialogueIds":
		return join(w.lines), true
	case "paraphraseId":
		return strconv.FormatInt(w.characterParaphrase, 10), true
	case "userId":
		return strconv.FormatInt(w.userID, 10), true
	case "scope":
		return "story", true
	case "query":
		return marker, true
	case "startSequence":
		return "1", true
	case "endSequence":
		return "100", true
	}
	return "", false
}

// substitute copies an example body with alpha's ids in its id fields.
func (w world) substitute(v any, key string) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = w.substitute(x, k)
		}
		if _, ok := v["elementId"].(float64); ok {
			if typ, ok := v["elementType"].(string); ok {
				out["elementId"] = w.element(typ)
			}
		}
		if _, ok := v["originalId"]; ok {
			out["originalId"] = w.characters[0]
		}
		if hs, ok := v["elements"].([]any); ok && len(hs) == 2 && key == "" {
			// A reorder: alpha's two headings, or alpha's two sections by element, swapped.
			for i, h := range hs {
				m := out["elements"].([]any)[i].(map[string]any)
				if _, ok := h.(map[string]any)["headingId"]; ok {
					m["headingId"] = w.sections[i]
				}
				if _, ok := h.(map[string]any)["elementId"]; ok {
					m["elementId"] = w.sections[i]
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = w.substitute(x, key)
		}
		return out
	case float64:
		switch key {
		case "scriptId":
			return w.script[0]
		case "characterId":
			return w.characters[0]
		case "sectionId", "headingId":
			return w.sections[0]
		case "actionId":
			return w.actions[0]
		case "spokenWordId", "dialogueId":
			return w.lines[0]
		case "transitionId":
			return w.transition[0]
		}
	}
	return v
}

func (w world) element(typ string) int64 {
	switch typ {
	case "section":
		return w.sections[0]
	case "action":
		return w.actions[0]
	case "spokenWord":
		return w.lines[0]
	case "transition":
		return w.transition[0]
	case "character":
		return w.characters[0]
	}
	return w.script[0]
}

// snapshot is what alpha reads of its world: every GET aimed at alpha's ids, and alpha's rows.
type snapshot struct {
	answers map[string]string
	rows    map[string]int64
}

func takeSnapshot(t *testing.T, pool *pgxpool.Pool, base string, alpha *http.Client, w world, ops []specOp) snapshot {
	t.Helper()
	s := snapshot{answers: map[string]string{}, rows: alphaRows(t, pool)}
	for _, op := range ops {
		if op.method != http.MethodGet {
			continue
		}
		for _, tg := range w.aim(op) {
			status, b := call(t, alpha, http.MethodGet, base+tg.url, nil)
			s.answers[tg.url] = fmt.Sprintf("%d %s", status, normalized(b))
		}
	}
	return s
}

func normalized(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// alphaRows counts the rows of tenant alpha in every table with a tenant column.
func alphaRows(t *testing.T, pool *pgxpool.Pool) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT t.table_schema, t.table_name FROM information_schema.tables t
		JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'tenant'
		WHERE t.table_type = 'BASE TABLE' AND t.table_schema NOT IN ('pg_catalog', 'information_schema')
		ORDER BY 1, 2`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var schema, name string
		require.NoError(t, rows.Scan(&schema, &name))
		tables = append(tables, fmt.Sprintf("%q.%q", schema, name))
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, tables)
	counts := map[string]int64{}
	for _, table := range tables {
		var n int64
		require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+table+" WHERE tenant = 'alpha'").Scan(&n))
		counts[table] = n
	}
	return counts
}

// TestAnotherTenantsResourcesAreNotFound writes tenant alpha's story, then has an admin of tenant
// beta call every operation of every spec aimed at alpha's resources: each answers 404 (never 403,
// never a success), lists hold none of alpha's data, creates that name alpha's resources are
// refused, and afterwards alpha reads exactly what it read before.
func TestAnotherTenantsResourcesAreNotFound(t *testing.T) {
	t.Parallel()
	env := apitest.NewEnv(t, services.All()...)
	pool := env.Pool
	alpha := env.As(t, "alpha", auth.Admin).HTTP
	beta := env.As(t, "beta", auth.Admin).HTTP
	w := writeAlpha(t, env.URL, alpha, env.As(t, "", auth.Ingest).HTTP)

	// Beta has a little of its own, so that its lists are not empty by default.
	betaScript := create(t, beta, env.URL+"/scripts", "scriptId", map[string]any{"title": "beta's own"})
	betaCharacter := create(t, beta, env.URL+"/characters", "characterId", map[string]any{"name": "BETA", "description": "beta's own"})
	create(t, beta, env.URL+"/spokenWords", "dialogueId", map[string]any{"scriptId": betaScript, "characterId": betaCharacter, "text": "beta's own"})

	ops := specOps(t)
	before := takeSnapshot(t, pool, env.URL, alpha, w, ops)
	for url, answer := range before.answers {
		if strings.Contains(url, "/stories") || strings.Contains(url, "/scripts/") || strings.Contains(url, "/actions/") {
			require.True(t, strings.HasPrefix(answer, "200 "), "alpha reads its own %s: %s", url, answer)
		}
	}

	// What beta must not see, alpha does see: its logs, keys, scripts, lines and versions.
	for _, url := range []string{"/logs", "/logs/search?query=" + marker, "/keys", "/scripts", fmt.Sprintf("/spokenWords?ids=%d%%2C%d&scriptId=%d", w.lines[0], w.lines[1], w.script[0])} {
		require.Contains(t, before.answers[url], marker, "alpha's own %s", url)
	}
	require.Contains(t, before.answers[fmt.Sprintf("/sequence/elements/spokenWord/%d/versions", w.lines[0])], `"totalCount":2`)
	t.Logf("alpha's rows: %v; %d reads", before.rows, len(before.answers))

	ids := w.ids()
	var report []string
	for _, op := range ops {
		for _, tg := range w.aim(op) {
			status, b := call(t, beta, op.method, env.URL+tg.url, tg.body)
			name := op.id
			if tg.variant != "" {
				name += " (" + tg.variant + ")"
			}
			report = append(report, fmt.Sprintf("%-45s %-6s %s -> %d", name, op.method, tg.url, status))
			what := fmt.Sprintf("beta %s %s %s body %s -> %d %s", op.id, op.method, tg.url, mustJSON(tg.body), status, b)
			exp := expectation(op, tg)
			require.False(t, status == http.StatusForbidden && exp != forbidden, "another tenant's resource is 404, never 403: %s", what)
			require.NotContains(t, string(b), marker, "alpha's data in the answer: %s", what)
			switch exp {
			case notFound:
				require.Equal(t, http.StatusNotFound, status, what)
				if op.method == http.MethodGet {
					require.True(t, strings.HasPrefix(before.answers[tg.url], "200 "), "alpha reads what beta does not find: %s: %s", tg.url, before.answers[tg.url])
				}
			case refused:
				require.True(t, status >= 400 && status < 500 && status != http.StatusForbidden, "a create naming alpha's resources must be refused: %s", what)
			case listed:
				require.True(t, status >= 200 && status < 300, what)
				if bad := alphaIDs(b, ids, false); bad != "" {
					t.Errorf("alpha's %s in a list: %s", bad, what)
				}
			case own:
				require.True(t, status >= 200 && status < 300, what)
				if op.id == "generateSequenceNumber" || op.id == "createVersion" {
					// The element ids of a client are its own: beta gets its own order and history.
					var r map[string]any
					require.NoError(t, json.Unmarshal(b, &r))
					if op.id == "generateSequenceNumber" {
						require.Equal(t, true, r["created"], "beta places its own element anew: %s", what)
						require.EqualValues(t, 1, r["sequenceNumber"], "beta's own order: %s", what)
					} else {
						require.EqualValues(t, 1, r["versionNumber"], "beta's own history: %s", what)
					}
				}
			case forbidden:
				require.Equal(t, http.StatusForbidden, status, what)
			}
		}
	}
	t.Logf("beta's answers:\n%s", strings.Join(report, "\n"))

	after := takeSnapshot(t, pool, env.URL, alpha, w, ops)
	require.Equal(t, before.rows, after.rows, "alpha's rows per table")
	for url, answer := range before.answers {
		require.Equal(t, answer, after.answers[url], "alpha's GET %s", url)
	}
	require.Len(t, after.answers, len(before.answers))

	// The same writes by alpha reach alpha's resources: what beta was refused was refused because
	// they are alpha's, not because the request was wrong. (Deletes are left out: one would take
	// away what the next needs.)
	for _, op := range ops {
		if op.method == http.MethodGet || op.method == http.MethodDelete {
			continue
		}
		for _, tg := range w.aim(op) {
			exp := expectation(op, tg)
			if exp != notFound && exp != refused {
				continue
			}
			status, b := call(t, alpha, op.method, env.URL+tg.url, tg.body)
			what := fmt.Sprintf("alpha %s %s %s body %s -> %d %s", op.id, op.method, tg.url, mustJSON(tg.body), status, b)
			if exp == refused {
				require.True(t, status >= 200 && status < 300, what)
			} else {
				require.NotEqual(t, http.StatusNotFound, status, "alpha finds what beta did not: %s", what)
			}
		}
	}
}

type expect int

const (
	notFound  expect = iota // the operation names a resource of alpha's
	refused                 // a create whose body names alpha's resources
	listed                  // a list or search: beta's own only
	own                     // a write of beta's own, naming nothing of alpha's
	forbidden               // not for an admin (request logs take the ingest credential)
)

func expectation(op specOp, tg target) expect {
	switch op.id {
	case "ingestLogs", "ingestKongLogs":
		return forbidden
	case "getElementPosition", "getVersion", "releasePosition", "moveElements", "reorderElements",
		"getFullStory", "getStorySequences", "exportStoryFountain", "exportStoryPdf":
		return notFound // alpha's positions, versions and story are not beta's
	case "listVersions", "listElementPositions":
		return listed
	case "createAction", "createSpokenWord", "createCharacterContext":
		return refused
	case "generateSequenceNumber", "createVersion", "createScript", "importScript", "createCharacter", "createSession", "createKey":
		return own
	}
	if tg.aimsAt {
		return notFound
	}
	return listed
}

// alphaIDs names an id of alpha's that b holds inside a list (values outside arrays echo the
// request), or "".
func alphaIDs(b []byte, ids map[string]map[int64]bool, inList bool) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	var found string
	var walk func(v any, inList bool)
	walk = func(v any, inList bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if n, ok := x.(float64); ok && inList {
					kind := kindOf[k]
					if k == "elementId" {
						kind, _ = v["elementType"].(string)
					}
					if k == "originalId" {
						kind, _ = v["originalType"].(string)
					}
					if ids[kind][int64(n)] && found == "" {
						found = fmt.Sprintf("%s %s %d", kind, k, int64(n))
					}
				}
				walk(x, inList)
			}
		case []any:
			for _, x := range v {
				walk(x, true)
			}
		}
	}
	walk(v, inList)
	return found
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestIdempotencyKeysArePerTenant sends one create with the same Idempotency-Key and body as two
// tenants: each gets a script of its own, which the other does not find, and a repeat replays the
// tenant's own answer.
func TestIdempotencyKeysArePerTenant(t *testing.T) {
	t.Parallel()
	env := apitest.NewEnv(t, services.All()...)
	alpha := env.As(t, "alpha", auth.Writer).HTTP
	beta := env.As(t, "beta", auth.Writer).HTTP
	body := map[string]any{"title": "The same title", "author": "The same author"}
	const key = "the-same-key-for-both-tenants"

	post := func(c *http.Client) (int64, bool) {
		status, h, b := callH(t, c, http.MethodPost, env.URL+"/scripts", body, "Idempotency-Key", key)
		require.Equal(t, http.StatusCreated, status, "%s", b)
		var r struct {
			ScriptID int64 `json:"scriptId"`
		}
		require.NoError(t, json.Unmarshal(b, &r))
		return r.ScriptID, h.Get("Idempotent-Replayed") == "true"
	}
	a, replayed := post(alpha)
	require.False(t, replayed)
	b, replayed := post(beta)
	require.False(t, replayed, "beta's first request is not a repeat of alpha's")
	require.NotEqual(t, a, b, "two tenants, two scripts")

	again, replayed := post(alpha)
	require.True(t, replayed, "alpha's repeat replays")
	require.Equal(t, a, again)
	again, replayed = post(beta)
	require.True(t, replayed, "beta's repeat replays")
	require.Equal(t, b, again)

	for _, c := range []struct {
		client     *http.Client
		own, other int64
	}{{alpha, a, b}, {beta, b, a}} {
		status, got := call(t, c.client, http.MethodGet, fmt.Sprintf("%s/scripts/%d", env.URL, c.own), nil)
		require.Equal(t, http.StatusOK, status, "%s", got)
		status, got = call(t, c.client, http.MethodGet, fmt.Sprintf("%s/scripts/%d", env.URL, c.other), nil)
		require.Equal(t, http.StatusNotFound, status, "%s", got)
		status, got = call(t, c.client, http.MethodGet, env.URL+"/scripts", nil)
		require.Equal(t, http.StatusOK, status, "%s", got)
		var list struct {
			Scripts []struct {
				ScriptID int64 `json:"scriptId"`
			} `json:"scripts"`
		}
		require.NoError(t, json.Unmarshal(got, &list), "%s", got)
		require.Len(t, list.Scripts, 1, "%s", got)
		require.Equal(t, c.own, list.Scripts[0].ScriptID)
	}
	var n int64
	require.NoError(t, env.Pool.QueryRow(context.Background(), "SELECT count(*) FROM scripts.scripts").Scan(&n))
	require.EqualValues(t, 2, n, "one script per tenant, none from the repeats")
}
