package characters_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/migrations"
)

// TestTenantMigrationKeepsEveryRow upgrades a database holding characters, lines and paraphrases
// from before tenants: all of it becomes the default tenant's, nothing is lost, and from then on a
// row must name its tenant and may reference only its own tenant's rows.
func TestTenantMigrationKeepsEveryRow(t *testing.T) {
	t.Parallel()
	pool := dbtest.PoolFor(t, dbtest.NewEmpty(t), 4)
	_, err := pool.Exec(bg, `CREATE SCHEMA characters`)
	require.NoError(t, err)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { _ = db.Close() })
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.For("characters"),
		goose.WithTableName("characters.goose_db_version"), goose.WithDisableGlobalRegistry(true))
	require.NoError(t, err)

	_, err = provider.UpTo(bg, 1)
	require.NoError(t, err)
	_, err = pool.Exec(bg, `
WITH c AS (INSERT INTO characters.characters (name, description) VALUES ('ROMEO', 'A Montague.') RETURNING id),
     a AS (INSERT INTO characters.actions (script_id, character_id, description) SELECT 1, id, 'Enters.' FROM c RETURNING id),
     w AS (INSERT INTO characters.spoken_words (script_id, character_id, text) SELECT 1, id, 'Ay me!' FROM c RETURNING id)
INSERT INTO characters.paraphrases (original_type, original_id, text)
SELECT 'character', id, 'He loves.' FROM c
UNION ALL SELECT 'action', id, 'He comes.' FROM a
UNION ALL SELECT 'spokenWord', id, 'Alas.' FROM w`)
	require.NoError(t, err)

	_, err = provider.UpTo(bg, 2)
	require.NoError(t, err)
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"characters", "actions", "spoken_words", "paraphrases"} {
			var n int
			require.NoError(t, pool.QueryRow(bg, `SELECT count(*) FROM characters.`+table+` WHERE tenant = 'default'`).Scan(&n))
			out[table] = n
		}
		return out
	}
	all := map[string]int{"characters": 1, "actions": 1, "spoken_words": 1, "paraphrases": 3}
	require.Equal(t, all, counts())

	// No default: an insert that forgets the tenant fails.
	_, err = pool.Exec(bg, `INSERT INTO characters.characters (name, description) VALUES ('JULIET', 'A Capulet.')`)
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, "23502", pgErr.Code, "not null violation: %v", err)
	// A reference to another tenant's character fails as one to a missing character does.
	_, err = pool.Exec(bg, `INSERT INTO characters.actions (tenant, script_id, character_id, description)
SELECT 'b', 1, id, 'Stolen.' FROM characters.characters`)
	require.Equal(t, "actions_character_id_fkey", dbx.ConstraintName(err), "%v", err)
	_, err = pool.Exec(bg, `INSERT INTO characters.paraphrases (tenant, original_type, original_id, text)
SELECT 'b', 'action', id, 'Stolen.' FROM characters.actions`)
	require.Equal(t, "paraphrases_action_id_fkey", dbx.ConstraintName(err), "%v", err)

	// Down and up again keep every row while there is only the default tenant...
	_, err = provider.DownTo(bg, 1)
	require.NoError(t, err)
	_, err = provider.UpTo(bg, 2)
	require.NoError(t, err)
	require.Equal(t, all, counts())
	// ...and down refuses to merge tenants once there are others.
	_, err = pool.Exec(bg, `INSERT INTO characters.characters (tenant, name, description) VALUES ('b', 'ROMEO', 'Another.')`)
	require.NoError(t, err)
	_, err = provider.DownTo(bg, 1)
	require.ErrorContains(t, err, "cannot be reversed")
	requireColumn(t, pool, "characters", "tenant")
}

func requireColumn(t *testing.T, pool *pgxpool.Pool, table, column string) {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(bg, `SELECT count(*) FROM information_schema.columns
WHERE table_schema = 'characters' AND table_name = $1 AND column_name = $2`, table, column).Scan(&n))
	require.Equal(t, 1, n, "characters.%s.%s", table, column)
}

// TestFountainMigrationKeepsEveryLine upgrades a database holding lines from before the screenplay
// fields: each becomes a plain action or a plain cue, and the migration goes down and up again.
func TestFountainMigrationKeepsEveryLine(t *testing.T) {
	t.Parallel()
	pool := dbtest.PoolFor(t, dbtest.NewEmpty(t), 4)
	_, err := pool.Exec(bg, `CREATE SCHEMA characters`)
	require.NoError(t, err)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { _ = db.Close() })
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.For("characters"),
		goose.WithTableName("characters.goose_db_version"), goose.WithDisableGlobalRegistry(true))
	require.NoError(t, err)

	_, err = provider.UpTo(bg, 2)
	require.NoError(t, err)
	_, err = pool.Exec(bg, `
WITH a AS (INSERT INTO characters.actions (tenant, script_id, description) VALUES ('default', 1, 'Enters.'))
INSERT INTO characters.spoken_words (tenant, script_id, text) VALUES ('default', 1, 'Ay me!')`)
	require.NoError(t, err)

	_, err = provider.UpTo(bg, 3)
	require.NoError(t, err)
	var format string
	var forced bool
	require.NoError(t, pool.QueryRow(bg, `SELECT format, forced FROM characters.actions`).Scan(&format, &forced))
	require.Equal(t, "action", format)
	require.False(t, forced)
	var parenthetical, extension *string
	var dual, continues, lyric bool
	require.NoError(t, pool.QueryRow(bg, `SELECT parenthetical, extension, dual, continues_dialogue, lyric, forced FROM characters.spoken_words`).
		Scan(&parenthetical, &extension, &dual, &continues, &lyric, &forced))
	require.Nil(t, parenthetical)
	require.Nil(t, extension)
	require.False(t, dual || continues || lyric || forced)

	_, err = provider.DownTo(bg, 2)
	require.NoError(t, err)
	_, err = provider.UpTo(bg, 3)
	require.NoError(t, err)
	requireColumn(t, pool, "actions", "format")
	requireColumn(t, pool, "spoken_words", "continues_dialogue")
	var n int
	require.NoError(t, pool.QueryRow(bg, `SELECT (SELECT count(*) FROM characters.actions) + (SELECT count(*) FROM characters.spoken_words)`).Scan(&n))
	require.Equal(t, 2, n)
}
