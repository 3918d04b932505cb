// Package dbx is the boundary between the services and the PostgreSQL driver: it opens pools, runs
// functions in transactions and translates driver errors into the few sentinels handlers act on.
package dbx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"
)

var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique or exclusion constraint refused the write.
	ErrConflict = errors.New("conflict")
	// ErrUnavailable: the database could not be reached or refused service; the request may be retried.
	ErrUnavailable = errors.New("database unavailable")
)

// Interpret maps a driver error onto the sentinels, keeping the original in the chain for the log.
// Every way a lost or refused connection shows (refused, reset, cut mid-answer, closed by the
// server's shutdown, a pool closed under the request) is ErrUnavailable.
func Interpret(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrUnavailable) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case pgErr.Code == "23505" || pgErr.Code == "23P01":
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case pgErr.Code[:2] == "08", pgErr.Code[:2] == "57", pgErr.Code[:2] == "53",
			pgErr.Code == "25P03", Retryable(err):
			// connection exceptions, operator intervention (shutdown), insufficient resources (too
			// many connections), a session ended for idling in a transaction, and a transaction
			// PostgreSQL refused to serialise: the same request may succeed when retried
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	_, connectErr := errors.AsType[*pgconn.ConnectError](err)
	_, netErr := errors.AsType[net.Error](err)
	if connectErr || netErr || pgconn.SafeToRetry(err) || pgconn.Timeout(err) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, puddle.ErrClosedPool) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// Retryable reports whether PostgreSQL refused a transaction for a conflict with a concurrent one
// (a deadlock or a serialisation failure), which running it again resolves.
func Retryable(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// ConstraintName returns the name of the constraint that refused err, or "".
func ConstraintName(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.ConstraintName
	}
	return ""
}

// InTx runs fn in a transaction and commits when it returns nil; any error rolls back. Errors come
// back interpreted.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return Interpret(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		return Interpret(err)
	}
	return Interpret(tx.Commit(ctx))
}

// InSnapshot runs fn's reads in one read-only snapshot (a REPEATABLE READ transaction), so that
// several statements, a page and its count say, see the database at one moment.
func InSnapshot(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return Interpret(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		return Interpret(err)
	}
	return Interpret(tx.Commit(ctx))
}

// PoolOptions tunes a service's pool.
type PoolOptions struct {
	MaxConns int32
	// ApplicationName shows in pg_stat_activity, telling which service holds a connection.
	ApplicationName string
}

// Open connects a pool and checks the database answers.
func Open(ctx context.Context, url string, o PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	if o.ApplicationName != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = o.ApplicationName
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return pool, nil
}

// CallSlots bounds the transactions kept open across a call to another service, for all services
// sharing one pool. Each such transaction holds a connection while the service it calls may need one
// from the same pool to answer (as in `fountain serve`, where every service shares one); without a
// bound, enough concurrent calls take every connection and wait for answers that cannot come. Half
// the pool stays free for the called services and for reads.
type CallSlots struct{ slots chan struct{} }

// NewCallSlots sizes the bound for pool.
func NewCallSlots(pool *pgxpool.Pool) *CallSlots {
	return &CallSlots{slots: make(chan struct{}, max(1, int(pool.Config().MaxConns)/2))}
}

// Hold takes a slot, waiting while all are taken; release gives it back.
func (c *CallSlots) Hold(ctx context.Context) (release func(), err error) {
	select {
	case c.slots <- struct{}{}:
		return func() { <-c.slots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a transaction slot: %w", ctx.Err())
	}
}
