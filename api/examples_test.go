package api_test

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
)

// Every example is validated against its schema when loadSpecs validates a document. The tests
// below hold the examples to each other: an SDK user or an agent reading one operation must not see
// an ETag that contradicts the body beside it, an error the response does not name, a parameter
// the operation does not take, or a created resource that differs from the request that made it.

// bodyExamples are the JSON examples of a request or response body, by name ("" for a lone
// `example`).
func bodyExamples(content openapi3.Content) map[string]any {
	mt := content.Get("application/json")
	if mt == nil {
		return nil
	}
	out := map[string]any{}
	if mt.Example != nil {
		out[""] = mt.Example
	}
	for name, ex := range mt.Examples {
		if ex.Value != nil && ex.Value.Value != nil {
			out[name] = ex.Value.Value
		}
	}
	return out
}

// eachOperation calls f for every operation of every spec.
func eachOperation(t *testing.T, f func(t *testing.T, where string, doc *openapi3.T, op *openapi3.Operation)) {
	for file, doc := range loadSpecs(t) {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				f(t, file+" "+method+" "+path, doc, op)
			}
		}
	}
}

// TestETagExamplesMatchTheirBodies: a response's ETag example is the `"<version>"` (or a story
// element's `"<version>.<sequenceNumber>"`) of every body example beside it.
func TestETagExamplesMatchTheirBodies(t *testing.T) {
	eachOperation(t, func(t *testing.T, where string, _ *openapi3.T, op *openapi3.Operation) {
		for status, resp := range op.Responses.Map() {
			h := resp.Value.Headers["ETag"]
			if h == nil || h.Value.Example == nil {
				continue
			}
			tag := fmt.Sprint(h.Value.Example)
			if strings.HasPrefix(tag, "W/") {
				continue // derived from the whole body, not from its fields
			}
			for name, body := range bodyExamples(resp.Value.Content) {
				obj, _ := body.(map[string]any)
				if !assert.Contains(t, obj, "version", "%s %s example %q has an ETag but no version", where, status, name) {
					continue
				}
				want := fmt.Sprintf(`"%v"`, obj["version"])
				if strings.Contains(tag, ".") {
					want = fmt.Sprintf(`"%v.%v"`, obj["version"], obj["sequenceNumber"])
				}
				assert.Equal(t, want, tag, "%s %s: the ETag example contradicts body example %q", where, status, name)
			}
		}
	})
}

// codeInText finds the error codes a response's description names, such as `SCRIPT_NOT_FOUND`.
var codeInText = regexp.MustCompile("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})`")

// identifier finds camelCase words in an example's message, the form parameter names take.
var identifier = regexp.MustCompile(`\b[a-z]+(?:[A-Z][a-z0-9]*)+\b`)

// TestErrorExamplesBelongToTheirOperation: an error example's code is one its response describes,
// and a parameter its message or details name is one of the operation's own (or a field of the
// operation's request body). A response shared by several operations must fit each of them.
func TestErrorExamplesBelongToTheirOperation(t *testing.T) {
	eachOperation(t, func(t *testing.T, where string, doc *openapi3.T, op *openapi3.Operation) {
		known := map[string]bool{}
		for _, p := range op.Parameters {
			known[p.Value.Name] = true
		}
		if item := doc.Paths.Find(pathOf(where)); item != nil {
			for _, p := range item.Parameters {
				known[p.Value.Name] = true
			}
		}
		if op.RequestBody != nil {
			for _, mt := range op.RequestBody.Value.Content {
				collectProperties(mt.Schema, known, map[*openapi3.Schema]bool{})
			}
		}
		for status, resp := range op.Responses.Map() {
			if status[0] != '4' && status[0] != '5' {
				continue
			}
			described := map[string]bool{}
			for _, m := range codeInText.FindAllStringSubmatch(deref(resp.Value.Description), -1) {
				described[m[1]] = true
			}
			examples := bodyExamples(resp.Value.Content)
			var misfits []string
			for name, body := range examples {
				obj, _ := body.(map[string]any)
				code, _ := obj["errorCode"].(string)
				if len(described) > 0 {
					assert.True(t, described[code], "%s %s example %q: errorCode %s is not one the response describes (%v)",
						where, status, name, code, sortedKeys(described))
				}
				if status == "409" {
					continue // a conflict names the state it meets, such as another resource's id
				}
				text := fmt.Sprint(obj["message"], " ", obj["details"])
				for _, id := range identifier.FindAllString(text, -1) {
					if schemaWord(doc, id) && !known[id] {
						misfits = append(misfits, fmt.Sprintf("example %q names %q", name, id))
						break
					}
				}
			}
			// Named examples of a shared response are alternatives (a session or a character
			// context not found): one of them must fit. A lone example must fit itself.
			if len(misfits) > 0 && (len(examples) == 1 || len(misfits) == len(examples)) {
				t.Errorf("%s %s: %s, which this operation does not take", where, status, strings.Join(misfits, "; "))
			}
		}
	})
}

// TestCreatedExamplesEchoTheirRequest: where a request example and a response example of a write
// share a name (or each is the only one), every field they both carry has the same value.
func TestCreatedExamplesEchoTheirRequest(t *testing.T) {
	eachOperation(t, func(t *testing.T, where string, _ *openapi3.T, op *openapi3.Operation) {
		if op.RequestBody == nil {
			return
		}
		requests := bodyExamples(op.RequestBody.Value.Content)
		for status, resp := range op.Responses.Map() {
			if status[0] != '2' {
				continue
			}
			responses := bodyExamples(resp.Value.Content)
			for name, req := range requests {
				res, ok := responses[name]
				if !ok && len(requests) == 1 && len(responses) == 1 {
					for _, only := range responses {
						res, ok = only, true
					}
				}
				if !ok {
					continue
				}
				in, _ := req.(map[string]any)
				out, _ := res.(map[string]any)
				for field, v := range in {
					if got, both := out[field]; both && isScalar(v) {
						assert.True(t, reflect.DeepEqual(v, got), "%s %s example %q: request %s=%v, response %s=%v", where, status, name, field, v, field, got)
					}
				}
			}
		}
	})
}

// TestMiddlewareHeadersDeclared: what every process adds to an answer is declared where it occurs:
// X-Request-Id and the gateway's rate-limit headers on every response, an ETag and a 304 on every
// GET, Location on every 201.
func TestMiddlewareHeadersDeclared(t *testing.T) {
	eachOperation(t, func(t *testing.T, where string, _ *openapi3.T, op *openapi3.Operation) {
		method := strings.Fields(where)[1]
		for status, resp := range op.Responses.Map() {
			for _, h := range []string{"X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
				assert.Contains(t, resp.Value.Headers, h, "%s %s", where, status)
			}
			if status == "201" {
				assert.Contains(t, resp.Value.Headers, "Location", "%s %s", where, status)
			}
			if status == "429" {
				assert.Contains(t, resp.Value.Headers, "Retry-After", "%s %s", where, status)
			}
		}
		if method != "GET" {
			return
		}
		ok := op.Responses.Value("200")
		assert.NotNil(t, ok, where)
		assert.Contains(t, ok.Value.Headers, "ETag", where)
		assert.NotNil(t, op.Responses.Value("304"), where)
		var conditional bool
		for _, p := range op.Parameters {
			conditional = conditional || (p.Value.In == "header" && p.Value.Name == "If-None-Match")
		}
		assert.True(t, conditional, "%s takes If-None-Match", where)
	})
}

func pathOf(where string) string { return strings.Fields(where)[2] }

func collectProperties(s *openapi3.SchemaRef, into map[string]bool, seen map[*openapi3.Schema]bool) {
	if s == nil || s.Value == nil || seen[s.Value] {
		return
	}
	seen[s.Value] = true
	for name, p := range s.Value.Properties {
		into[name] = true
		collectProperties(p, into, seen)
	}
	collectProperties(s.Value.Items, into, seen)
	for _, group := range [][]*openapi3.SchemaRef{s.Value.AllOf, s.Value.OneOf, s.Value.AnyOf} {
		for _, sub := range group {
			collectProperties(sub, into, seen)
		}
	}
}

// schemaWord reports whether id is the name of a parameter somewhere in doc: only such words are
// held to the operation, not every camelCase word of a message.
func schemaWord(doc *openapi3.T, id string) bool {
	for _, p := range doc.Components.Parameters {
		if p.Value.Name == id {
			return true
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, p := range item.Parameters {
			if p.Value.Name == id {
				return true
			}
		}
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value.Name == id {
					return true
				}
			}
		}
	}
	return false
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
