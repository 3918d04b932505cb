package app_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryCreateRecordsItsKeyWithItsWrite: for every create that takes an Idempotency-Key, the key's
// record is written by the very transaction that wrote the element (the same xmin), so no fault can
// leave one without the other; a repetition replays the first answer and writes nothing.
func TestEveryCreateRecordsItsKeyWithItsWrite(t *testing.T) {
	t.Parallel()
	b := newBodyTest(t)
	ctx := context.Background()
	for i, c := range b.creates() {
		key := fmt.Sprintf("once-%d", i)
		before := b.rows(t)
		status, header, first := b.send(t, http.MethodPost, c.path, c.with(""), "Idempotency-Key", key)
		require.Equal(t, http.StatusCreated, status, "%s: %s", c.path, first)
		require.Empty(t, header.Get("Idempotent-Replayed"), c.path)
		after := b.rows(t)

		var keyTx string
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT xmin::text FROM idempotency.keys WHERE key = $1`, key).Scan(&keyTx), c.path)
		written := 0
		for table, n := range after {
			if table == "idempotency.keys" || n == before[table] {
				continue
			}
			var same int
			require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM "+table+" WHERE xmin::text = $1", keyTx).Scan(&same))
			require.Positive(t, same, "%s: the rows added to %s were written by another transaction than the key's", c.path, table)
			written++
		}
		require.Positive(t, written, "%s wrote nothing", c.path)

		status, header, again := b.send(t, http.MethodPost, c.path, c.with(""), "Idempotency-Key", key)
		require.Equal(t, http.StatusCreated, status, "%s: %s", c.path, again)
		require.Equal(t, "true", header.Get("Idempotent-Replayed"), c.path)
		require.JSONEq(t, string(first), string(again), c.path)
		require.Equal(t, after, b.rows(t), "%s: a replay writes nothing", c.path)
	}
}
