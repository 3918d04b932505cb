// Package migrate applies the services' embedded migrations with goose. Each service keeps its own
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
)

// Schema is one schema and the migrations that build it.
type Schema struct {
	Name       string
	Migrations fs.FS
}

// lockKey names the advisory lock that serialises the migrations of a database.
var lockKey = func() int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("fountainai-migrate"))
	return int64(h.Sum64() >> 1)
}()

// Up brings every schema, in order, to its newest migration.
//
// Replicas starting together on one database take turns: each holds one advisory lock from before
// its first statement to after its last, so a replica that waited finds everything applied. The
// lock covers creating the schemas too, since concurrent CREATE SCHEMA IF NOT EXISTS of one name can
// fail on PostgreSQL's unique index of schema names. Advisory locks belong to one database:
// migrations of different databases on one server still run at the same time, so a statement on
// cluster-wide objects (a role) must guard itself in its SQL.
func Up(ctx context.Context, pool *pgxpool.Pool, schemas []Schema, logger *slog.Logger) error {
	// The lock is held on a connection of its own, outside the pool goose migrates through, so
	// that goose never waits for it however small the pool. Closing it releases the lock, also
	// when a migration failed.
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig)
	if err != nil {
		return fmt.Errorf("connect for the migration lock: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	roles, err := createRoles(ctx, conn, schemas, logger)
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer func() { _ = db.Close() }()
	for _, s := range schemas {
		// goose keeps its table in the schema, which must exist before the first migration creates it.
		if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{s.Name}.Sanitize()); err != nil {
			return fmt.Errorf("create schema %s: %w", s.Name, err)
		}
		provider, err := goose.NewProvider(goose.DialectPostgres, db, s.Migrations,
			goose.WithTableName(s.Name+".goose_db_version"),
			goose.WithDisableGlobalRegistry(true),
		)
		if err != nil {
			return fmt.Errorf("migrations for %s: %w", s.Name, err)
		}
		results, err := provider.Up(ctx)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", s.Name, err)
		}
		for _, r := range results {
			logger.Info("migration applied", slog.String("schema", s.Name), slog.String("file", r.Source.Path),
				slog.Duration("took", r.Duration))
		}
	}
	if roles {
		return grantRoles(ctx, conn, schemas)
	}
	return nil
}
