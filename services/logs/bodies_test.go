package logs

import (
	"context"
	stdjson "encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fountainai/fountainai/internal/httpapi"
)

const bodiesSpec = `
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    post:
      operationId: createThings
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - $ref: '#/components/schemas/Thing'
                - type: array
                  minItems: 1
                  maxItems: 3
                  items: {$ref: '#/components/schemas/Thing'}
      responses:
        '204': {description: ok}
components:
  schemas:
    Thing:
      type: object
      required: [name, count]
      additionalProperties: false
      properties:
        name: {type: string, minLength: 1, maxLength: 5, pattern: '^[a-z]+$'}
        count: {type: integer, minimum: 1, maximum: 10}
        ratio: {type: number, minimum: 0, exclusiveMinimum: true}
        at: {type: string, format: date-time}
        kind: {type: string, enum: [a, b]}
        note: {type: string, nullable: true}
        flag: {type: boolean}
        extra:
          type: object
          additionalProperties: {type: integer}
`

// TestCompiledBodiesAgreeWithKinOpenAPI checks the compiled checks against kin-openapi's own
// validation of the same schema, value by value.
func TestCompiledBodiesAgreeWithKinOpenAPI(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(bodiesSpec))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	schema := doc.Paths.Value("/things").Post.RequestBody.Value.Content.Get("application/json").Schema.Value
	mw, err := compiledBodies(doc, "createThings")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Paths.Value("/things").Post.RequestBody != nil {
		t.Fatal("the compiled body is left in the spec")
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))

	for _, body := range []string{
		`{"name":"ab","count":1}`,
		`[{"name":"ab","count":1},{"name":"c","count":10,"ratio":0.5,"at":"2026-11-25T20:00:00.5+01:00","kind":"b","note":null,"flag":true,"extra":{"x":1}}]`,
		`{"name":"ab"}`,
		`{"name":"","count":1}`,
		`{"name":"abcdef","count":1}`,
		`{"name":"AB","count":1}`,
		`{"name":"ab","count":0}`,
		`{"name":"ab","count":11}`,
		`{"name":"ab","count":1.5}`,
		`{"name":"ab","count":"1"}`,
		`{"name":"ab","count":1,"ratio":0}`,
		`{"name":"ab","count":1,"at":"yesterday"}`,
		`{"name":"ab","count":1,"kind":"c"}`,
		`{"name":"ab","count":1,"flag":"yes"}`,
		`{"name":"ab","count":1,"other":1}`,
		`{"name":"ab","count":1,"extra":{"x":"y"}}`,
		`{"name":"ab","count":1,"note":1}`,
		`[]`,
		`[{"name":"a","count":1},{"name":"a","count":1},{"name":"a","count":1},{"name":"a","count":1}]`,
		`[{"name":"a","count":1},{"name":"a"}]`,
		`"thing"`,
		`null`,
	} {
		var value any
		if err := jsonUnmarshalNumbers(body, &value); err != nil {
			t.Fatal(err)
		}
		kinErr := schema.VisitJSON(value, openapi3.VisitAsRequest())
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/things", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if accepted := rec.Code == http.StatusNoContent; accepted != (kinErr == nil) {
			t.Errorf("%s: compiled check answers %d %s; kin-openapi: %v", body, rec.Code, rec.Body, kinErr)
		}
		if rec.Code != http.StatusNoContent && (rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), httpapi.CodeValidationFailed)) {
			t.Errorf("%s: refused with %d %s", body, rec.Code, rec.Body)
		}
	}

	for body, want := range map[string]int{
		`{"name":"ab","count":1`:   http.StatusBadRequest, // MALFORMED_JSON
		`{"name":"ab","count":1}x`: http.StatusBadRequest,
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/things", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != want || !strings.Contains(rec.Body.String(), httpapi.CodeMalformedJSON) {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/things", strings.NewReader(`{"name":"ab","count":1}`))
	req.Header.Set("Content-Type", "text/plain")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d", rec.Code)
	}
}

func TestCompiledBodiesRefuseUnknownKeywords(t *testing.T) {
	t.Parallel()
	spec := strings.Replace(bodiesSpec, "flag: {type: boolean}", "flag: {type: boolean, not: {type: string}}", 1)
	doc, err := openapi3.NewLoader().LoadFromData([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compiledBodies(doc, "createThings"); err == nil {
		t.Fatal("a schema with `not` compiled")
	}
	if _, err := compiledBodies(doc, "noSuchOperation"); err == nil {
		t.Fatal("an unknown operation compiled")
	}
}

// jsonUnmarshalNumbers decodes as kin-openapi's request validation does (numbers as float64).
func jsonUnmarshalNumbers(s string, v *any) error {
	return stdjson.Unmarshal([]byte(s), v)
}
