package migrate_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/characterimportdb"
	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/migrate"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestServiceRolesHoldOnlyWhatTheyOwn logs in as a member of each content service's role, as a
// deployment that gives every service its own login does: a service reaches its own tables, the
// keys, and the sequence service's placement functions (the scripts service also the characters
// service's import), and nothing else of another service.
func TestServiceRolesHoldOnlyWhatTheyOwn(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.New(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close(ctx) })

	login := func(service string) *pgx.Conn {
		t.Helper()
		name := "t_" + service + "_" + strings.ToLower(rand.Text()[:10])
		_, err := admin.Exec(ctx, "CREATE ROLE "+pgx.Identifier{name}.Sanitize()+" LOGIN IN ROLE "+pgx.Identifier{migrate.RoleOf(service)}.Sanitize())
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+pgx.Identifier{name}.Sanitize())
		})
		u, err := url.Parse(dbURL)
		require.NoError(t, err)
		u.User = url.User(name)
		conn, err := pgx.Connect(ctx, u.String())
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close(context.Background()) })
		return conn
	}
	denied := func(t *testing.T, err error) {
		t.Helper()
		pgErr, ok := errors.AsType[*pgconn.PgError](err)
		require.True(t, ok, "expected a refusal, got %v", err)
		require.Equal(t, "42501", pgErr.Code, pgErr.Message) // insufficient_privilege
	}

	characters := login("characters")
	var id int64
	require.NoError(t, characters.QueryRow(ctx, `INSERT INTO characters.spoken_words (tenant, script_id, text) VALUES ('default', 1, 'Ay me!') RETURNING id`).Scan(&id))
	n, err := placementdb.New(characters).Place(ctx, placementdb.PlaceParams{Tenant: auth.DefaultTenant, ScriptID: 1, Scope: "story", ElementType: "spokenWord", ElementID: id})
	require.NoError(t, err, "the placement interface is the content services'")
	require.EqualValues(t, 1, n)
	_, err = characters.Exec(ctx, `INSERT INTO idempotency.keys (tenant, key, method, path, request_hash, status, headers, body) VALUES ('default', 'k', 'POST', '/spokenWords', '\x00', 201, '{}', '')`)
	require.NoError(t, err, "every service records its keys")
	_, err = characters.Exec(ctx, `SELECT count(*) FROM sequence.positions`)
	denied(t, err)
	_, err = characters.Exec(ctx, `DELETE FROM sequence.positions`)
	denied(t, err)
	_, err = characters.Exec(ctx, `SELECT * FROM sequence.allocate_positions('default', 1, 'draft', ARRAY['action'], ARRAY[1::bigint])`)
	denied(t, err)
	_, err = characters.Exec(ctx, `SELECT count(*) FROM scripts.scripts`)
	denied(t, err)

	sessions := login("sessions")
	_, err = placementdb.New(sessions).Place(ctx, placementdb.PlaceParams{Tenant: auth.DefaultTenant, ScriptID: 1, Scope: "story", ElementType: "action", ElementID: 1})
	denied(t, err)
	_, err = placementdb.New(sessions).Release(ctx, auth.DefaultTenant, []string{"spokenWord"}, []int64{id})
	denied(t, err)
	_, err = sessions.Exec(ctx, `SELECT count(*) FROM characters.spoken_words`)
	denied(t, err)
	lines := json.RawMessage(`[{"type": "spokenWord", "character": "JULIET", "text": "Ay me!"}]`)
	_, err = characterimportdb.New(sessions).ImportLines(ctx, auth.DefaultTenant, 1, "Imported.", lines)
	denied(t, err)

	scripts := login("scripts")
	released, err := placementdb.New(scripts).Release(ctx, auth.DefaultTenant, []string{"spokenWord"}, []int64{id})
	require.NoError(t, err)
	require.EqualValues(t, 1, released)
	imported, err := characterimportdb.New(scripts).ImportLines(ctx, auth.DefaultTenant, 1, "Imported.", lines)
	require.NoError(t, err, "the import interface is the scripts service's")
	require.Len(t, imported, 2)
	_, err = scripts.Exec(ctx, `SELECT count(*) FROM characters.spoken_words`)
	denied(t, err)
}
