package write_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/idempotency"
	"github.com/fountainai/fountainai/internal/write"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// created is a write's answer, as a generated 201 response would be.
type created struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
}

func (c created) render(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", `"1"`)
	w.WriteHeader(http.StatusCreated)
	return json.NewEncoder(w).Encode(c)
}

type bundle struct {
	pool *pgxpool.Pool
	w    *write.Writer
}

func setup(t *testing.T) bundle {
	t.Helper()
	pool := dbtest.PoolFor(t, dbtest.New(t), 16)
	_, err := pool.Exec(context.Background(), `CREATE TABLE lines (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, text text NOT NULL UNIQUE)`)
	require.NoError(t, err)
	return bundle{pool: pool, w: write.New(context.Background(), pool)}
}

// insert is a write of one line; text "refuse" is refused by the database (a unique line).
func (b bundle) insert(ctx context.Context, lane write.Lane, text string) (created, error) {
	return write.Do(ctx, b.w, lane, created.render, func(ctx context.Context, tx *write.Tx) (created, error) {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO lines (text) VALUES ($1) RETURNING id`, text).Scan(&id); err != nil {
			return created{}, err
		}
		return created{ID: id, Text: text}, nil
	})
}

func (b bundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), query, args...).Scan(&n))
	return n
}

func claim(key string) *idempotency.Claim {
	return &idempotency.Claim{Key: key, Method: http.MethodPost, Path: "/lines", Hash: []byte(key)}
}

// TestKeyRecordedWithTheWrite: the key's record commits in the write's transaction with the response
// to replay; a write that fails records nothing.
func TestKeyRecordedWithTheWrite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := idempotency.WithClaim(context.Background(), claim("k1"))
	got, err := b.insert(ctx, write.Lane{}, "But, soft!")
	require.NoError(t, err)

	var status int
	var headers, body []byte
	require.NoError(t, b.pool.QueryRow(context.Background(),
		`SELECT status, headers, body FROM idempotency.keys k JOIN lines l ON l.xmin::text = k.xmin::text WHERE key = 'k1'`).Scan(&status, &headers, &body),
		"the key's row was written by the line's transaction")
	require.Equal(t, http.StatusCreated, status)
	require.JSONEq(t, `{"Content-Type":"application/json","ETag":"\"1\""}`, string(headers))
	want, _ := json.Marshal(got)
	require.JSONEq(t, string(want), string(body))

	// A refused write leaves neither its row nor its key.
	_, err = b.insert(idempotency.WithClaim(context.Background(), claim("k2")), write.Lane{}, "But, soft!")
	require.Error(t, err)
	require.Zero(t, b.count(t, `SELECT count(*) FROM idempotency.keys WHERE key = 'k2'`))

	// Once recorded, the same key is answered from its record and writes nothing.
	_, err = b.insert(ctx, write.Lane{}, "another")
	replay, ok := errors.AsType[*idempotency.Replay](err)
	require.True(t, ok, "%v", err)
	rec := httpapi.NewRecorder()
	replay.Answer(rec)
	require.Equal(t, http.StatusCreated, rec.Status())
	require.Equal(t, "true", rec.Header().Get(idempotency.ReplayedHeader))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM lines`))
}

// TestKeyInUse: while a write holds its key, the same key elsewhere is refused at once with
// Retry-After; when the holder's transaction ends without committing, the key is free at once.
func TestKeyInUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	entered, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, err := write.Do(idempotency.WithClaim(context.Background(), claim("k")), b.w, write.Lane{}, created.render,
			func(ctx context.Context, tx *write.Tx) (created, error) {
				close(entered)
				<-release
				return created{}, httpapi.Fail(http.StatusUnprocessableEntity, "REFUSED", "refused", "")
			})
		first <- err
	}()
	<-entered
	_, err := b.insert(idempotency.WithClaim(context.Background(), claim("k")), write.Lane{Key: "other"}, "a")
	inUse, ok := errors.AsType[*idempotency.InUse](err)
	require.True(t, ok, "%v", err)
	rec := httpapi.NewRecorder()
	inUse.Answer(rec)
	require.Equal(t, http.StatusConflict, rec.Status())
	require.Equal(t, "1", rec.Header().Get("Retry-After"))

	close(release)
	f, err := httpapi.AsFailure(<-first)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, f.Status)
	_, err = b.insert(idempotency.WithClaim(context.Background(), claim("k")), write.Lane{}, "a")
	require.NoError(t, err, "a key whose write ended without committing is free at once")
}

// TestLaneMakesWritesTogether: the writes that queue while a lane's transaction runs are made by the
// next transaction, all of them but the refused one, which is answered alone.
func TestLaneMakesWritesTogether(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lane := write.Lane{Key: "story 1"}
	entered, release := make(chan struct{}), make(chan struct{})
	blocker := make(chan error, 1)
	go func() {
		_, err := write.Do(context.Background(), b.w, lane, created.render, func(ctx context.Context, tx *write.Tx) (created, error) {
			close(entered)
			<-release
			_, err := tx.Exec(ctx, `INSERT INTO lines (text) VALUES ('first')`)
			return created{}, err
		})
		blocker <- err
	}()
	<-entered

	// A line already stored makes one of the queued writes fail its unique constraint.
	_, err := b.pool.Exec(context.Background(), `INSERT INTO lines (text) VALUES ('taken')`)
	require.NoError(t, err)
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		text := fmt.Sprintf("line %d", i)
		if i == 7 {
			text = "taken"
		}
		wg.Go(func() {
			ctx := idempotency.WithClaim(context.Background(), claim(fmt.Sprintf("q%d", i)))
			_, errs[i] = b.insert(ctx, lane, text)
		})
	}
	// Every write is queued behind the running transaction before it is let go.
	require.Eventually(t, func() bool { return b.w.Queued(lane) == n }, 10*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	require.NoError(t, <-blocker)

	for i, err := range errs {
		if i == 7 {
			require.Error(t, err, "the refused write is answered with its refusal")
			continue
		}
		require.NoError(t, err, "write %d", i)
	}
	require.Equal(t, n-1, b.count(t, `SELECT count(*) FROM lines WHERE text LIKE 'line %'`))
	require.Equal(t, 1, b.count(t, `SELECT count(DISTINCT xmin::text) FROM lines WHERE text LIKE 'line %'`), "one transaction made them all")
	require.Equal(t, n-1, b.count(t, `SELECT count(*) FROM idempotency.keys WHERE key LIKE 'q%'`))
	require.Zero(t, b.count(t, `SELECT count(*) FROM idempotency.keys WHERE key = 'q7'`))
}

// TestAbandonedWriteIsNotMade: a write whose caller gave up while it was still queued is dropped.
func TestAbandonedWriteIsNotMade(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lane := write.Lane{Key: "story 2"}
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := write.Do(context.Background(), b.w, lane, created.render, func(ctx context.Context, tx *write.Tx) (created, error) {
			close(entered)
			<-release
			return created{}, nil
		})
		done <- err
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	abandoned := make(chan error, 1)
	go func() {
		_, err := b.insert(ctx, lane, "nobody waits")
		abandoned <- err
	}()
	require.Eventually(t, func() bool { return b.w.Queued(lane) == 1 }, 10*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-abandoned, context.Canceled)
	close(release)
	require.NoError(t, <-done)
	_, err := b.insert(context.Background(), lane, "after")
	require.NoError(t, err)
	require.Zero(t, b.count(t, `SELECT count(*) FROM lines WHERE text = 'nobody waits'`))
}

// TestAfterCommit: hooks run once the write committed, never for one that did not.
func TestAfterCommit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var ran []string
	do := func(text string) error {
		_, err := write.Do(context.Background(), b.w, write.Lane{}, created.render, func(ctx context.Context, tx *write.Tx) (created, error) {
			tx.AfterCommit(func() { ran = append(ran, text) })
			_, err := tx.Exec(ctx, `INSERT INTO lines (text) VALUES ($1)`, text)
			return created{}, err
		})
		return err
	}
	require.NoError(t, do("once"))
	require.Error(t, do("once"))
	require.Equal(t, []string{"once"}, ran)
}
