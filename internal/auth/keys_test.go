package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/fountainai/fountainai/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestKeyExpiresWhileCached: a key's expiry holds at its instant, also in a process that read the
// key's row moments before and trusts it for keyCacheTTL.
func TestKeyExpiresWhileCached(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := dbtest.NewPool(t)
	clock := time.Now()
	expiry := clock.Add(time.Minute)
	_, key, err := Create(ctx, pool, NewKeyParams{Name: "short", Tenant: "acme", Role: Writer, CreatedBy: "test", ExpiresAt: &expiry})
	if err != nil {
		t.Fatal(err)
	}
	store := NewKeyStore(pool)
	store.now = func() time.Time { return clock }
	verify := func(at time.Time) error {
		clock = at
		_, err := store.Verify(ctx, key)
		return err
	}
	if err := verify(expiry.Add(-keyCacheTTL / 2)); err != nil {
		t.Fatalf("before its expiry: %v", err)
	}
	if err := verify(expiry.Add(-time.Millisecond)); err != nil {
		t.Fatalf("a millisecond before its expiry, from the cache: %v", err)
	}
	if err := verify(expiry); !errors.Is(err, errInvalidKey) {
		t.Fatalf("at its expiry, from the cache: %v", err)
	}
	if err := verify(expiry.Add(keyCacheTTL + time.Second)); !errors.Is(err, errInvalidKey) {
		t.Fatalf("read again after its expiry: %v", err)
	}
}
