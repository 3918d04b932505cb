package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/authdb"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/migrations"
)

// Schema names the API keys' schema, migrated with every process like the idempotency keys'.
const Schema = "auth"

// Migrations returns the API keys' migrations.
func Migrations() fs.FS { return migrations.For(Schema) }

// KeyPrefix starts every API key, so a leaked key is recognisable (secret scanners, logs).
const KeyPrefix = "fai_"

// A key is KeyPrefix + 16 hex digits of id + "_" + 43 characters of secret (256 bits, base64url).
const (
	idBytes     = 8
	secretBytes = 32
)

// NewKey makes a key: the text to hand out once, its id and the hash to store.
func NewKey() (key, id string, hash []byte) {
	var b [idBytes + secretBytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	id = hex.EncodeToString(b[:idBytes])
	secret := base64.RawURLEncoding.EncodeToString(b[idBytes:])
	sum := HashSecret(secret)
	return KeyPrefix + id + "_" + secret, id, sum[:]
}

// splitKey returns the id and the secret's hash of a presented key.
func splitKey(key string) (id string, hash [32]byte, ok bool) {
	rest, found := strings.CutPrefix(key, KeyPrefix)
	if !found {
		return "", hash, false
	}
	id, secret, found := strings.Cut(rest, "_")
	if !found || len(id) != 2*idBytes || len(secret) != base64.RawURLEncoding.EncodedLen(secretBytes) {
		return "", hash, false
	}
	if _, err := hex.DecodeString(id); err != nil || strings.ToLower(id) != id {
		return "", hash, false
	}
	return id, HashSecret(secret), true
}

// keyCacheTTL is how long a key's row is trusted without reading it again: a key revoked in another
// process stops working within this time (in the revoking process, at once).
const keyCacheTTL = 5 * time.Second

// KeyStore authenticates API keys against auth.api_keys.
type KeyStore struct {
	q   *authdb.Queries
	now func() time.Time

	mu    sync.Mutex
	cache map[string]cachedKey
}

type cachedKey struct {
	row     authdb.KeyLookupRow
	missing bool
	read    time.Time
}

// NewKeyStore reads keys through db.
func NewKeyStore(db authdb.DBTX) *KeyStore {
	return &KeyStore{q: authdb.New(db), now: time.Now, cache: map[string]cachedKey{}}
}

// Verify returns the identity of key.
func (s *KeyStore) Verify(ctx context.Context, key string) (Identity, error) {
	id, hash, ok := splitKey(key)
	if !ok {
		return Identity{}, fmt.Errorf("%w: not an API key of this service", errInvalidKey)
	}
	now := s.now()
	s.mu.Lock()
	c, hit := s.cache[id]
	s.mu.Unlock()
	if !hit || now.Sub(c.read) > keyCacheTTL {
		row, err := s.q.KeyLookup(ctx, id)
		err = dbx.Interpret(err)
		if err != nil && !errors.Is(err, dbx.ErrNotFound) {
			return Identity{}, fmt.Errorf("read API key: %w", err)
		}
		c = cachedKey{row: row, missing: err != nil, read: now}
		s.mu.Lock()
		if len(s.cache) > 10000 {
			clear(s.cache) // keys tried by a scanner must not grow the cache without bound
		}
		s.cache[id] = c
		s.mu.Unlock()
	}
	if c.missing || subtle.ConstantTimeCompare(c.row.SecretHash, hash[:]) != 1 {
		return Identity{}, fmt.Errorf("%w: unknown API key", errInvalidKey)
	}
	if c.row.RevokedAt != nil {
		return Identity{}, fmt.Errorf("%w: the API key was revoked", errInvalidKey)
	}
	if c.row.ExpiresAt != nil && !now.Before(*c.row.ExpiresAt) {
		return Identity{}, fmt.Errorf("%w: the API key has expired", errInvalidKey)
	}
	return Identity{Subject: "key:" + id, Tenant: c.row.Tenant, Role: Role(c.row.Role)}, nil
}

// Forget drops what is cached of key id, so its revocation holds at once in this process.
func (s *KeyStore) Forget(id string) {
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
}

// NewKeyParams describe a key to create.
type NewKeyParams struct {
	Name, Tenant, CreatedBy string
	Role                    Role
	ExpiresAt               *time.Time
}

// Create stores a new key and returns it with the key text, which is never stored and cannot be
// shown again.
func Create(ctx context.Context, db authdb.DBTX, p NewKeyParams) (authdb.KeyInsertRow, string, error) {
	key, id, hash := NewKey()
	row, err := authdb.New(db).KeyInsert(ctx, authdb.KeyInsertParams{
		ID: id, SecretHash: hash, Name: p.Name, Tenant: p.Tenant, Role: string(p.Role), CreatedBy: p.CreatedBy, ExpiresAt: p.ExpiresAt,
	})
	if err != nil {
		return row, "", fmt.Errorf("store API key: %w", dbx.Interpret(err))
	}
	return row, key, nil
}

// AnyTenant, passed as the tenant to the key queries, reaches every tenant's keys (the command line).
var AnyTenant = pgtype.Text{}

// OfTenant restricts the key queries to tenant's keys.
func OfTenant(tenant string) pgtype.Text { return pgtype.Text{String: tenant, Valid: true} }

// HashSecret returns the hash under which a secret is kept and compared in constant time: an API
// key's secret part, or a configured secret such as the ingest key.
func HashSecret(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }
