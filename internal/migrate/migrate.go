// Package migrate applies a service's embedded migrations with goose. Each service keeps its own
// version table inside its own schema, so services migrate independently and may share a database
// or each have their own.
package migrate

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Up brings schema to the newest migration in fsys. Replicas starting together are serialised by a
// PostgreSQL advisory lock, so exactly one of them migrates.
func Up(ctx context.Context, pool *pgxpool.Pool, schema string, fsys fs.FS, logger *slog.Logger) error {
	// goose keeps its table in the schema, which must exist before the first migration creates it.
	if _, err := pool.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte("fountainai-migrate-" + schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64() >> 1)))
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer func() { _ = db.Close() }()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithTableName(schema+".goose_db_version"),
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", schema, err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	for _, r := range results {
		logger.Info("migration applied", slog.String("schema", schema), slog.String("file", r.Source.Path),
			slog.Duration("took", r.Duration))
	}
	return nil
}
