package dbx_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/dbx"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestInterpreted checks each way a statement reports an error: Exec's result, a single row's Scan,
// and, for a statement run through Query, the rows' Err after the driver read the failure.
func TestInterpreted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.NewPool(t)
	if _, err := pool.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	db := dbx.Interpreted(pool)
	if _, err := db.Exec(ctx, "INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}

	t.Run("exec", func(t *testing.T) {
		t.Parallel()
		_, err := db.Exec(ctx, "INSERT INTO t VALUES (1)")
		if !errors.Is(err, dbx.ErrConflict) {
			t.Errorf("duplicate insert: %v, want ErrConflict", err)
		}
	})

	t.Run("query row", func(t *testing.T) {
		t.Parallel()
		var id int
		err := db.QueryRow(ctx, "SELECT id FROM t WHERE id = 2").Scan(&id)
		if !errors.Is(err, dbx.ErrNotFound) || !errors.Is(err, pgx.ErrNoRows) {
			t.Errorf("missing row: %v, want ErrNotFound wrapping pgx.ErrNoRows", err)
		}
		if err := db.QueryRow(ctx, "SELECT id FROM t WHERE id = 1").Scan(&id); err != nil || id != 1 {
			t.Errorf("present row: id %d, error %v", id, err)
		}
	})

	t.Run("query", func(t *testing.T) {
		t.Parallel()
		rows, err := db.Query(ctx, "INSERT INTO t VALUES (3), (3) RETURNING id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		if err := rows.Err(); !errors.Is(err, dbx.ErrConflict) {
			t.Errorf("duplicate insert through Query: %v, want ErrConflict", err)
		}
	})

	t.Run("unavailable", func(t *testing.T) {
		t.Parallel()
		closed := dbtest.PoolFor(t, dbtest.New(t), 1)
		closed.Close()
		_, err := dbx.Interpreted(closed).Exec(ctx, "SELECT 1")
		if !errors.Is(err, dbx.ErrUnavailable) {
			t.Errorf("closed pool: %v, want ErrUnavailable", err)
		}
	})

	t.Run("once", func(t *testing.T) {
		t.Parallel()
		if dbx.Interpreted(db) != db {
			t.Error("interpreting an interpreted DB wraps it again")
		}
	})
}
