package logs

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/segmentio/encoding/json"

	"github.com/fountainai/fountainai/internal/httpapi"
)

// compiledBodies takes the JSON request bodies of the named operations out of spec and returns a
// middleware that validates them against the same schemas, compiled once into Go checks. kin-openapi
// walks a schema anew for every value it checks, which for a batch of a thousand log entries costs
// several times the work of storing them. The compiler knows the keywords the logs spec uses and
// refuses a schema with any other, so a spec change it cannot check fails at start, not silently;
// the bodies it refuses get the same ErrorResponse codes. The operations must have literal paths.
// Pass the same spec to httpapi.Validator afterwards for everything else of the request.
func compiledBodies(spec *openapi3.T, operationIDs ...string) (func(http.Handler) http.Handler, error) {
	bodies := map[string]check{} // by "METHOD /path"
	for _, id := range operationIDs {
		path, method, op := findOperation(spec, id)
		if op == nil {
			return nil, fmt.Errorf("no operation %q in the spec", id)
		}
		if strings.Contains(path, "{") {
			return nil, fmt.Errorf("operation %q has a templated path %s", id, path)
		}
		if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
			return nil, fmt.Errorf("operation %q takes no JSON body", id)
		}
		c, err := compileSchema(op.RequestBody.Value.Content.Get("application/json").Schema)
		if err != nil {
			return nil, fmt.Errorf("compile the body of %q: %w", id, err)
		}
		bodies[method+" "+path] = c
		op.RequestBody = nil
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, ok := bodies[r.Method+" "+r.URL.Path]
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				httpapi.WriteError(w, http.StatusUnsupportedMediaType, httpapi.CodeUnsupportedMediaType, "request body must be application/json",
					fmt.Sprintf("header Content-Type %q", r.Header.Get("Content-Type")))
				return
			}
			body, err := httpapi.ReadBody(r)
			if err != nil {
				if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
					// The strict handler's answer to a body over the limit: 413, and the connection closed.
					httpapi.RequestErrorHandler(w, r, err)
					return
				}
				httpapi.WriteError(w, http.StatusBadRequest, httpapi.CodeMalformedJSON, "request body could not be read", firstLine(err.Error()))
				return
			}
			var value any
			rest, err := json.Parse(body, &value, json.UseNumber)
			if err == nil && len(bytes.TrimSpace(rest)) > 0 {
				err = fmt.Errorf("data after the JSON value")
			}
			if err != nil {
				httpapi.WriteError(w, http.StatusBadRequest, httpapi.CodeMalformedJSON, "request body is not valid JSON", firstLine(err.Error()))
				return
			}
			if err := c(value, "body"); err != nil {
				httpapi.WriteError(w, http.StatusBadRequest, httpapi.CodeValidationFailed, "request body does not match the API schema", err.Error())
				return
			}
			next.ServeHTTP(w, r)
		})
	}, nil
}

// check validates a decoded JSON value (numbers as json.Number); at names it in errors.
type check func(v any, at string) error

// compileSchema turns ref into a check, for the keywords listed in it; any other keyword is an error.
func compileSchema(ref *openapi3.SchemaRef) (check, error) {
	s := ref.Value
	if s == nil {
		return nil, fmt.Errorf("unresolved schema %s", ref.Ref)
	}
	if s.Not != nil || s.Discriminator != nil || s.UniqueItems || s.MultipleOf != nil || s.MinProps != 0 || s.MaxProps != nil ||
		len(s.AllOf) > 0 || len(s.AnyOf) > 0 || s.ReadOnly || s.WriteOnly {
		return nil, fmt.Errorf("schema %s uses a keyword the compiled check does not know", ref.Ref)
	}
	var checks []check
	if len(s.OneOf) > 0 {
		c, err := compileOneOf(s.OneOf)
		if err != nil {
			return nil, err
		}
		checks = append(checks, c)
	}
	if s.Type != nil && len(*s.Type) > 0 {
		if len(*s.Type) != 1 {
			return nil, fmt.Errorf("schema %s has several types", ref.Ref)
		}
		c, err := compileTyped(s, (*s.Type)[0])
		if err != nil {
			return nil, err
		}
		checks = append(checks, c)
	}
	if len(s.Enum) > 0 {
		checks = append(checks, enumCheck(s.Enum))
	}
	nullable := s.Nullable
	return func(v any, at string) error {
		if v == nil && nullable {
			return nil
		}
		for _, c := range checks {
			if err := c(v, at); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// compileOneOf passes a value that exactly one of alts passes; of a value none passes, it gives the
// error that says best what is wrong (better).
func compileOneOf(alts openapi3.SchemaRefs) (check, error) {
	var checks []check
	for _, a := range alts {
		c, err := compileSchema(a)
		if err != nil {
			return nil, err
		}
		checks = append(checks, c)
	}
	return func(v any, at string) error {
		var matched int
		var first error
		for _, c := range checks {
			if err := c(v, at); err == nil {
				matched++
			} else if first == nil || better(err, first) {
				first = err
			}
		}
		switch matched {
		case 1:
			return nil
		case 0:
			return first
		}
		return fmt.Errorf("%s matches more than one of its schemas", at)
	}, nil
}

// enumCheck passes the values of enum.
func enumCheck(enum []any) check {
	return func(v any, at string) error {
		for _, e := range enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				return nil
			}
		}
		return fmt.Errorf("%s: value is not one of the allowed values %v", at, enum)
	}
}

// better tells which of two alternatives' errors says what is wrong with a value that matches
// neither: one from an alternative of the value's own type (an empty batch is "at least 1 item",
// not "must be an object"), then the one about the more deeply nested value.
func better(a, b error) bool {
	var ta, tb typeError
	if wa, wb := errors.As(a, &ta), errors.As(b, &tb); wa != wb {
		return wb
	}
	return strings.Count(a.Error(), ".")+strings.Count(a.Error(), "[") > strings.Count(b.Error(), ".")+strings.Count(b.Error(), "[")
}

// typeError is a value of another JSON type than its schema's.
type typeError struct{ msg string }

func (e typeError) Error() string { return e.msg }

func wrongType(at, want string, args ...any) error {
	return typeError{at + ": value must be " + fmt.Sprintf(want, args...)}
}

// compileTyped is the check of a schema of one JSON type.
func compileTyped(s *openapi3.Schema, typ string) (check, error) {
	switch typ {
	case "object":
		return compileObject(s)
	case "array":
		return compileArray(s)
	case "string":
		return compileString(s)
	case "number", "integer":
		return compileNumber(s, typ == "integer")
	case "boolean":
		return func(v any, at string) error {
			if _, ok := v.(bool); !ok {
				return wrongType(at, "a boolean")
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("type %q", typ)
}

// compileObject checks properties, required ones and additionalProperties.
func compileObject(s *openapi3.Schema) (check, error) {
	props := map[string]check{}
	for name, p := range s.Properties {
		c, err := compileSchema(p)
		if err != nil {
			return nil, err
		}
		props[name] = c
	}
	var extra check
	closed := s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	if s.AdditionalProperties.Schema != nil {
		c, err := compileSchema(s.AdditionalProperties.Schema)
		if err != nil {
			return nil, err
		}
		extra = c
	}
	required := slices.Clone(s.Required)
	return func(v any, at string) error {
		m, ok := v.(map[string]any)
		if !ok {
			return wrongType(at, "an object")
		}
		for _, name := range required {
			if _, ok := m[name]; !ok {
				return fmt.Errorf("%s: property %q is missing", at, name)
			}
		}
		for name, pv := range m {
			c, ok := props[name]
			switch {
			case ok:
			case closed:
				return fmt.Errorf("%s: property %q is unsupported", at, name)
			case extra != nil:
				c = extra
			default:
				continue
			}
			if err := c(pv, at+"."+name); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// compileArray checks the items and their count.
func compileArray(s *openapi3.Schema) (check, error) {
	if s.Items == nil {
		return nil, fmt.Errorf("array schema without items")
	}
	items, err := compileSchema(s.Items)
	if err != nil {
		return nil, err
	}
	minItems, maxItems := int(s.MinItems), -1
	if s.MaxItems != nil {
		maxItems = int(*s.MaxItems)
	}
	return func(v any, at string) error {
		a, ok := v.([]any)
		if !ok {
			return wrongType(at, "an array")
		}
		if len(a) < minItems {
			return fmt.Errorf("%s: at least %d items are required", at, minItems)
		}
		if maxItems >= 0 && len(a) > maxItems {
			return fmt.Errorf("%s: at most %d items are allowed", at, maxItems)
		}
		for i, item := range a {
			if err := items(item, at+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// compileString checks length in characters, pattern and format (date-time only).
func compileString(s *openapi3.Schema) (check, error) {
	minLen, maxLen := int(s.MinLength), -1
	if s.MaxLength != nil {
		maxLen = int(*s.MaxLength)
	}
	var pattern *regexp.Regexp
	if s.Pattern != "" {
		var err error
		if pattern, err = regexp.Compile(s.Pattern); err != nil {
			return nil, err
		}
	}
	var format func(string) bool
	switch s.Format {
	case "":
	case "date-time":
		format = func(x string) bool { _, err := time.Parse(time.RFC3339Nano, x); return err == nil }
	default:
		return nil, fmt.Errorf("string format %q", s.Format)
	}
	return func(v any, at string) error {
		x, ok := v.(string)
		if !ok {
			return wrongType(at, "a string")
		}
		n := utf8.RuneCountInString(x)
		if n < minLen {
			return fmt.Errorf("%s: minimum string length is %d", at, minLen)
		}
		if maxLen >= 0 && n > maxLen {
			return fmt.Errorf("%s: maximum string length is %d", at, maxLen)
		}
		if pattern != nil && !pattern.MatchString(x) {
			return fmt.Errorf("%s: string doesn't match the regular expression %q", at, pattern)
		}
		if format != nil && !format(x) {
			return fmt.Errorf("%s: string doesn't match the format %q", at, s.Format)
		}
		return nil
	}, nil
}

// compileNumber checks an integer or number against OpenAPI 3.0 bounds (exclusive as booleans).
func compileNumber(s *openapi3.Schema, integer bool) (check, error) {
	typ := "number"
	if integer {
		typ = "integer"
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if s.Min != nil {
		lo = *s.Min
	}
	if s.Max != nil {
		hi = *s.Max
	}
	if s.ExclusiveMin.Value != nil || s.ExclusiveMax.Value != nil {
		return nil, fmt.Errorf("OpenAPI 3.1 exclusive bounds")
	}
	exLo, exHi := s.ExclusiveMin.IsTrue(), s.ExclusiveMax.IsTrue()
	return func(v any, at string) error {
		n, ok := v.(json.Number)
		if !ok {
			return wrongType(at, "a %s", typ)
		}
		f, err := n.Float64()
		if err != nil {
			return wrongType(at, "a %s", typ)
		}
		if integer && f != math.Trunc(f) {
			return wrongType(at, "an integer")
		}
		if f < lo || (exLo && f == lo) {
			return fmt.Errorf("%s: number must be at least %v", at, lo)
		}
		if f > hi || (exHi && f == hi) {
			return fmt.Errorf("%s: number must be at most %v", at, hi)
		}
		return nil
	}, nil
}

func findOperation(spec *openapi3.T, id string) (string, string, *openapi3.Operation) {
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			// The embedded spec of oapi-codegen capitalises operationIds.
			if strings.EqualFold(op.OperationID, id) {
				return path, method, op
			}
		}
	}
	return "", "", nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
