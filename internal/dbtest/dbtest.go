// Package dbtest gives each test its own PostgreSQL database, cloned from a template that has every
// service's migrations applied, so tests run in parallel against real PostgreSQL without seeing each
// other's rows.
//
// The server comes from FOUNTAIN_TEST_DATABASE_URL (a postgres:// URL of a role allowed to create
// databases). When it is unset, the first test of the process starts a throwaway cluster from the
// local PostgreSQL binaries; Main removes it when the package's tests end.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/migrate"
	"github.com/fountainai/fountainai/internal/pgcluster"
	"github.com/fountainai/fountainai/migrations"
)

var (
	setupOnce sync.Once
	setupErr  error
	serverURL string
	template  string
	cluster   *pgcluster.Cluster
)

// Main runs the package's tests and removes the throwaway cluster, if one was started. Call it from
// TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := cluster.Remove(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "dbtest: remove cluster:", err)
		}
		cancel()
	}
	os.Exit(code)
}

// New creates a fresh migrated database for t, dropped when t ends, and returns its URL.
func New(t testing.TB) string {
	t.Helper()
	return create(t, true)
}

// NewEmpty creates a database without any migration applied, as a deployment starts from, dropped
// when t ends, and returns its URL.
func NewEmpty(t testing.TB) string {
	t.Helper()
	return create(t, false)
}

// create makes a database cloned from the migrated template, or an empty one.
func create(t testing.TB, migrated bool) string {
	t.Helper()
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("dbtest: %v", setupErr)
	}
	ctx := context.Background()
	name := "test_" + randomHex(8)
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("dbtest: connect: %v", err)
	}
	defer admin.Close(ctx)
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if migrated {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	// A template can only be copied while nobody is connected to it; retry briefly in case another
	// process is still closing its connections after building it.
	for attempt := 0; ; attempt++ {
		_, err = admin.Exec(ctx, stmt)
		if err == nil || attempt == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), serverURL)
		if err != nil {
			t.Errorf("dbtest: connect for drop: %v", err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("dbtest: drop database: %v", err)
		}
	})
	return withDatabase(serverURL, name)
}

// NewPool is New with a pool on the database, closed when t ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return PoolFor(t, New(t), 8)
}

// PoolFor opens a pool of at most maxConns on url, closed when t ends; several pools on one
// database stand for several replicas of a service.
func PoolFor(t testing.TB, url string, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func setup() error {
	ctx := context.Background()
	serverURL = os.Getenv(pgcluster.TestURLEnv)
	if serverURL == "" {
		c, err := pgcluster.StartTemp(ctx, pgcluster.Options{})
		if err != nil {
			return fmt.Errorf("no %s and no local cluster: %w", pgcluster.TestURLEnv, err)
		}
		cluster, serverURL = c, c.URL()
	}
	sum, err := migrationsHash()
	if err != nil {
		return err
	}
	template = fmt.Sprintf("fountain_template_%x", sum)
	return ensureTemplate(ctx, sum)
}

// ensureTemplate builds the template once per migration set; concurrent test processes queue on an
// advisory lock, and a template is only marked as one after its migrations succeeded.
func ensureTemplate(ctx context.Context, sum uint64) error {
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(serverURL), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(sum>>1)); err != nil {
		return err
	}
	defer func() { _, _ = admin.Exec(ctx, "SELECT pg_advisory_unlock($1)", int64(sum>>1)) }()

	var ready, exists bool
	err = admin.QueryRow(ctx, "SELECT true, datistemplate FROM pg_database WHERE datname = $1", template).Scan(&exists, &ready)
	if err != nil && err != pgx.ErrNoRows {
		return err
	}
	if ready {
		return nil
	}
	ident := pgx.Identifier{template}.Sanitize()
	if exists {
		if _, err := admin.Exec(ctx, "DROP DATABASE "+ident+" WITH (FORCE)"); err != nil {
			return err
		}
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, withDatabase(serverURL, template))
	if err != nil {
		return err
	}
	err = migrateAll(ctx, pool)
	pool.Close()
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	_, err = admin.Exec(ctx, "ALTER DATABASE "+ident+" IS_TEMPLATE true")
	return err
}

// migrateAll applies every service's migrations: one directory of migrations.FS per schema.
func migrateAll(ctx context.Context, pool *pgxpool.Pool) error {
	dirs, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return err
	}
	var schemas []migrate.Schema
	for _, d := range dirs {
		if d.IsDir() {
			schemas = append(schemas, migrate.Schema{Name: d.Name(), Migrations: migrations.For(d.Name())})
		}
	}
	return migrate.Up(ctx, pool, schemas, slog.New(slog.DiscardHandler))
}

func migrationsHash() (uint64, error) {
	h := fnv.New64a()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		_, _ = h.Write([]byte(path))
		_, _ = h.Write(b)
		return err
	})
	return h.Sum64(), err
}

func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(fmt.Sprintf("dbtest: %s must be a postgres:// URL: %v", pgcluster.TestURLEnv, err))
	}
	u.Path = "/" + name
	return u.String()
}

func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
