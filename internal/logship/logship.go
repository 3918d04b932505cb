// Package logship ships the request log lines of a fountain process to the Logging Service. A
// slog.Handler wrapper passes every record on unchanged and copies each "request" line into a
// bounded queue; a background sender posts the queue in batches to POST /logs through the
// generated client. Shipping never blocks or fails a request: when the queue is full, or the
// Logging Service does not take a batch, entries are dropped and counted.
package logship

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// Options tune a Shipper; zero values take the defaults.
type Options struct {
	// QueueSize bounds the entries waiting to be sent (default 10,000).
	QueueSize int
	// BatchSize is the most entries one POST carries (default 500; the spec allows 1,000).
	BatchSize int
	// FlushInterval is the longest an entry waits for its batch to fill (default 1s).
	FlushInterval time.Duration
	// Service names the service of requests no route matched (default "fountain").
	Service string
}

// Stats count what became of the request lines offered.
type Stats struct {
	// Shipped entries were stored by the Logging Service.
	Shipped uint64
	// Dropped entries found the queue full or arrived after Close.
	Dropped uint64
	// Failed entries were in batches the Logging Service did not take.
	Failed uint64
}

// Shipper queues request log entries and sends them in batches.
type Shipper struct {
	o       Options
	queue   chan logsapi.LogEntryInput
	stopped atomic.Bool
	stop    chan struct{}
	done    chan struct{}
	start   sync.Once
	// report receives the shipper's own warnings; it is the wrapped handler, so they are never
	// shipped themselves.
	report                  atomic.Pointer[slog.Logger]
	shipped, dropped, fails atomic.Uint64
	lastWarning             atomic.Int64
}

// New returns a shipper that queues from now on and sends once started.
func New(o Options) *Shipper {
	if o.QueueSize <= 0 {
		o.QueueSize = 10000
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = time.Second
	}
	if o.Service == "" {
		o.Service = "fountain"
	}
	s := &Shipper{o: o, queue: make(chan logsapi.LogEntryInput, o.QueueSize), stop: make(chan struct{}), done: make(chan struct{})}
	s.report.Store(slog.New(slog.DiscardHandler))
	return s
}

// Handler wraps next: every record goes to next as before, and request lines are also queued.
// Request lines are queued at every log level next is configured with, so quieting the process's
// own output does not lose the Logging Service's entries.
func (s *Shipper) Handler(next slog.Handler) slog.Handler {
	s.report.Store(slog.New(next))
	return &handler{s: s, next: next}
}

// Start begins sending through client. Entries queued before are sent first.
func (s *Shipper) Start(client logsapi.ClientInterface) {
	s.start.Do(func() { go s.run(client) })
}

// Close stops queueing, sends what is queued and waits for that until ctx ends.
func (s *Shipper) Close(ctx context.Context) error {
	if s.stopped.Swap(true) {
		return nil
	}
	close(s.stop)
	s.start.Do(func() { close(s.done) }) // never started: nothing will send
	select {
	case <-s.done:
		st := s.Stats()
		s.report.Load().Info("log shipping stopped", slog.Uint64("shipped", st.Shipped), slog.Uint64("dropped", st.Dropped), slog.Uint64("failed", st.Failed))
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flush request logs: %w", ctx.Err())
	}
}

// Stats returns the counts so far.
func (s *Shipper) Stats() Stats {
	return Stats{Shipped: s.shipped.Load(), Dropped: s.dropped.Load(), Failed: s.fails.Load()}
}

func (s *Shipper) offer(e logsapi.LogEntryInput) {
	if s.stopped.Load() {
		s.dropped.Add(1)
		return
	}
	select {
	case s.queue <- e:
	default:
		s.dropped.Add(1)
	}
}

func (s *Shipper) run(client logsapi.ClientInterface) {
	defer close(s.done)
	batch := make([]logsapi.LogEntryInput, 0, s.o.BatchSize)
	ticker := time.NewTicker(s.o.FlushInterval)
	defer ticker.Stop()
	flush := func() {
		if len(batch) > 0 {
			s.send(client, batch)
			batch = batch[:0]
		}
	}
	add := func(e logsapi.LogEntryInput) {
		if batch = append(batch, e); len(batch) == s.o.BatchSize {
			flush()
		}
	}
	for {
		select {
		case e := <-s.queue:
			add(e)
		case <-ticker.C:
			flush()
		case <-s.stop:
			// What is queued when the shipper stops still goes out.
			for {
				select {
				case e := <-s.queue:
					add(e)
				default:
					flush()
					return
				}
			}
		}
	}
}

// sendTimeout bounds one POST; a Logging Service that does not answer costs a batch, not the queue.
const sendTimeout = 10 * time.Second

func (s *Shipper) send(client logsapi.ClientInterface, batch []logsapi.LogEntryInput) {
	var body logsapi.LogIngestRequest
	err := body.FromLogEntryBatch(batch)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
		var resp *http.Response
		resp, err = client.IngestLogs(ctx, nil, body)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				err = fmt.Errorf("logging service answered %d", resp.StatusCode)
			}
		}
		cancel()
	}
	if err == nil {
		s.shipped.Add(uint64(len(batch)))
		return
	}
	s.fails.Add(uint64(len(batch)))
	// One warning a minute at most: an unreachable Logging Service must not flood the output.
	now := time.Now().UnixNano()
	if last := s.lastWarning.Load(); now-last > int64(time.Minute) && s.lastWarning.CompareAndSwap(last, now) {
		s.report.Load().Warn("request logs not shipped", slog.Int("entries", len(batch)), slog.String("error", err.Error()),
			slog.Uint64("failed_total", s.fails.Load()), slog.Uint64("dropped_total", s.dropped.Load()))
	}
}

// handler is the slog.Handler wrapper; attrs are those added with WithAttrs (the request id).
type handler struct {
	s       *Shipper
	next    slog.Handler
	attrs   []slog.Attr
	grouped bool
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || h.next.Enabled(ctx, l)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	var err error
	if h.next.Enabled(ctx, r.Level) {
		err = h.next.Handle(ctx, r)
	}
	if r.Message == requestMessage && !h.grouped {
		if e, ok := h.s.entry(r, h.attrs); ok {
			h.s.offer(e)
		}
	}
	return err
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(attrs)
	if !h.grouped {
		c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	}
	return &c
}

func (h *handler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	// Attributes inside a group are not the request line's own.
	c.grouped = c.grouped || name != ""
	return &c
}

// requestMessage is the message of the one line the HTTP middleware writes per request.
const requestMessage = "request"

// Limits of the spec's LogEntryInput: an entry beyond them would make the Logging Service refuse
// the whole batch, so values are fitted to them.
const (
	maxPath      = 2048
	maxName      = 100
	maxRequestID = 200
)

// entry turns a request line into a log entry; ok is false for lines not to ship: the Logging
// Service's own requests (shipping those would log the shipping, without end) and the process
// endpoints (health checks and metric scrapes, polled every few seconds).
func (s *Shipper) entry(r slog.Record, attrs []slog.Attr) (e logsapi.LogEntryInput, ok bool) {
	var service, operation, method, path, requestID, tenant, subject string
	var status int64
	var durationMs float64
	read := func(a slog.Attr) bool {
		v := a.Value.Resolve()
		switch a.Key {
		case "service":
			service = v.String()
		case "operation":
			operation = v.String()
		case "method":
			method = v.String()
		case "path":
			path = v.String()
		case "request_id":
			requestID = v.String()
		case "tenant":
			tenant = v.String()
		case "subject":
			subject = v.String()
		case "status":
			if v.Kind() == slog.KindInt64 {
				status = v.Int64()
			}
		case "duration_ms":
			if v.Kind() == slog.KindFloat64 {
				durationMs = v.Float64()
			}
		}
		return true
	}
	for _, a := range attrs {
		read(a)
	}
	r.Attrs(read)
	if service == "logs" || path == "/logs" || strings.HasPrefix(path, "/logs/") || service == "process" {
		return e, false
	}
	if status < 100 || status > 599 || requestID == "" || path == "" {
		return e, false
	}
	if service == "" {
		service = s.o.Service
	}
	method = httpapi.LogMethod(method)
	path = fit(path, maxPath)
	message := method + " " + path + " " + fmt.Sprint(status)
	if operation != "" {
		message += " " + operation
	}
	e = logsapi.LogEntryInput{
		// The line is written when the request ends; the entry is stamped with when it began.
		Timestamp:      r.Time.Add(-time.Duration(durationMs * float64(time.Millisecond))).UTC(),
		Service:        fit(service, maxName),
		Endpoint:       path,
		Method:         method,
		StatusCode:     int(status),
		ResponseTimeMs: max(durationMs, 0),
		Message:        message,
		RequestId:      fit(requestID, maxRequestID),
	}
	if operation != "" {
		op := fit(operation, maxName)
		e.OperationId = &op
	}
	// Who asked, so the entry is read by the caller's tenant; the ingest credential that ships the
	// entry is not who asked.
	if tenant != "" {
		e.Tenant = new(fit(tenant, maxName))
	}
	if subject != "" {
		e.Subject = new(fit(subject, maxName))
	}
	switch {
	case r.Level >= slog.LevelError:
		e.Level = new(logsapi.Error)
	case r.Level >= slog.LevelWarn:
		e.Level = new(logsapi.Warn)
	}
	return e, true
}

// fit makes s valid text for the Logging Service: no U+0000, valid UTF-8 and at most n characters.
func fit(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
