package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Log formats of --log-format.
const (
	logFormatJSON = "json"
	logFormatECS  = "ecs"
)

// ecsVersion is the Elastic Common Schema release whose field definitions the ecs format follows;
// testdata/ecs_fields.yml holds the definitions of the fields written, taken from that release.
const ecsVersion = "8.17.0"

// ecsNamespace holds every attribute ECS has no field for, so that a FountainAI attribute can never
// collide with a field a later ECS release defines.
const ecsNamespace = "fountain"

// ecsHandler writes each record as one line of ECS JSON. Every object is written nested, never as a
// dotted key: a line then has the shape of the document Elasticsearch stores (what jq, Kibana's JSON
// view and the index mapping show), each field is spelled one way only, and no key can appear both
// dotted and nested in one line, which Elasticsearch would reject as a duplicate.
//
// Attributes outside any group are mapped to ECS fields by name: request_id to trace.id, error (or
// err, or a panic's value) to error.message, a panic's stack to error.stack_trace, tenant to
// organization.id, subject to user.id; and on the line the request middleware writes per request
// (message "request", as internal/logship reads it) the HTTP ones: method, path, status, bytes,
// duration_ms, remote and user_agent. The same names on other lines keep their meaning there (the
// status a peer answered, say) and go with every other attribute under fountain.*: a group nests
// as an object, a dotted key is split into objects, a duration is an integer of nanoseconds as
// event.duration is.
type ecsHandler struct {
	out     *ecsOutput
	level   slog.Leveler
	service string
	version string
	// attrs were added with WithAttrs, each under the groups open when it was added.
	attrs  []groupedAttr
	groups []string
}

type groupedAttr struct {
	groups []string
	attr   slog.Attr
}

// ecsOutput is shared by a handler and those derived from it, so that lines are never interleaved.
type ecsOutput struct {
	mu sync.Mutex
	w  io.Writer
}

// newECSHandler writes to w the records at level or above, naming service (the service this
// process serves, or "fountain" for several) at version.
func newECSHandler(w io.Writer, level slog.Leveler, service, version string) *ecsHandler {
	return &ecsHandler{out: &ecsOutput{w: w}, level: level, service: service, version: version}
}

func (h *ecsHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *ecsHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	c := *h
	c.attrs = append([]groupedAttr(nil), h.attrs...)
	for _, a := range attrs {
		c.attrs = append(c.attrs, groupedAttr{groups: h.groups, attr: a})
	}
	return &c
}

func (h *ecsHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.groups = append(append([]string(nil), h.groups...), name)
	return &c
}

func (h *ecsHandler) Handle(_ context.Context, r slog.Record) error {
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	doc := &ecsNode{object: true}
	doc.set([]string{"@timestamp"}, t.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
	doc.set([]string{"log", "level"}, strings.ToLower(r.Level.String()))
	doc.set([]string{"message"}, r.Message)
	doc.set([]string{"ecs", "version"}, ecsVersion)
	doc.set([]string{"service", "name"}, h.service)
	doc.set([]string{"service", "version"}, h.version)
	request := r.Message == "request"
	for _, ga := range h.attrs {
		h.add(doc, ga.groups, ga.attr, request)
	}
	r.Attrs(func(a slog.Attr) bool {
		h.add(doc, h.groups, a, request)
		return true
	})
	buf := doc.appendJSON(make([]byte, 0, 512))
	buf = append(buf, '\n')
	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	_, err := h.out.w.Write(buf)
	return err
}

// add puts a into doc: an attribute outside any group as its ECS field when it has one, everything
// else under the fountain namespace.
func (h *ecsHandler) add(doc *ecsNode, groups []string, a slog.Attr, request bool) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		if a.Key == "" {
			// An unnamed group's attributes belong where the group is, as slog defines.
			for _, g := range a.Value.Group() {
				h.add(doc, groups, g, request)
			}
			return
		}
		if len(a.Value.Group()) == 0 {
			return
		}
	}
	if len(groups) == 0 && ecsField(doc, a, request) {
		return
	}
	path := []string{ecsNamespace}
	for _, g := range groups {
		path = appendKey(path, g)
	}
	addCustom(doc, appendKey(path, a.Key), a.Value)
}

// ecsField writes a to its ECS field and reports whether it has one and a's value fits it.
func ecsField(doc *ecsNode, a slog.Attr, request bool) bool {
	v := a.Value
	switch a.Key {
	case "request_id":
		return setKeyword(doc, v, "trace", "id")
	case "error", "err", "panic":
		return setKeyword(doc, v, "error", "message")
	case "stack":
		return setKeyword(doc, v, "error", "stack_trace")
	case "tenant":
		return setKeyword(doc, v, "organization", "id")
	case "subject":
		return setKeyword(doc, v, "user", "id")
	}
	if !request {
		return false
	}
	switch a.Key {
	case "method":
		return setKeyword(doc, v, "http", "request", "method")
	case "path":
		return setKeyword(doc, v, "url", "path")
	case "user_agent":
		return setKeyword(doc, v, "user_agent", "original")
	case "status":
		return setLong(doc, v, "http", "response", "status_code")
	case "bytes":
		return setLong(doc, v, "http", "response", "body", "bytes")
	case "duration_ms":
		if v.Kind() != slog.KindFloat64 || math.IsNaN(v.Float64()) || math.IsInf(v.Float64(), 0) {
			return false
		}
		doc.set([]string{"event", "duration"}, int64(math.Round(v.Float64()*float64(time.Millisecond))))
		return true
	case "remote":
		if v.Kind() != slog.KindString {
			return false
		}
		addr := v.String()
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			doc.set([]string{"client", "address"}, addr)
			return true
		}
		doc.set([]string{"client", "address"}, host)
		if ip, err := netip.ParseAddr(host); err == nil {
			doc.set([]string{"client", "ip"}, ip.String())
		}
		if n, err := strconv.ParseUint(port, 10, 16); err == nil {
			doc.set([]string{"client", "port"}, int64(n))
		}
		return true
	}
	return false
}

// setKeyword writes a scalar value as a string: keyword and text fields hold strings. An empty one
// (the tenant of a request without one) is left out, as a field without a value.
func setKeyword(doc *ecsNode, v slog.Value, path ...string) bool {
	var s string
	switch v.Kind() {
	case slog.KindGroup:
		return false
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			s = err.Error()
			break
		}
		s = v.String()
	default:
		s = v.String()
	}
	if s != "" {
		doc.set(path, s)
	}
	return true
}

func setLong(doc *ecsNode, v slog.Value, path ...string) bool {
	switch {
	case v.Kind() == slog.KindInt64:
		doc.set(path, v.Int64())
	case v.Kind() == slog.KindUint64 && v.Uint64() <= math.MaxInt64:
		doc.set(path, int64(v.Uint64()))
	default:
		return false
	}
	return true
}

// addCustom writes v at path, a group as an object of its attributes.
func addCustom(doc *ecsNode, path []string, v slog.Value) {
	if len(path) == 1 {
		return // a key of dots alone names nothing
	}
	switch v.Kind() {
	case slog.KindGroup:
		for _, a := range v.Group() {
			a.Value = a.Value.Resolve()
			if a.Value.Kind() == slog.KindGroup && a.Key == "" {
				addCustom(doc, path, a.Value)
				continue
			}
			if a.Key == "" {
				continue
			}
			addCustom(doc, appendKey(path, a.Key), a.Value)
		}
	case slog.KindString:
		doc.set(path, v.String())
	case slog.KindInt64:
		doc.set(path, v.Int64())
	case slog.KindUint64:
		doc.set(path, v.Uint64())
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			doc.set(path, v.String()) // JSON has no number for them
		} else {
			doc.set(path, f)
		}
	case slog.KindBool:
		doc.set(path, v.Bool())
	case slog.KindDuration:
		doc.set(path, v.Duration().Nanoseconds())
	case slog.KindTime:
		doc.set(path, v.Time().UTC().Format(time.RFC3339Nano))
	default:
		doc.set(path, anyJSON(v.Any()))
	}
}

// anyJSON is v as JSON: an error as its message, else what encoding/json makes of it, else its
// fmt form.
func anyJSON(v any) any {
	if err, ok := v.(error); ok {
		if _, marshals := v.(json.Marshaler); !marshals {
			return err.Error()
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return json.RawMessage(b)
}

// appendKey appends the parts of a dotted key, skipping empty ones.
func appendKey(path []string, key string) []string {
	out := append([]string(nil), path...)
	for part := range strings.SplitSeq(key, ".") {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// ecsNode is a JSON object whose keys keep the order they were first set in, or a value.
type ecsNode struct {
	key      string
	value    any
	children []*ecsNode
	object   bool
}

// set puts value at path. A later value for the same path replaces the earlier one, as a JSON object
// cannot hold a key twice; where one attribute's path runs through another's value (a and a.b), the
// value moves to "value" inside the object, as Elasticsearch cannot map a field as both.
func (n *ecsNode) set(path []string, value any) {
	for _, k := range path[:len(path)-1] {
		c := n.child(k)
		if !c.object {
			c.toObject()
		}
		n = c
	}
	c := n.child(path[len(path)-1])
	if c.object {
		c.set([]string{"value"}, value)
		return
	}
	c.value = value
}

// child returns the child named key, adding a value node when there is none.
func (n *ecsNode) child(key string) *ecsNode {
	for _, c := range n.children {
		if c.key == key {
			return c
		}
	}
	c := &ecsNode{key: key}
	n.children = append(n.children, c)
	return c
}

// toObject turns n into an object, keeping a value it held as its "value".
func (n *ecsNode) toObject() {
	if n.value != nil {
		n.children = append(n.children, &ecsNode{key: "value", value: n.value})
	}
	n.object, n.value = true, nil
}

func (n *ecsNode) appendJSON(b []byte) []byte {
	if !n.object {
		return appendJSONValue(b, n.value)
	}
	b = append(b, '{')
	for i, c := range n.children {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c.key)
		b = append(b, ':')
		b = c.appendJSON(b)
	}
	return append(b, '}')
}

func appendJSONValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return appendJSONString(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case uint64:
		return strconv.AppendUint(b, v, 10)
	case float64:
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(b, v)
	case json.RawMessage:
		return append(b, v...)
	}
	return append(b, "null"...)
}

// appendJSONString quotes s as JSON, writing invalid UTF-8 as U+FFFD as encoding/json does, but
// leaving <, > and & as they are so that paths and messages read as written.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
