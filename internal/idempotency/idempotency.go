// Package idempotency makes creation requests safe to retry: a POST carrying an Idempotency-Key
// header runs once, and every repetition of it (same key, method and path) is answered with the first
// response instead of creating anything again. Keys live in PostgreSQL, so this holds across
// replicas and restarts.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/idempotencydb"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/migrations"
)

// Header is the request header carrying the key.
const Header = "Idempotency-Key"

// ReplayedHeader marks a response that repeats the first one.
const ReplayedHeader = "Idempotent-Replayed"

const (
	// abandonedAfter is how long a key may stay pending before a retry may take it over: longer
	// than any request may run.
	abandonedAfter = 2 * time.Minute
	// retention is how long a key is remembered.
	retention = 24 * time.Hour
)

// replayedHeaders are the response headers stored and replayed with the body.
var replayedHeaders = []string{"Content-Type", "ETag", "Location"}

// Schema and Migrations describe the key table, migrated like a service's schema.
const Schema = "idempotency"

// Migrations returns the key table's migrations.
func Migrations() fs.FS { return migrations.For(Schema) }

// Middleware applies idempotency keys to POST requests.
func Middleware(pool *pgxpool.Pool) func(http.Handler) http.Handler {
	q := idempotencydb.New(pool)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get(Header)
			if r.Method != http.MethodPost || key == "" {
				next.ServeHTTP(w, r)
				return
			}
			if len(key) > 200 {
				httpapi.WriteError(w, http.StatusBadRequest, httpapi.CodeValidationFailed, "Idempotency-Key is too long", "at most 200 characters")
				return
			}
			if !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
				// It is stored as text, which cannot hold these.
				httpapi.WriteError(w, http.StatusBadRequest, httpapi.CodeValidationFailed, "Idempotency-Key is not valid text", "UTF-8 without the character U+0000")
				return
			}
			body, err := httpapi.ReadBody(r)
			if err != nil {
				// Too large or broken: let the normal path answer it.
				next.ServeHTTP(w, r)
				return
			}
			serve(w, r, q, key, body, next)
		})
	}
}

func serve(w http.ResponseWriter, r *http.Request, q *idempotencydb.Queries, key string, body []byte, next http.Handler) {
	ctx := r.Context()
	log := httpapi.LoggerFrom(ctx)
	sum := sha256.Sum256(append([]byte(r.Header.Get("Content-Type")+"\n"), body...))
	path := r.URL.Path
	claimed, err := q.KeyClaim(ctx, idempotencydb.KeyClaimParams{
		Key: key, Method: r.Method, Path: path, RequestHash: sum[:], AbandonedAfterSeconds: abandonedAfter.Seconds(),
	})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		httpapi.ResponseErrorHandler(w, r, err)
		return
	}
	if !claimed {
		replay(w, r, q, key, path, sum[:])
		return
	}
	if rand.IntN(1000) == 0 {
		go deleteExpired(q, log)
	}

	rec := &capture{ResponseWriter: w}
	completed := false
	defer func() {
		// Unexpected failures (5xx, panics) forget the key so that a retry runs again.
		if !completed {
			if err := q.KeyRelease(context.WithoutCancel(ctx), key, r.Method, path); err != nil {
				log.Warn("release idempotency key", slog.String("error", err.Error()))
			}
		}
	}()
	next.ServeHTTP(rec, r)
	if rec.code() >= 500 {
		return
	}
	headers := map[string]string{}
	for _, h := range replayedHeaders {
		if v := rec.Header().Get(h); v != "" {
			headers[h] = v
		}
	}
	stored, _ := json.Marshal(headers)
	err = q.KeyComplete(context.WithoutCancel(ctx), idempotencydb.KeyCompleteParams{
		Status: pgtype.Int4{Int32: int32(rec.code()), Valid: true}, Headers: stored, Body: rec.body.Bytes(),
		Key: key, Method: r.Method, Path: path,
	})
	if err != nil {
		log.Error("store idempotent response", slog.String("error", err.Error()))
		return
	}
	completed = true
}

func replay(w http.ResponseWriter, r *http.Request, q *idempotencydb.Queries, key, path string, sum []byte) {
	row, err := q.KeyGet(r.Context(), key, r.Method, path)
	if errors.Is(err, pgx.ErrNoRows) {
		// Released between our claim and this read: the first request failed; ask for a retry.
		httpapi.WriteError(w, http.StatusConflict, "IDEMPOTENCY_KEY_IN_USE", "a request with this Idempotency-Key is being processed", "retry shortly")
		return
	}
	if err != nil {
		httpapi.ResponseErrorHandler(w, r, err)
		return
	}
	switch {
	case !bytes.Equal(row.RequestHash, sum):
		httpapi.WriteError(w, http.StatusConflict, "IDEMPOTENCY_KEY_REUSED",
			"this Idempotency-Key was used for a different request", "use a new key for a new request")
	case row.State != "done" || !row.Status.Valid:
		httpapi.WriteError(w, http.StatusConflict, "IDEMPOTENCY_KEY_IN_USE", "a request with this Idempotency-Key is being processed", "retry shortly")
	default:
		var headers map[string]string
		_ = json.Unmarshal(row.Headers, &headers)
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set(ReplayedHeader, "true")
		w.WriteHeader(int(row.Status.Int32))
		_, _ = w.Write(row.Body)
	}
}

func deleteExpired(q *idempotencydb.Queries, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := q.KeyDeleteExpired(ctx, retention.Seconds()); err != nil {
		log.Warn("delete expired idempotency keys", slog.String("error", err.Error()))
	}
}

// capture passes the response through and keeps a copy for replay.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *capture) code() int {
	if c.status == 0 {
		return http.StatusOK
	}
	return c.status
}
