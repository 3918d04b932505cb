package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/subprocess"
	"github.com/fountainai/fountainai/migrations"
)

// TestReplicasMigrateTogether starts several `fountain migrate` processes at once on a database no
// migration has touched, as the replicas of a deployment starting together do, in several rounds,
// each on a new database: every process succeeds, and each migration is applied once.
//
// Creating a schema takes a fraction of a millisecond, too short for processes started together to
// meet in it reliably. So the test widens that moment: it creates every schema itself in a
// transaction it keeps open until each process is waiting on a lock, then rolls it back. Processes
// that create schemas unserialised are then all inside CREATE SCHEMA together, and all but one fail
// on the unique index of schema names.
func TestReplicasMigrateTogether(t *testing.T) {
	t.Parallel()
	bin, err := subprocess.BuildFountain(t.TempDir())
	require.NoError(t, err)
	dirs, err := fs.ReadDir(migrations.FS, ".")
	require.NoError(t, err)
	var schemas []string
	for _, d := range dirs {
		schemas = append(schemas, d.Name())
	}
	ctx := context.Background()

	const rounds, replicas = 3, 4
	for round := range rounds {
		url := dbtest.NewEmpty(t)
		pool := dbtest.PoolFor(t, url, 1)
		conn, err := pgx.Connect(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close(ctx) })
		holder, err := conn.Begin(ctx)
		require.NoError(t, err)
		for _, schema := range schemas {
			_, err := holder.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
			require.NoError(t, err)
		}

		outputs := make([]bytes.Buffer, replicas)
		type exit struct {
			replica int
			err     error
		}
		exited := make(chan exit, replicas)
		for i := range replicas {
			cmd := exec.Command(bin, "migrate")
			cmd.Env = append(os.Environ(), "FOUNTAIN_DATABASE_URL="+url)
			cmd.Stdout, cmd.Stderr = &outputs[i], &outputs[i]
			require.NoError(t, cmd.Start())
			t.Cleanup(func() { _ = cmd.Process.Kill() }) // when the test failed before it exited
			go func() { exited <- exit{i, cmd.Wait()} }()
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			require.True(t, time.Now().Before(deadline), "round %d: replicas not all waiting on a lock", round)
			require.Empty(t, exited, "round %d: a replica exited while the schemas were held", round)
			var waiting int
			// From a connection of its own: a transaction sees pg_stat_activity as it was at its start.
			require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'fountain' AND wait_event_type = 'Lock'`).
				Scan(&waiting))
			if waiting >= replicas {
				break
			}
		}
		require.NoError(t, holder.Rollback(ctx))

		for range replicas {
			e := <-exited
			require.NoError(t, e.err, "round %d, replica %d:\n%s", round, e.replica, outputs[e.replica].String())
		}
		for _, schema := range schemas {
			var applied, distinct int
			require.NoError(t, pool.QueryRow(ctx, fmt.Sprintf(
				"SELECT count(*), count(DISTINCT version_id) FROM %s.goose_db_version WHERE version_id > 0",
				pgx.Identifier{schema}.Sanitize())).Scan(&applied, &distinct))
			require.Positive(t, applied, "round %d: %s migrated", round, schema)
			require.Equal(t, distinct, applied, "round %d: each of %s's migrations applied once", round, schema)
		}
	}
}
