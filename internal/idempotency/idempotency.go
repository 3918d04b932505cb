// Package idempotency makes creation requests safe to retry: a POST carrying an Idempotency-Key
// header writes once, and every repetition of it (same key, method, path and body) is answered with
// the first response instead of writing again.
//
// The key is recorded in the transaction of the write it protects, with the response to replay
// (internal/write calls Begin and Save), so a key names a committed write or nothing: a request
// that died with its process or its transaction leaves nothing behind, and a retry writes. While a
// request's write runs, its transaction holds an advisory lock on the key, which PostgreSQL drops
// with the transaction; a repetition meanwhile is answered 409 with Retry-After. Keys live in
// PostgreSQL, so this holds across replicas and restarts.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/idempotencydb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/migrations"
)

// Header is the request header carrying the key.
const Header = "Idempotency-Key"

// ReplayedHeader marks a response that repeats the first one.
const ReplayedHeader = "Idempotent-Replayed"

// Error codes of the answers about keys.
const (
	CodeInUse  = "IDEMPOTENCY_KEY_IN_USE"
	CodeReused = "IDEMPOTENCY_KEY_REUSED"
)

// retention is how long a key is remembered.
const retention = 24 * time.Hour

// inUseRetryAfter is the wait suggested to a repetition that arrives while the first request runs:
// a write takes milliseconds.
const inUseRetryAfter = "1"

// replayedHeaders are the response headers recorded and replayed with the body.
var replayedHeaders = []string{"Content-Type", "ETag", "Location"}

// Schema names the key table's schema, migrated like a service's.
const Schema = "idempotency"

// Migrations returns the key table's migrations.
func Migrations() fs.FS { return migrations.For(Schema) }

// Claim is a request's Idempotency-Key, as the write that records it needs it.
type Claim struct {
	// Tenant is the caller's: two tenants sending the same key send two requests.
	Tenant, Key, Method, Path string
	// Hash identifies the request: its media type and body.
	Hash []byte
}

type claimKey struct{}

// WithClaim returns ctx carrying c as the key of the request being served (nil: none).
func WithClaim(ctx context.Context, c *Claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// ClaimFrom returns the key of the request being served, or nil when it carries none.
func ClaimFrom(ctx context.Context) *Claim {
	c, _ := ctx.Value(claimKey{}).(*Claim)
	return c
}

// Middleware applies idempotency keys to POST requests: a key already recorded is answered from
// the record; any other request goes on with its claim (or none) in its context. Every request gets
// its own: a request another handler makes in-process must not write under its caller's key.
func Middleware(pool *pgxpool.Pool) func(http.Handler) http.Handler {
	q := idempotencydb.New(pool)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get(Header)
			if r.Method != http.MethodPost || key == "" {
				if ClaimFrom(r.Context()) != nil {
					r = r.WithContext(WithClaim(r.Context(), nil))
				}
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
			sum := sha256.Sum256(append([]byte(r.Header.Get("Content-Type")+"\n"), body...))
			c := &Claim{Tenant: auth.Tenant(r.Context()), Key: key, Method: r.Method, Path: r.URL.Path, Hash: sum[:]}
			row, err := q.KeyGet(r.Context(), idempotencydb.KeyGetParams{Tenant: c.Tenant, Key: c.Key, Method: c.Method, Path: c.Path})
			switch err = dbx.Interpret(err); {
			case err == nil:
				answer(w, c, recorded{hash: row.RequestHash, status: row.Status, headers: row.Headers, body: row.Body})
				return
			case !errors.Is(err, dbx.ErrNotFound):
				httpapi.ResponseErrorHandler(w, r, fmt.Errorf("read Idempotency-Key: %w", err))
				return
			}
			if rand.IntN(1000) == 0 {
				go deleteExpired(q, httpapi.LoggerFrom(r.Context()))
			}
			next.ServeHTTP(w, r.WithContext(WithClaim(r.Context(), c)))
		})
	}
}

// recorded is a key's record: the request it was first used with and the response to replay.
type recorded struct {
	hash    []byte
	status  int32
	headers []byte
	body    []byte
}

// answer replays rec to a request with claim c, or refuses a different request under the same key.
func answer(w http.ResponseWriter, c *Claim, rec recorded) {
	if !bytes.Equal(rec.hash, c.Hash) {
		httpapi.WriteError(w, http.StatusConflict, CodeReused,
			"this Idempotency-Key was used for a different request", "use a new key for a new request")
		return
	}
	var headers map[string]string
	_ = json.Unmarshal(rec.headers, &headers)
	for k, v := range headers {
		w.Header().Set(k, v)
	}
	w.Header().Set(ReplayedHeader, "true")
	w.WriteHeader(int(rec.status))
	_, _ = w.Write(rec.body)
}

// Replay is the answer to a write whose key another request recorded first (it committed while
// this one waited): the recorded response, or the refusal of a different request. Handlers return
// it as an error; httpapi.ResponseErrorHandler answers with it.
type Replay struct {
	claim *Claim
	rec   recorded
}

func (r *Replay) Error() string { return "Idempotency-Key " + r.claim.Key + " was recorded meanwhile" }

// Answer writes the recorded response.
func (r *Replay) Answer(w http.ResponseWriter) { answer(w, r.claim, r.rec) }

// InUse is the answer to a write whose key a running transaction holds: the first request with it.
type InUse struct{ Key string }

func (e *InUse) Error() string { return "Idempotency-Key " + e.Key + " is in use" }

// Answer writes 409 with the time to wait before retrying.
func (e *InUse) Answer(w http.ResponseWriter) {
	w.Header().Set("Retry-After", inUseRetryAfter)
	httpapi.WriteError(w, http.StatusConflict, CodeInUse, "a request with this Idempotency-Key is being processed", "retry after a second")
}

// Begin marks the requests of claims as running in tx, for as long as tx lasts, and tells for each
// what to answer instead of writing: nil to write, *InUse when another transaction runs it, *Replay
// when it was recorded already. Claims repeated within tx are in use from the second on.
func Begin(ctx context.Context, tx pgx.Tx, claims []*Claim) ([]error, error) {
	out := make([]error, len(claims))
	var (
		tenants, keys, methods, paths []string
		at                            []int // index in claims of each row asked for
	)
	seen := map[[4]string]bool{}
	for i, c := range claims {
		id := [4]string{c.Tenant, c.Key, c.Method, c.Path}
		if seen[id] {
			out[i] = &InUse{Key: c.Key}
			continue
		}
		seen[id] = true
		tenants, keys = append(tenants, c.Tenant), append(keys, c.Key)
		methods, paths = append(methods, c.Method), append(paths, c.Path)
		at = append(at, i)
	}
	if len(at) == 0 {
		return out, nil
	}
	rows, err := idempotencydb.New(tx).KeyLockAndGet(ctx, idempotencydb.KeyLockAndGetParams{Tenants: tenants, Keys: keys, Methods: methods, Paths: paths})
	if err != nil {
		return nil, fmt.Errorf("lock %d Idempotency-Keys: %w", len(at), err)
	}
	for _, r := range rows {
		i := at[r.Ord-1]
		switch {
		case !r.Locked:
			out[i] = &InUse{Key: claims[i].Key}
		case r.Status.Valid:
			out[i] = &Replay{claim: claims[i], rec: recorded{hash: r.RequestHash, status: r.Status.Int32, headers: r.Headers, body: r.Body}}
		}
	}
	return out, nil
}

// Record is a response to keep for a claim.
type Record struct {
	Claim  *Claim
	Status int
	Header http.Header
	Body   []byte
}

// Save records the responses of the writes made in tx. A key recorded meanwhile by a transaction
// that committed first makes it fail with a conflict (dbx.ErrConflict); Begin in a new transaction
// then finds that record.
func Save(ctx context.Context, tx pgx.Tx, records []Record) error {
	if len(records) == 0 {
		return nil
	}
	n := len(records)
	p := idempotencydb.KeyInsertManyParams{
		Tenants: make([]string, n), Keys: make([]string, n), Methods: make([]string, n), Paths: make([]string, n), RequestHashes: make([][]byte, n),
		Statuses: make([]int32, n), Headers: make([]string, n), Bodies: make([][]byte, n),
	}
	for i, r := range records {
		headers := map[string]string{}
		for _, h := range replayedHeaders {
			if v := r.Header.Get(h); v != "" {
				headers[h] = v
			}
		}
		stored, err := json.Marshal(headers)
		if err != nil {
			return err
		}
		p.Tenants[i] = r.Claim.Tenant
		p.Keys[i], p.Methods[i], p.Paths[i], p.RequestHashes[i] = r.Claim.Key, r.Claim.Method, r.Claim.Path, r.Claim.Hash
		p.Statuses[i], p.Headers[i], p.Bodies[i] = int32(r.Status), string(stored), r.Body
	}
	if err := idempotencydb.New(tx).KeyInsertMany(ctx, p); err != nil {
		return fmt.Errorf("record %d Idempotency-Keys: %w", n, dbx.Interpret(err))
	}
	return nil
}

func deleteExpired(q *idempotencydb.Queries, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := q.KeyDeleteExpired(ctx, retention.Seconds()); err != nil {
		log.Warn("delete expired idempotency keys", slog.String("error", err.Error()))
	}
}
