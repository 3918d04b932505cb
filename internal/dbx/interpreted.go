package dbx

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what the generated query packages (gen/*db) run their statements on: a pool, a connection
// or a transaction. Every package's DBTX has these methods.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Interpreted is db with every error it gives interpreted (Interpret), including those of a row's
// Scan and of reading rows, which is where the driver reports most of them. Building the generated
// queries over it, xxxdb.New(dbx.Interpreted(db)), is what keeps handlers from seeing driver
// errors: they test the sentinels (errors.Is(err, dbx.ErrNotFound)) on what a query returns.
func Interpreted(db DB) DB {
	if i, ok := db.(interpreted); ok {
		return i
	}
	return interpreted{db}
}

type interpreted struct{ db DB }

func (i interpreted) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := i.db.Exec(ctx, sql, args...)
	return tag, Interpret(err)
}

func (i interpreted) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := i.db.Query(ctx, sql, args...)
	if err != nil {
		return rows, Interpret(err)
	}
	return interpretedRows{rows}, nil
}

func (i interpreted) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return interpretedRow{i.db.QueryRow(ctx, sql, args...)}
}

type interpretedRow struct{ row pgx.Row }

func (r interpretedRow) Scan(dest ...any) error { return Interpret(r.row.Scan(dest...)) }

type interpretedRows struct{ pgx.Rows }

func (r interpretedRows) Scan(dest ...any) error { return Interpret(r.Rows.Scan(dest...)) }

func (r interpretedRows) Err() error { return Interpret(r.Rows.Err()) }
