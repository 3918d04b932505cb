package logs_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/services/logs"
)

const day = 24 * time.Hour

// partitionOf names the table holding the entry with requestID, or "" when there is none.
func (s logsService) partitionOf(t *testing.T, requestID string) string {
	t.Helper()
	var name string
	err := s.Pool.QueryRow(context.Background(),
		"SELECT coalesce((SELECT tableoid::regclass::text FROM logs.entries WHERE request_id = $1), '')", requestID).Scan(&name)
	require.NoError(t, err)
	return name
}

func (s logsService) partitions(t *testing.T) []string {
	t.Helper()
	rows, err := s.Pool.Query(context.Background(),
		"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'logs.entries'::regclass ORDER BY 1")
	require.NoError(t, err)
	var names []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	return names
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestRetentionKeepsDaysAndDropsExpiredOnes(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	ctx := context.Background()
	now := time.Date(2030, 6, 15, 12, 0, 0, 0, time.UTC)
	// Before any pass every entry is in the default partition; nothing is lost for want of one.
	s.ingest(t,
		entry(now.Add(-10*day), "scripts", "GET", "/scripts", 200, "ten-days-ago"),
		entry(now.Add(-3*day), "scripts", "GET", "/scripts", 200, "three-days-ago"),
		entry(now.Add(-day), "scripts", "GET", "/scripts", 200, "yesterday"),
		entry(now.Add(-time.Hour), "scripts", "GET", "/scripts", 200, "today"),
		entry(now.Add(day), "scripts", "GET", "/scripts", 200, "tomorrow"),
		entry(now.Add(30*day), "scripts", "GET", "/scripts", 200, "next-month"),
	)
	require.Equal(t, "logs.entries_default", s.partitionOf(t, "today"))

	r := logs.NewRetention(s.Pool, 2*day, quiet())
	p, err := r.Pass(ctx, now)
	require.NoError(t, err)
	require.False(t, p.Skipped)
	require.Equal(t, []string{"entries_p20300613", "entries_p20300614", "entries_p20300615", "entries_p20300616", "entries_p20300617"}, p.Created,
		"from the day of the horizon (now - 2 days) to two days ahead")
	require.Empty(t, p.Dropped)
	require.EqualValues(t, 2, p.DefaultDeleted, "expired entries of days without a partition")

	require.Equal(t, "logs.entries_p20300614", s.partitionOf(t, "yesterday"), "moved out of the default partition")
	require.Equal(t, "logs.entries_p20300615", s.partitionOf(t, "today"))
	require.Equal(t, "logs.entries_p20300616", s.partitionOf(t, "tomorrow"))
	require.Equal(t, "logs.entries_default", s.partitionOf(t, "next-month"), "beyond the partitions made ahead")
	require.Equal(t, []string{"next-month", "tomorrow", "today", "yesterday"}, requestIDs(s.list(t, logsapi.ListLogsParams{})))

	// New entries land in their day's partition.
	s.ingest(t, entry(now.Add(-90*time.Minute), "scripts", "GET", "/scripts", 200, "today-later"))
	require.Equal(t, "logs.entries_p20300615", s.partitionOf(t, "today-later"))

	// Two days on, the horizon is today noon: the days before today are dropped whole; today is
	// kept although part of it is now older than the retention period.
	p, err = r.Pass(ctx, now.Add(2*day))
	require.NoError(t, err)
	require.Equal(t, []string{"entries_p20300613", "entries_p20300614"}, p.Dropped)
	require.Equal(t, []string{"entries_p20300618", "entries_p20300619"}, p.Created)
	require.Zero(t, p.DefaultDeleted)
	require.Equal(t, []string{"next-month", "tomorrow", "today", "today-later"}, requestIDs(s.list(t, logsapi.ListLogsParams{})))
	require.Equal(t, []string{"entries_default", "entries_p20300615", "entries_p20300616", "entries_p20300617", "entries_p20300618", "entries_p20300619"}, s.partitions(t))

	// A pass with nothing to do changes nothing.
	p, err = r.Pass(ctx, now.Add(2*day))
	require.NoError(t, err)
	require.Equal(t, logs.Pass{}, p)
}

// TestRetentionRunsBesideIngest makes passes that create today's partition (moving what arrived
// before it existed) and drop expired ones while clients keep ingesting and reading: every request
// succeeds, no entry within the retention period is lost and the
// expired ones are gone.
func TestRetentionRunsBesideIngest(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	ctx := context.Background()
	now := time.Now()
	r := logs.NewRetention(s.Pool, 2*day, quiet())
	// Partitions for a week ago (they expire below), none yet for today.
	_, err := r.Pass(ctx, now.Add(-5*day))
	require.NoError(t, err)
	var old []logsapi.LogEntryInput
	for i := range 30 {
		old = append(old, entry(now.Add(-time.Duration(4+i%3)*day), "scripts", "GET", "/scripts", 200, fmt.Sprint("old-", i)))
	}
	s.ingest(t, old...)

	var (
		wg       sync.WaitGroup
		done     atomic.Bool
		ingested atomic.Int64
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; !done.Load() || i < 5; i++ {
				batch := make([]logsapi.LogEntryInput, 20)
				for j := range batch {
					batch[j] = entry(time.Now(), "scripts", "GET", "/scripts", 200, fmt.Sprintf("new-%d-%d-%d", w, i, j))
				}
				// An entry as old as those being dropped arrives too: it is refused by nothing.
				batch[0].Timestamp = now.Add(-5 * day)
				s.ingest(t, batch...)
				ingested.Add(int64(len(batch) - 1))
			}
		})
	}
	wg.Go(func() {
		for !done.Load() {
			s.list(t, logsapi.ListLogsParams{Limit: new(50)})
		}
	})
	var dropped, created []string
	for range 10 {
		p, err := r.Pass(ctx, time.Now())
		require.NoError(t, err)
		dropped = append(dropped, p.Dropped...)
		created = append(created, p.Created...)
		time.Sleep(20 * time.Millisecond)
	}
	done.Store(true)
	wg.Wait()
	p, err := r.Pass(ctx, time.Now())
	require.NoError(t, err)
	dropped = append(dropped, p.Dropped...)

	require.Len(t, created, 5, "today's partition among them, created while entries for it arrived")
	require.Len(t, dropped, 5, "the week-old days")
	var kept, expired int64
	require.NoError(t, s.Pool.QueryRow(ctx, "SELECT count(*) FILTER (WHERE ts >= $1), count(*) FILTER (WHERE ts < $1) FROM logs.entries",
		time.Now().Add(-2*day)).Scan(&kept, &expired))
	require.Equal(t, ingested.Load(), kept, "every entry within the retention period is kept")
	require.Zero(t, expired, "and none older")
	require.Empty(t, p.Postponed)
}

// TestRetentionGivesWayToLongReads: a pass that cannot lock a table at once puts the change off
// instead of making ingest queue behind it; the next pass does it. Ingest goes on throughout while
// the long read still holds its lock: had the pass waited for its lock, the inserts queued behind
// that request would wait for the read too, and neither the pass nor the ingest would finish.
func TestRetentionGivesWayToLongReads(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	ctx := context.Background()
	now := time.Date(2030, 6, 15, 12, 0, 0, 0, time.UTC)
	r := logs.NewRetention(s.Pool, 2*day, quiet())
	_, err := r.Pass(ctx, now)
	require.NoError(t, err)

	// A long read holds logs.entries and all its partitions.
	reader, err := s.Pool.Begin(ctx)
	require.NoError(t, err)
	// Released even when the test fails, or closing the pool would wait for it.
	t.Cleanup(func() { _ = reader.Rollback(context.Background()) })
	_, err = reader.Exec(ctx, "SELECT count(*) FROM logs.entries")
	require.NoError(t, err)

	type result struct {
		p   logs.Pass
		err error
	}
	passed := make(chan result, 1)
	go func() {
		p, err := r.Pass(ctx, now.Add(3*day))
		passed <- result{p, err}
	}()
	var res result
	for i, done := 0, false; !done; i++ {
		s.ingest(t, entry(now.Add(3*day), "scripts", "GET", "/scripts", 200, fmt.Sprint("meanwhile-", i)))
		select {
		case res, done = <-passed:
		default:
		}
	}
	p, err := res.p, res.err
	require.NoError(t, err)
	require.Contains(t, p.Postponed, "entries_p20300613")
	require.Empty(t, p.Dropped)

	require.NoError(t, reader.Rollback(ctx))
	p, err = r.Pass(ctx, now.Add(3*day))
	require.NoError(t, err)
	require.Contains(t, p.Dropped, "entries_p20300613")
	require.Empty(t, p.Postponed)
}

// TestRetentionPassesExcludeEachOther: replicas pass in turn, never together.
func TestRetentionPassesExcludeEachOther(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	ctx := context.Background()
	now := time.Date(2030, 6, 15, 12, 0, 0, 0, time.UTC)
	results := make(chan logs.Pass, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			p, err := logs.NewRetention(s.Pool, 2*day, quiet()).Pass(ctx, now)
			require.NoError(t, err)
			results <- p
		})
	}
	wg.Wait()
	close(results)
	var created int
	for p := range results {
		created += len(p.Created)
	}
	require.Equal(t, 5, created, "each partition created once")
	status, body := s.post(t, "/logs", "application/json", `{"timestamp":"2030-06-15T11:00:00Z","service":"scripts","endpoint":"/scripts","method":"GET","statusCode":200,"responseTimeMs":1,"message":"ok","requestId":"r1"}`)
	require.Equal(t, http.StatusCreated, status, string(body))
	require.Equal(t, "logs.entries_p20300615", s.partitionOf(t, "r1"))
}

// TestMovedEntriesStayVisible: while a pass moves entries out of the default partition into a new
// day's, every read finds all of them. A read planned with the partitions of before the move scans
// the default partition only; had it taken its snapshot after the move, the moved entries would be
// nowhere it looks.
func TestMovedEntriesStayVisible(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	ctx := context.Background()
	start := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	const days, perDay = 30, 20
	var batch []logsapi.LogEntryInput
	for d := range days {
		for i := range perDay {
			// Beyond the two days each pass makes ahead: all in the default partition until their pass.
			batch = append(batch, entry(start.Add(time.Duration(3+d)*day), "scripts", "GET", "/scripts", 200, fmt.Sprintf("d%d-%d", d, i)))
		}
	}
	s.ingest(t, batch...)

	var (
		wg    sync.WaitGroup
		done  atomic.Bool
		reads atomic.Int64
	)
	for range 4 {
		wg.Go(func() {
			for !done.Load() {
				var n int
				if err := s.Pool.QueryRow(ctx, "SELECT count(*) FROM logs.entries").Scan(&n); err != nil {
					t.Error(err)
					return
				}
				if n != len(batch) {
					t.Errorf("a read during a move found %d of %d entries", n, len(batch))
					return
				}
				reads.Add(1)
			}
		})
	}
	r := logs.NewRetention(s.Pool, 40*day, quiet()) // longer than the test spans: nothing expires
	for d := range days + 1 {
		_, err := r.Pass(ctx, start.Add(time.Duration(d)*day))
		require.NoError(t, err)
	}
	done.Store(true)
	wg.Wait()
	require.Equal(t, "logs.entries_p20300131", s.partitionOf(t, "d27-0"), "moved by the pass of two days before")
	t.Logf("%d reads during %d passes", reads.Load(), days+1)
}
