package scripts_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/migrations"
)

// TestTenantMigrationKeepsRows upgrades a database that holds scripts from before tenants: every row
// stays, in the default tenant, an insert that names no tenant is refused, and the way back keeps the
// rows too.
func TestTenantMigrationKeepsRows(t *testing.T) {
	t.Parallel()
	pool := dbtest.PoolFor(t, dbtest.NewEmpty(t), 2)
	_, err := pool.Exec(bg, "CREATE SCHEMA scripts")
	require.NoError(t, err)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { _ = db.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.For("scripts"),
		goose.WithTableName("scripts.goose_db_version"), goose.WithDisableGlobalRegistry(true))
	require.NoError(t, err)

	_, err = p.UpTo(bg, 1)
	require.NoError(t, err)
	var script, section int64
	require.NoError(t, pool.QueryRow(bg, "INSERT INTO scripts.scripts (title) VALUES ('Hamlet') RETURNING id").Scan(&script))
	require.NoError(t, pool.QueryRow(bg, "INSERT INTO scripts.sections (script_id, title) VALUES ($1, 'Act 1') RETURNING id", script).Scan(&section))
	_, err = pool.Exec(bg, "INSERT INTO scripts.transitions (script_id, section_id, text) VALUES ($1, $2, 'CUT TO:')", script, section)
	require.NoError(t, err)

	_, err = p.UpTo(bg, 2)
	require.NoError(t, err)
	for _, table := range []string{"scripts", "sections", "transitions"} {
		var n int
		require.NoError(t, pool.QueryRow(bg, "SELECT count(*) FROM scripts."+table+" WHERE tenant = 'default'").Scan(&n))
		require.Equal(t, 1, n, "%s: the row from before tenants is the default tenant's", table)
	}
	_, err = pool.Exec(bg, "INSERT INTO scripts.scripts (title) VALUES ('Macbeth')")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "an insert without a tenant is refused, not put in the default tenant")
	require.Equal(t, "23502", pgErr.Code) // not_null_violation

	// The foreign keys hold the tenant: a section cannot join another tenant's script.
	_, err = pool.Exec(bg, "INSERT INTO scripts.sections (tenant, script_id, title) VALUES ('b', $1, 'Act 2')", script)
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "sections_script_id_fkey", pgErr.ConstraintName)

	_, err = p.DownTo(bg, 1)
	require.NoError(t, err)
	var n int
	require.NoError(t, pool.QueryRow(bg, `SELECT (SELECT count(*) FROM scripts.scripts) + (SELECT count(*) FROM scripts.sections)
		+ (SELECT count(*) FROM scripts.transitions)`).Scan(&n))
	require.Equal(t, 3, n, "the way back keeps every row")
	_, err = p.Up(bg)
	require.NoError(t, err, "and the way up works again")
}
