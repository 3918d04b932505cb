package logs

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	fastjson "github.com/segmentio/encoding/json"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/gen/logsdb"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/write"
)

// Entry sources, as stored and as LogEntry.source reports them.
const (
	sourceService = "service"
	sourceKong    = "kong"
)

// entriesLocation is the Location of an ingest's 201: a batch is no one resource, so it names the
// collection the entries joined, which an admin reads.
const entriesLocation = "/logs"

// kongServiceFallback names the service of a Kong entry for a request no Kong service matched (one
// Kong refused or could not route).
const kongServiceFallback = "kong"

// maxServiceName is the spec's ServiceName maxLength; Kong service names beyond it are cut so that
// every stored entry reads back as a valid LogEntry.
const maxServiceName = 100

// maxRequestID is the spec's RequestId maxLength: a longer id from Kong's headers is not one a
// client could filter by, so it is not kept.
const maxRequestID = 200

// IngestLogs stores the services' own entries, one or a batch, in one statement.
func (s *Server) IngestLogs(ctx context.Context, req logsapi.IngestLogsRequestObject) (logsapi.IngestLogsResponseObject, error) {
	raw, err := req.Body.MarshalJSON()
	if err != nil {
		return nil, err
	}
	entries, err := decodeOneOrMany[logsapi.LogEntryInput](raw)
	if err != nil {
		return logsapi.IngestLogs400JSONResponse{BadRequestJSONResponse: badRequest(httpapi.CodeMalformedJSON, "request body is not a log entry or an array of them", err.Error())}, nil
	}
	b := newBatch(sourceService, len(entries), false)
	for _, e := range entries {
		level := levelFor(e.StatusCode)
		if e.Level != nil {
			level = string(*e.Level)
		}
		// The tenant and subject are those of the request the entry describes, as the shipping
		// service established them, not the shipper's own (ctx's): it ships for every tenant.
		b.add(e.Timestamp, e.Service, e.Method, e.Endpoint, e.StatusCode, e.ResponseTimeMs, e.Message, e.RequestId, level, deref(e.OperationId), "", deref(e.Tenant), deref(e.Subject), nil)
	}
	resp, err := write.Do(ctx, s.writes, ingestLane(sourceService), logsapi.IngestLogs201JSONResponse.VisitIngestLogsResponse,
		func(ctx context.Context, tx *write.Tx) (logsapi.IngestLogs201JSONResponse, error) {
			return logsapi.IngestLogs201JSONResponse{Body: logsapi.IngestResult{Accepted: b.len()}, Headers: logsapi.IngestLogs201ResponseHeaders{Location: entriesLocation}}, insert(ctx, tx, b)
		})
	if err != nil {
		return nil, fmt.Errorf("store %d log entries: %w", len(entries), err)
	}
	return resp, nil
}

// IngestKongLogs maps Kong http-log objects onto entries, keeping each object whole beside them,
// and stores them in one statement.
func (s *Server) IngestKongLogs(ctx context.Context, req logsapi.IngestKongLogsRequestObject) (logsapi.IngestKongLogsResponseObject, error) {
	raw, err := req.Body.MarshalJSON()
	if err != nil {
		return nil, err
	}
	objects, err := decodeOneOrMany[json.RawMessage](raw)
	if err != nil {
		return logsapi.IngestKongLogs400JSONResponse{BadRequestJSONResponse: badRequest(httpapi.CodeMalformedJSON, "request body is not a Kong log object or an array of them", err.Error())}, nil
	}
	b := newBatch(sourceKong, len(objects), true)
	for i, obj := range objects {
		if err := b.addKong(obj); err != nil {
			return logsapi.IngestKongLogs400JSONResponse{BadRequestJSONResponse: badRequest(httpapi.CodeValidationFailed,
				"request body is not a Kong log object as this service reads it", fmt.Sprintf("entry %d: %v", i, err))}, nil
		}
	}
	resp, err := write.Do(ctx, s.writes, ingestLane(sourceKong), logsapi.IngestKongLogs201JSONResponse.VisitIngestKongLogsResponse,
		func(ctx context.Context, tx *write.Tx) (logsapi.IngestKongLogs201JSONResponse, error) {
			return logsapi.IngestKongLogs201JSONResponse{Body: logsapi.IngestResult{Accepted: b.len()}, Headers: logsapi.IngestKongLogs201ResponseHeaders{Location: entriesLocation}}, insert(ctx, tx, b)
		})
	if err != nil {
		return nil, fmt.Errorf("store %d Kong log entries: %w", len(objects), err)
	}
	return resp, nil
}

// batch collects entries as the parallel arrays EntryInsertBatch takes.
type batch struct{ params logsdb.EntryInsertBatchParams }

func newBatch(source string, n int, kong bool) *batch {
	p := logsdb.EntryInsertBatchParams{
		Source:          source,
		Timestamps:      make([]time.Time, 0, n),
		Services:        make([]string, 0, n),
		Methods:         make([]string, 0, n),
		Paths:           make([]string, 0, n),
		StatusCodes:     make([]int16, 0, n),
		ResponseTimesMs: make([]float64, 0, n),
		Messages:        make([]string, 0, n),
		RequestIds:      make([]string, 0, n),
		Levels:          make([]string, 0, n),
		OperationIds:    make([]string, 0, n),
		ClientIps:       make([]string, 0, n),
		Tenants:         make([]string, 0, n),
		Subjects:        make([]string, 0, n),
		Raws:            []json.RawMessage{},
	}
	if kong {
		p.Raws = make([]json.RawMessage, 0, n)
	}
	return &batch{params: p}
}

func (b *batch) len() int { return len(b.params.Timestamps) }

// append adds the entries of o, of the same source.
func (b *batch) append(o *batch) {
	p, q := &b.params, &o.params
	p.Timestamps = append(p.Timestamps, q.Timestamps...)
	p.Services = append(p.Services, q.Services...)
	p.Methods = append(p.Methods, q.Methods...)
	p.Paths = append(p.Paths, q.Paths...)
	p.StatusCodes = append(p.StatusCodes, q.StatusCodes...)
	p.ResponseTimesMs = append(p.ResponseTimesMs, q.ResponseTimesMs...)
	p.Messages = append(p.Messages, q.Messages...)
	p.RequestIds = append(p.RequestIds, q.RequestIds...)
	p.Levels = append(p.Levels, q.Levels...)
	p.OperationIds = append(p.OperationIds, q.OperationIds...)
	p.ClientIps = append(p.ClientIps, q.ClientIps...)
	p.Tenants = append(p.Tenants, q.Tenants...)
	p.Subjects = append(p.Subjects, q.Subjects...)
	p.Raws = append(p.Raws, q.Raws...)
}

func (b *batch) add(ts time.Time, service, method, path string, status int, responseMs float64, message, requestID, level, operationID, clientIP, tenant, subject string, raw json.RawMessage) {
	p := &b.params
	p.Timestamps = append(p.Timestamps, ts)
	p.Services = append(p.Services, service)
	p.Methods = append(p.Methods, method)
	p.Paths = append(p.Paths, path)
	p.StatusCodes = append(p.StatusCodes, int16(status))
	p.ResponseTimesMs = append(p.ResponseTimesMs, responseMs)
	p.Messages = append(p.Messages, message)
	p.RequestIds = append(p.RequestIds, requestID)
	p.Levels = append(p.Levels, level)
	p.OperationIds = append(p.OperationIds, operationID)
	p.ClientIps = append(p.ClientIps, clientIP)
	p.Tenants = append(p.Tenants, tenant)
	p.Subjects = append(p.Subjects, subject)
	if raw != nil {
		p.Raws = append(p.Raws, raw)
	}
}

// kongLog is what this service reads of a Kong http-log object; everything else stays in the raw
// object only.
type kongLog struct {
	Request struct {
		ID      string                     `json:"id"`
		Method  string                     `json:"method"`
		URI     string                     `json:"uri"`
		Headers map[string]json.RawMessage `json:"headers"`
	} `json:"request"`
	Response struct {
		Status  *int                       `json:"status"`
		Headers map[string]json.RawMessage `json:"headers"`
	} `json:"response"`
	Latencies struct {
		Request *float64 `json:"request"`
	} `json:"latencies"`
	Service *struct {
		Name string `json:"name"`
	} `json:"service"`
	Route *struct {
		Name string `json:"name"`
	} `json:"route"`
	ClientIP  string   `json:"client_ip"`
	StartedAt *float64 `json:"started_at"`
	// Read apart and leniently (see kongIdentity): an odd shape costs the entry its tenant, not the
	// batch.
	Consumer            json.RawMessage `json:"consumer"`
	AuthenticatedEntity json.RawMessage `json:"authenticated_entity"`
}

// Kong's correlation-id plugin puts the request id in this header (FountainAI configures it to the
// header the services use); Kong's own id header is the fallback.
var kongRequestIDHeaders = []string{"x-request-id", "kong-request-id", "x-kong-request-id"}

// latestTimestamp bounds started_at: beyond it a millisecond count is not a time PostgreSQL or RFC
// 3339 can hold.
var latestTimestamp = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

func (b *batch) addKong(obj json.RawMessage) error {
	stored, err := storable(obj)
	if err != nil {
		return err
	}
	var k kongLog
	if err := fastjson.Unmarshal(stored, &k); err != nil {
		return fmt.Errorf("not a Kong log object: %w", err)
	}
	switch {
	case k.StartedAt == nil:
		return errors.New("started_at is required")
	case k.Request.Method == "":
		return errors.New("request.method is required")
	case k.Request.URI == "":
		return errors.New("request.uri is required")
	case k.Response.Status == nil:
		return errors.New("response.status is required")
	case *k.Response.Status < 100 || *k.Response.Status > 599:
		return fmt.Errorf("response.status %d is not an HTTP status code", *k.Response.Status)
	}
	ms := *k.StartedAt
	if ms < 0 || ms > float64(latestTimestamp.UnixMilli()) || math.IsNaN(ms) {
		return fmt.Errorf("started_at %v is not a time in milliseconds since the Unix epoch", ms)
	}
	ts := time.UnixMicro(int64(ms * 1000)).UTC()
	path, _, _ := strings.Cut(k.Request.URI, "?")
	// Kong logs whatever a client sent, even requests it routed nowhere; an odd method must not
	// cost the batch it came in.
	method := httpapi.LogMethod(k.Request.Method)
	service := kongServiceFallback
	if k.Service != nil && k.Service.Name != "" {
		service = truncateRunes(k.Service.Name, maxServiceName)
	}
	var responseMs float64
	if k.Latencies.Request != nil {
		responseMs = *k.Latencies.Request
	}
	status := *k.Response.Status
	message := fmt.Sprintf("%s %s %d via kong", method, path, status)
	if k.Route != nil && k.Route.Name != "" {
		message += " route " + k.Route.Name
	}
	if stored, err = redactCredentials(stored, &k); err != nil {
		return err
	}
	tenant, subject := kongIdentity(&k)
	b.add(ts, service, method, path, status, responseMs, message, kongRequestID(&k), levelFor(status), "", k.ClientIP, tenant, subject, stored)
	return nil
}

// kongIdentity is the tenant and subject of the request a Kong object describes: Kong knows the
// consumer its authentication plugin matched, whose custom_id the operator sets to its tenant.
// Without a consumer (a request Kong refused, or routes without authentication at the gateway) or
// without a custom_id, the entry has no tenant: the operator's (the default tenant's) to read.
func kongIdentity(k *kongLog) (tenant, subject string) {
	var consumer struct {
		ID       any `json:"id"`
		Username any `json:"username"`
		CustomID any `json:"custom_id"`
	}
	var entity struct {
		ID any `json:"id"`
	}
	if len(k.Consumer) > 0 && json.Unmarshal(k.Consumer, &consumer) == nil {
		tenant = stringOf(consumer.CustomID)
		subject = cmp.Or(stringOf(consumer.Username), stringOf(consumer.ID))
	}
	if subject == "" && len(k.AuthenticatedEntity) > 0 && json.Unmarshal(k.AuthenticatedEntity, &entity) == nil {
		subject = stringOf(entity.ID)
	}
	return tenant, subject
}

// stringOf is v when it is a string, else "" (Kong writes absent fields as null, or leaves them out).
func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// Headers whose values are credentials (names as Kong writes them, lower-cased): no entry may hold
// one, since whoever reads the logs could then act as the client.
var (
	credentialRequestHeaders  = map[string]bool{"authorization": true, "proxy-authorization": true, "x-api-key": true, "apikey": true, "cookie": true}
	credentialResponseHeaders = map[string]bool{"set-cookie": true}
)

// redacted replaces a credential's value.
var redacted = json.RawMessage(`"[redacted]"`)

// redactCredentials returns obj with the values of its credential headers replaced by
// "[redacted]". An object without any, the usual case behind Kong's hide_credentials, is returned
// as it is; otherwise the objects on the way to the headers are re-encoded, which changes nothing
// jsonb keeps (it neither keeps key order nor repeated keys).
func redactCredentials(obj json.RawMessage, k *kongLog) (json.RawMessage, error) {
	inRequest, inResponse := hasAny(k.Request.Headers, credentialRequestHeaders), hasAny(k.Response.Headers, credentialResponseHeaders)
	if !inRequest && !inResponse {
		return obj, nil
	}
	var top map[string]json.RawMessage
	if err := fastjson.Unmarshal(obj, &top); err != nil {
		return nil, fmt.Errorf("not a Kong log object: %w", err)
	}
	for _, part := range []struct {
		key     string
		present bool
		names   map[string]bool
	}{{"request", inRequest, credentialRequestHeaders}, {"response", inResponse, credentialResponseHeaders}} {
		if !part.present {
			continue
		}
		redactedPart, err := redactHeaders(top[part.key], part.names)
		if err != nil {
			return nil, fmt.Errorf("%s.headers: %w", part.key, err)
		}
		top[part.key] = redactedPart
	}
	return json.Marshal(top)
}

// redactHeaders returns the request or response object part with the values of the headers names
// lists replaced.
func redactHeaders(part json.RawMessage, names map[string]bool) (json.RawMessage, error) {
	var fields, headers map[string]json.RawMessage
	if err := fastjson.Unmarshal(part, &fields); err != nil {
		return nil, err
	}
	if err := fastjson.Unmarshal(fields["headers"], &headers); err != nil {
		return nil, err
	}
	for name := range headers {
		if names[strings.ToLower(name)] {
			headers[name] = redacted
		}
	}
	h, err := json.Marshal(headers)
	if err != nil {
		return nil, err
	}
	fields["headers"] = h
	return json.Marshal(fields)
}

func hasAny(headers map[string]json.RawMessage, names map[string]bool) bool {
	for name := range headers {
		if names[strings.ToLower(name)] {
			return true
		}
	}
	return false
}

// kongRequestID is the id the request carried (the correlation-id plugin's header on the request,
// else on the response the service answered), else Kong's own id for it.
func kongRequestID(k *kongLog) string {
	for _, headers := range []map[string]json.RawMessage{k.Request.Headers, k.Response.Headers} {
		for _, name := range kongRequestIDHeaders {
			if id := headerValue(headers[name]); id != "" && len(id) <= maxRequestID {
				return id
			}
		}
	}
	if len(k.Request.ID) <= maxRequestID {
		return k.Request.ID
	}
	return ""
}

// headerValue reads a Kong header value: a string, or an array of strings for a repeated header
// (the first one counts).
func headerValue(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
		return many[0]
	}
	return ""
}

// storable returns obj as PostgreSQL's jsonb accepts it. Kong's objects are kept byte for byte
// unless they hold what jsonb refuses: invalid UTF-8, or the escape of U+0000 or of a UTF-16
// surrogate (which may be unpaired). Those are re-encoded the way Go's decoder read them (invalid
// UTF-8 and lone surrogates become U+FFFD), and an object holding U+0000 anywhere, which neither
// jsonb nor text can store, is refused.
func storable(obj json.RawMessage) (json.RawMessage, error) {
	if utf8.Valid(obj) && !suspectEscape(obj) {
		return obj, nil
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not a Kong log object: %w", err)
	}
	return dbx.StorableJSON(v)
}

// suspectEscape reports whether obj may hold \u0000 or a surrogate escape (\uD800-\uDFFF). It
// may also report an escaped backslash followed by such text; the re-encoding is then merely
// unnecessary. Other escapes, such as the \u003c Go writes for "<", are fine for jsonb.
func suspectEscape(obj []byte) bool {
	for i := 0; ; {
		j := bytes.Index(obj[i:], []byte(`\u`))
		if j < 0 {
			return false
		}
		i += j + 2
		if len(obj)-i < 4 {
			return true
		}
		hex := obj[i : i+4]
		if string(hex) == "0000" || (hex[0]|0x20 == 'd' && (hex[1] >= '8' && hex[1] <= '9' || hex[1]|0x20 >= 'a' && hex[1]|0x20 <= 'f')) {
			return true
		}
	}
}

// decodeOneOrMany reads a body that is one T or a JSON array of them (the validator has checked
// which). Batches are the bulk of the Logging Service's work, so they are decoded with
// segmentio/encoding, which reads JSON as encoding/json does (invalid UTF-8 in strings becomes
// U+FFFD, so what is stored is valid text) several times faster.
func decodeOneOrMany[T any](raw []byte) ([]T, error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	var out []T
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := fastjson.Unmarshal(trimmed, &out); err != nil {
			return nil, err
		}
	} else {
		var one T
		if err := fastjson.Unmarshal(trimmed, &one); err != nil {
			return nil, err
		}
		out = []T{one}
	}
	if len(out) == 0 {
		return nil, errors.New("an empty array holds no entries")
	}
	return out, nil
}

// levelFor is an entry's level when none is given: errors from 500, warnings from 400.
func levelFor(status int) string {
	switch {
	case status >= 500:
		return string(logsapi.Error)
	case status >= 400:
		return string(logsapi.Warn)
	}
	return string(logsapi.Info)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func badRequest(code, message, details string) logsapi.BadRequestJSONResponse {
	return httpapi.BodyOf[logsapi.BadRequestJSONResponse](code, message, details)
}
