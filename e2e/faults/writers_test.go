package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/internal/idempotency"
)

const (
	// clientTimeout is long enough that no request is still running on the server when its retry
	// is sent: a 409 IDEMPOTENCY_KEY_IN_USE then always names an attempt that died.
	clientTimeout = 10 * time.Second
	// drainAttempts bounds how often a key is tried after the load stopped. Every fault is over by
	// then, so a healthy system answers a key within one or two; a key that still cannot finish is
	// reported with its history.
	drainAttempts = 25
	// maxRetryAfter caps how long a client honours Retry-After, so that a server asking for
	// minutes cannot stall the test; it is longer than any Retry-After a healthy server sends.
	maxRetryAfter = 2 * time.Second
	// maxBackoff is the longest pause between attempts when the server names none.
	maxBackoff = 400 * time.Millisecond

	codeKeyInUse      = "IDEMPOTENCY_KEY_IN_USE"
	codeDBUnavailable = "UNAVAILABLE"
)

// attempt is one POST of a key and what came back.
type attempt struct {
	start, end time.Time
	status     int    // 0: no answer
	code       string // errorCode of an error answer
	err        error  // why there was no answer
	retryAfter string
	replayed   bool
	id         int64 // dialogueId of a 201
}

func (a attempt) timedOut() bool {
	var ne net.Error
	return errors.As(a.err, &ne) && ne.Timeout()
}

// retryable says whether a client repeats the same key after a: the answer says nothing was, or
// may have been, stored, or the first attempt still holds the key.
func (a attempt) retryable() bool {
	return a.status == 0 || a.status >= 500 || (a.status == http.StatusConflict && a.code == codeKeyInUse)
}

// pause is how long to wait before the next attempt, the n-th: what the server asked for, else a
// short exponential backoff.
func (a attempt) pause(n int) time.Duration {
	if s, err := strconv.Atoi(a.retryAfter); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, maxRetryAfter)
	}
	return min(25*time.Millisecond<<min(n, 5), maxBackoff)
}

// outcome describes the answer, e.g. "503 UNAVAILABLE" or "201 id=17 replayed".
func (a attempt) outcome() string {
	switch {
	case a.status == 0 && a.timedOut():
		return "no answer (client timeout)"
	case a.status == 0:
		return "no answer (" + shortError(a.err) + ")"
	case a.status == http.StatusCreated && a.replayed:
		return fmt.Sprintf("201 id=%d replayed", a.id)
	case a.status == http.StatusCreated:
		return fmt.Sprintf("201 id=%d", a.id)
	}
	return fmt.Sprintf("%d %s", a.status, a.code)
}

// shortError keeps the cause of a transport error ("connection refused", "EOF") and drops the URL.
func shortError(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// key is one Idempotency-Key of a writer: its request body never changes, and the key is repeated
// until it is acknowledged.
type key struct {
	name, text string
	attempts   []attempt
}

// acked are the ids of every 201 the key got (the first, and replays).
func (k *key) acked() []int64 {
	var ids []int64
	for _, a := range k.attempts {
		if a.status == http.StatusCreated {
			ids = append(ids, a.id)
		}
	}
	return ids
}

// history lists the key's attempts in order, with times relative to t0 (the start of the load),
// runs of the same outcome collapsed: "+1.52s 503 UNAVAILABLE ×3 (to +1.90s); +2.10s 201 id=17".
func (k *key) history(t0 time.Time) string {
	var parts []string
	for i := 0; i < len(k.attempts); {
		j := i + 1
		for j < len(k.attempts) && k.attempts[j].outcome() == k.attempts[i].outcome() {
			j++
		}
		p := fmt.Sprintf("%+.2fs %s", k.attempts[i].start.Sub(t0).Seconds(), k.attempts[i].outcome())
		if j-i > 1 {
			p += fmt.Sprintf(" ×%d (to %+.2fs)", j-i, k.attempts[j-1].start.Sub(t0).Seconds())
		}
		parts = append(parts, p)
		i = j
	}
	return k.name + ": " + strings.Join(parts, "; ")
}

// writer is one client: it writes its keys one after the other, each until acknowledged.
type writer struct {
	client   *charactersapi.ClientWithResponses
	scriptID int64
	prefix   string
	keys     []*key
}

// run writes new keys until loadEnd; the key in progress then is finished (the drain).
func (w *writer) run(ctx context.Context, loadEnd time.Time) {
	for n := 1; ctx.Err() == nil && time.Now().Before(loadEnd); n++ {
		name := fmt.Sprintf("%s-%d", w.prefix, n)
		k := &key{name: name, text: "line " + name}
		w.keys = append(w.keys, k)
		w.finish(ctx, k, loadEnd)
	}
}

// finish repeats k until it is acknowledged, refused for good, or out of drain attempts.
func (w *writer) finish(ctx context.Context, k *key, loadEnd time.Time) {
	drained := 0
	for ctx.Err() == nil {
		a := w.post(ctx, k)
		k.attempts = append(k.attempts, a)
		if !a.retryable() {
			return // a 201, or an answer no retry changes; the checks report the latter
		}
		if a.end.After(loadEnd) {
			if drained++; drained == drainAttempts {
				return
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(a.pause(len(k.attempts))):
		}
	}
}

// noResend stops Go's transport from sending a request again by itself when a kept-alive
// connection breaks, which it does for a request with an Idempotency-Key when it can rewind the
// body: every resend is then one the test makes and records.
func noResend(_ context.Context, req *http.Request) error {
	req.GetBody = nil
	return nil
}

func (w *writer) post(ctx context.Context, k *key) attempt {
	a := attempt{start: time.Now()}
	resp, err := w.client.CreateSpokenWordWithResponse(ctx, &charactersapi.CreateSpokenWordParams{IdempotencyKey: &k.name},
		charactersapi.SpokenWordCreateRequest{ScriptId: w.scriptID, Text: k.text}, noResend)
	a.end = time.Now()
	if err != nil {
		a.err = err
		return a
	}
	a.status = resp.StatusCode()
	a.retryAfter = resp.HTTPResponse.Header.Get("Retry-After")
	a.replayed = resp.HTTPResponse.Header.Get(idempotency.ReplayedHeader) == "true"
	switch {
	case resp.JSON201 != nil:
		a.id = resp.JSON201.DialogueId
	case a.status == http.StatusCreated:
		a.status, a.err = 0, fmt.Errorf("201 without a spoken word: %s", resp.Body)
	default:
		var e struct {
			ErrorCode string `json:"errorCode"`
		}
		if json.Unmarshal(resp.Body, &e) != nil {
			e.ErrorCode = "(not an ErrorResponse)"
		}
		a.code = e.ErrorCode
	}
	return a
}
