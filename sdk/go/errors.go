package fountain

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// Error is an answer other than 2xx and 304, with the ErrorResponse body every service sends:
//
//	var fe *fountain.Error
//	if errors.As(err, &fe) && fe.ErrorCode == "SCRIPT_NOT_FOUND" { … }
type Error struct {
	Status    int      // the HTTP status code
	ErrorCode string   // the stable machine-readable code, e.g. VALIDATION_FAILED; empty when the body was not an ErrorResponse
	Message   string   // the human-readable summary
	Details   []string // specifics (the offending field, resource or request id), when there are any
	RequestID string   // the X-Request-Id header, to quote when asking about the request
	Body      []byte   // the body as received
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fountain: %d", e.Status)
	if e.ErrorCode != "" {
		b.WriteString(" " + e.ErrorCode)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Details) > 0 {
		b.WriteString(" (" + strings.Join(e.Details, "; ") + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request " + e.RequestID + "]")
	}
	return b.String()
}

// Check returns nil for a 2xx response and for 304 Not Modified (the answer to a conditional read,
// If-None-Match: what the caller has is current), and otherwise an *Error made from resp and its
// body (the Body field of a generated response: the generated clients have read resp.Body already).
func Check(resp *http.Response, body []byte) error {
	if resp == nil {
		return errors.New("fountain: no response")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 || resp.StatusCode == http.StatusNotModified {
		return nil
	}
	e := &Error{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), Body: body}
	var r struct {
		ErrorCode string          `json:"errorCode"`
		Message   string          `json:"message"`
		Details   json.RawMessage `json:"details"`
	}
	if json.Unmarshal(body, &r) != nil || r.ErrorCode == "" {
		// Not an ErrorResponse (a proxy's page, say): keep what there is to show.
		e.Message = http.StatusText(resp.StatusCode)
		return e
	}
	e.ErrorCode, e.Message, e.Details = r.ErrorCode, r.Message, details(r.Details)
	return e
}

// details reads ErrorResponse.details, which is one string in some services' specs and an array of
// strings in others (Character Management's, as in the published v2 contract): both become a list.
func details(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil
		}
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
		return many
	}
	return nil
}

var (
	httpResponseType = reflect.TypeOf((*http.Response)(nil))
	bytesType        = reflect.TypeOf([]byte(nil))
)

// Call takes what a generated …WithResponse method returns and turns an answer other than 2xx into
// an *Error, so that one check covers both transport errors and error answers:
//
//	made, err := fountain.Call(c.Scripts.CreateScriptWithResponse(ctx, nil, body))
//	if err != nil { … }
//	id := made.JSON201.ScriptId
//
// The response stays available with the error, for its JSON4xx fields.
func Call[R any](resp R, err error) (R, error) {
	if err != nil {
		return resp, err
	}
	v := reflect.ValueOf(resp)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return resp, fmt.Errorf("fountain: Call takes a generated response, not %T", resp)
	}
	s := v.Elem()
	hr, body := s.FieldByName("HTTPResponse"), s.FieldByName("Body")
	if !hr.IsValid() || hr.Type() != httpResponseType || !body.IsValid() || body.Type() != bytesType {
		return resp, fmt.Errorf("fountain: Call takes a generated response, not %T", resp)
	}
	return resp, Check(hr.Interface().(*http.Response), body.Bytes())
}
