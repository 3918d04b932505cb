package logs

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/logsdb"
	"github.com/fountainai/fountainai/internal/dbx"
)

// DefaultRetention is how long entries are kept when the deployment does not say.
const DefaultRetention = 7 * 24 * time.Hour

// DefaultRetentionInterval is how often Run makes a pass. Partitions exist days ahead and a day
// expires as a whole, so hourly is more than often enough.
const DefaultRetentionInterval = time.Hour

const (
	// partitionsAhead is how many days after today have their partition ready, so ingest never
	// waits for one, even if passes stop for a while.
	partitionsAhead = 2
	// lockTimeout bounds how long a pass waits for a table lock. Dropping a partition needs an
	// exclusive lock on logs.entries, and a request queued behind a waiting lock waits too; a pass
	// that cannot have its lock at once gives up and tries again at the next one.
	lockTimeout = "200ms"
	// defaultDeleteBatch is how many expired entries of the default partition one statement deletes.
	defaultDeleteBatch = 5000
	partitionPrefix    = "entries_p"
	dayLayout          = "20060102"
)

// entryColumns are the stored columns of logs.entries (search is generated), in table order.
const entryColumns = "id, ts, received_at, source, service, method, path, status_code, response_time_ms, message, request_id, level, operation_id, client_ip, raw, tenant, subject"

// Retention keeps the daily partitions of logs.entries: it creates each day's partition ahead of
// time and drops a day's partition once the whole day is older than the retention period. Both
// need logs.entries to themselves for a moment (creating holds off writes, dropping also reads, for
// the few milliseconds the catalog change takes) and wait at most lockTimeout for that, so ingest
// never queues behind a pass for longer. Passes of several replicas exclude each other through an
// advisory lock, so one replica does each pass.
type Retention struct {
	pool   *pgxpool.Pool
	maxAge time.Duration
	log    *slog.Logger
}

// NewRetention keeps entries for maxAge on pool.
func NewRetention(pool *pgxpool.Pool, maxAge time.Duration, logger *slog.Logger) *Retention {
	if logger == nil {
		logger = slog.Default()
	}
	return &Retention{pool: pool, maxAge: maxAge, log: logger}
}

// Pass is what one pass did.
type Pass struct {
	// Skipped: another replica was making a pass.
	Skipped bool
	// Created and Dropped name the partitions created and dropped.
	Created, Dropped []string
	// Postponed names partitions to create or drop whose lock was not free in time.
	Postponed []string
	// DefaultDeleted counts expired entries deleted from the default partition.
	DefaultDeleted int64
}

// Run makes a pass at once and then every interval until ctx ends. A failed pass is logged and
// retried at the next.
func (r *Retention) Run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		p, err := r.Pass(ctx, time.Now())
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			r.log.Error("log retention pass failed", slog.String("error", err.Error()))
		case len(p.Created)+len(p.Dropped)+len(p.Postponed) > 0 || p.DefaultDeleted > 0:
			r.log.Info("log retention pass", slog.Any("partitions_created", p.Created), slog.Any("partitions_dropped", p.Dropped),
				slog.Any("partitions_postponed", p.Postponed), slog.Int64("default_deleted", p.DefaultDeleted))
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// retentionLockKey identifies the advisory lock that lets one replica at a time make a pass.
var retentionLockKey = func() int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("fountainai-logs-retention"))
	return int64(h.Sum64() >> 1)
}()

// Pass brings the partitions in line with now: every day from the retention horizon (now minus the
// retention period) to partitionsAhead days after now has its partition, partitions of days wholly
// before the horizon are dropped, and expired entries in the default partition are deleted.
func (r *Retention) Pass(ctx context.Context, now time.Time) (Pass, error) {
	var p Pass
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return p, fmt.Errorf("acquire connection: %w", err)
	}
	defer conn.Release()
	var locked bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", retentionLockKey).Scan(&locked); err != nil {
		return p, fmt.Errorf("take retention lock: %w", err)
	}
	if !locked {
		p.Skipped = true
		return p, nil
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", retentionLockKey); err != nil {
			// A connection still holding the lock must not go back to the pool.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()

	names, err := logsdb.New(dbx.Interpreted(conn)).PartitionList(ctx)
	if err != nil {
		return p, fmt.Errorf("list partitions: %w", err)
	}
	existing := map[time.Time]bool{}
	for _, name := range names {
		if day, ok := dayOfPartition(name); ok {
			existing[day] = true
		}
	}
	horizon := now.Add(-r.maxAge).UTC()
	today := dayOf(now)
	for day := dayOf(horizon); !day.After(today.AddDate(0, 0, partitionsAhead)); day = day.AddDate(0, 0, 1) {
		if existing[day] {
			continue
		}
		name := partitionName(day)
		created, err := createPartition(ctx, conn.Conn(), day)
		if err != nil {
			return p, fmt.Errorf("create partition %s: %w", name, err)
		}
		if created {
			p.Created = append(p.Created, name)
		} else {
			p.Postponed = append(p.Postponed, name)
		}
	}
	for _, name := range names {
		day, ok := dayOfPartition(name)
		if !ok || day.AddDate(0, 0, 1).After(horizon) {
			continue
		}
		dropped, err := dropPartition(ctx, conn.Conn(), name)
		if err != nil {
			return p, fmt.Errorf("drop partition %s: %w", name, err)
		}
		if dropped {
			p.Dropped = append(p.Dropped, name)
		} else {
			p.Postponed = append(p.Postponed, name)
		}
	}
	q := logsdb.New(dbx.Interpreted(conn))
	for {
		n, err := q.DefaultPartitionDeleteExpired(ctx, horizon, defaultDeleteBatch)
		if err != nil {
			return p, fmt.Errorf("delete expired entries of the default partition: %w", err)
		}
		p.DefaultDeleted += n
		if n < defaultDeleteBatch {
			return p, nil
		}
	}
}

// dayOfPartition is the day a partition named entries_pYYYYMMDD holds.
func dayOfPartition(name string) (time.Time, bool) {
	day, err := time.Parse(dayLayout, strings.TrimPrefix(name, partitionPrefix))
	return day, err == nil
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// createPartition adds the partition of day: a table built on its own, filled with the entries of
// that day that went to the default partition before it existed, and attached. logs.entries is held
// in SHARE mode meanwhile (reads go on; writes wait the few milliseconds it takes): an insert that
// routed its rows with the partitions as they were before the attach would otherwise put an entry
// of the new day into the default partition after the attach, which PostgreSQL refuses.
//
// When there are entries to move (a first start, or a pass missed for days), reads wait too: a
// read planned with the partitions as they were, scanning only the default one, that takes its
// snapshot after the move would not find the moved entries anywhere. Partitions are made days
// ahead, so in steady operation nothing moves and reads never wait.
func createPartition(ctx context.Context, conn *pgx.Conn, day time.Time) (bool, error) {
	table := "logs." + pgx.Identifier{partitionName(day)}.Sanitize()
	from, to := day.Format(time.RFC3339), day.AddDate(0, 0, 1).Format(time.RFC3339)
	return ddl(ctx, conn,
		"LOCK TABLE logs.entries IN SHARE MODE",
		"DO $$ BEGIN IF EXISTS (SELECT FROM logs.entries_default WHERE ts >= '"+from+"' AND ts < '"+to+"') THEN "+
			"LOCK TABLE logs.entries IN ACCESS EXCLUSIVE MODE; END IF; END $$",
		"CREATE TABLE "+table+" (LIKE logs.entries INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)",
		"WITH moved AS (DELETE FROM logs.entries_default WHERE ts >= '"+from+"' AND ts < '"+to+"' RETURNING "+entryColumns+") "+
			"INSERT INTO "+table+" ("+entryColumns+") SELECT "+entryColumns+" FROM moved",
		"ALTER TABLE logs.entries ATTACH PARTITION "+table+" FOR VALUES FROM ('"+from+"') TO ('"+to+"')",
	)
}

// dropPartition drops an expired day's partition; it needs a short exclusive lock on logs.entries.
func dropPartition(ctx context.Context, conn *pgx.Conn, name string) (bool, error) {
	return ddl(ctx, conn, "DROP TABLE logs."+pgx.Identifier{name}.Sanitize())
}

func partitionName(day time.Time) string { return partitionPrefix + day.Format(dayLayout) }

// ddl runs stmts in one transaction whose locks are waited for at most lockTimeout. It reports
// false, without error, when a lock was not free in time (a long read holds it): nothing changed and
// the next pass tries again.
func ddl(ctx context.Context, conn *pgx.Conn, stmts ...string) (bool, error) {
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '"+lockTimeout+"'"); err != nil {
			return err
		}
		for _, stmt := range stmts {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
		return false, nil
	}
	return err == nil, err
}
