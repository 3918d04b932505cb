package sequence_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/dbtest"
)

// storyOrder reads the element ids of the story of script 1 in order, and its keys' extremes.
func storyOrder(t *testing.T, pool *pgxpool.Pool) (ids []int64, lowest, highest int64) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
SELECT p.element_id, p.order_key FROM sequence.positions p
JOIN sequence.scopes s ON s.id = p.scope_id
WHERE s.script_id = 1 AND s.name = 'story' ORDER BY p.order_key`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id, key int64
		require.NoError(t, rows.Scan(&id, &key))
		if len(ids) == 0 {
			lowest = key
		}
		ids, highest = append(ids, id), key
	}
	require.NoError(t, rows.Err())
	return ids, lowest, highest
}

// TestKeysStayBoundedAtTheFront: 100,000 inserts at the front of one story each write one row
// with an integer key, and the order is exactly the reverse of the inserts.
func TestKeysStayBoundedAtTheFront(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	const n = 100_000
	began := time.Now()
	// Each insert commits on its own, as writes of clients do.
	_, err := pool.Exec(context.Background(), `
DO $$ BEGIN
    FOR i IN 1..100000 LOOP
        PERFORM sequence.place_v2(1, 'story', 'action', i, NULL, NULL, NULL, NULL, 1);
        COMMIT;
    END LOOP;
END $$`, pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	t.Logf("%d inserts at the front in %s", n, time.Since(began))
	ids, lowest, highest := storyOrder(t, pool)
	require.Len(t, ids, n)
	for i, id := range ids {
		require.EqualValues(t, n-i, id, "position %d", i+1)
	}
	t.Logf("keys from %d to %d", lowest, highest)
}

// TestKeysStayBoundedBetweenTwoNeighbours: inserts that alternate between right after A and right
// before B, the pattern that exhausts the gap between two keys fastest, keep every element where
// it was put; the neighbours spread out again keep the keys integers inside their range.
func TestKeysStayBoundedBetweenTwoNeighbours(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	const n = 10_000
	began := time.Now()
	_, err := pool.Exec(context.Background(), `
DO $$ BEGIN
    PERFORM sequence.place_v2(1, 'story', 'action', 1, NULL, NULL, NULL, NULL, NULL);
    PERFORM sequence.place_v2(1, 'story', 'action', 2, NULL, NULL, NULL, NULL, NULL);
    FOR i IN 3..10002 LOOP
        IF i % 2 = 1 THEN
            PERFORM sequence.place_v2(1, 'story', 'action', i, NULL, NULL, 'action', 1, NULL);
        ELSE
            PERFORM sequence.place_v2(1, 'story', 'action', i, 'action', 2, NULL, NULL, NULL);
        END IF;
        COMMIT;
    END LOOP;
END $$`, pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	t.Logf("%d alternating inserts between two neighbours in %s", n, time.Since(began))

	// A, the inserts after A newest first, the inserts before B oldest first, B.
	want := []int64{1}
	for i := int64(n + 1); i >= 3; i-- {
		if i%2 == 1 {
			want = append(want, i)
		}
	}
	for i := int64(3); i <= n+2; i++ {
		if i%2 == 0 {
			want = append(want, i)
		}
	}
	want = append(want, 2)
	ids, lowest, highest := storyOrder(t, pool)
	require.True(t, slices.Equal(want, ids), "the order is the one each insert asked for")
	t.Logf("keys from %d to %d", lowest, highest)

}
