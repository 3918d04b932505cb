// Package pgcluster runs a private PostgreSQL server from the server binaries installed on the
// machine, so that the dev server and the test suite work without a database someone has to
// provision first. It is a development tool, not a deployment one: clusters listen on 127.0.0.1
// only and trust every connection made there.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// Superuser is the role initdb creates; every cluster is reached as this role, without a password.
const Superuser = "fountain"

// Options says where the cluster lives and how it is tuned.
type Options struct {
	// DataDir is the cluster directory; it is created and initialised if missing, and also holds
	// the server log.
	DataDir string
	// Port is the TCP port on 127.0.0.1. 0 picks a free port on first start and keeps it, so
	// that URLs a developer saved keep working; if the kept port has been taken meanwhile, a new
	// one is picked.
	Port int
	// BinDir holds initdb, pg_ctl and postgres. "" discovers them: $FOUNTAIN_PG_BIN, then the
	// Debian directory matching the cluster's version, then the highest
	// /usr/lib/postgresql/*/bin, then initdb on PATH.
	BinDir string
	// Database is created if missing; default "fountain".
	Database string
	// Throwaway trades durability for speed (no fsync) and allows more connections, for test
	// clusters whose content nobody needs after a crash.
	Throwaway bool
	Logger    *slog.Logger
}

// Cluster is a running server, started by this process or found already running on the data
// directory.
type Cluster struct {
	dataDir  string
	binDir   string
	port     int
	database string
	owner    *osUser // the OS user the server runs as; nil: the current user
	logger   *slog.Logger
	// throwaway is Options.Throwaway, kept so that Restart writes the settings Start wrote.
	throwaway bool

	mu sync.Mutex
	// started records that this process started the server, so that Stop never takes down a
	// server somebody else relies on.
	started bool
}

// Start brings up the cluster in o.DataDir, initialising it first if needed. If a server is
// already running on that directory it is reused rather than fought over, and Stop on the
// returned Cluster leaves it running.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is empty")
	}
	dataDir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	c := &Cluster{dataDir: dataDir, database: o.Database, logger: o.Logger, throwaway: o.Throwaway}
	if c.database == "" {
		c.database = "fountain"
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	c.logger = c.logger.With("datadir", dataDir)
	if c.owner, err = serverUser(); err != nil {
		return nil, err
	}

	// A running server needs no binaries, so look for one before insisting on them.
	reused, err := c.reuseRunning(ctx)
	if err != nil {
		return nil, err
	}
	if reused {
		c.logger.Info("reusing running PostgreSQL server", "port", c.port)
		if err := c.ensureDatabase(ctx); err != nil {
			return nil, err
		}
		return c, nil
	}

	if c.binDir, err = findBinDir(o.BinDir, dataDir); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.prepareDir(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := c.initdb(ctx, o.Throwaway); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}

	err = c.startServer(ctx, o)
	if err == nil {
		if err = c.waitReady(ctx); err != nil {
			err = fmt.Errorf("pgcluster: %w\n%s", err, c.logTail(0))
		}
	}
	if err == nil {
		err = c.ensureDatabase(ctx)
	}
	if err != nil {
		// Do not leave behind a server nobody holds a handle to.
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pgCtlTimeout)
		defer cancel()
		if stopErr := c.Stop(stopCtx); stopErr != nil {
			c.logger.Warn("stopping PostgreSQL after failed start", "err", stopErr)
		}
		return nil, err
	}
	c.logger.Info("started PostgreSQL server", "port", c.port, "bindir", c.binDir)
	return c, nil
}

// URL is the connection string for the cluster's database, as the superuser.
func (c *Cluster) URL() string { return c.urlFor(c.database) }

// DataDir is the absolute path of the cluster directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// BinDir is the directory of the server binaries the cluster runs, where pgbench and psql live too.
func (c *Cluster) BinDir() string { return c.binDir }

// ShutdownMode is how pg_ctl stops a server.
type ShutdownMode string

const (
	// FastShutdown ends every session, rolling back the transactions in progress, and writes a
	// checkpoint: the clean stop.
	FastShutdown ShutdownMode = "fast"
	// ImmediateShutdown ends every server process at once, without a checkpoint, as a crash
	// would: the next start recovers from the WAL.
	ImmediateShutdown ShutdownMode = "immediate"
)

// Stop shuts the server down if this process started it; a reused server is left running
// because whoever started it still relies on it. Stop is idempotent.
func (c *Cluster) Stop(ctx context.Context) error { return c.StopWith(ctx, FastShutdown) }

// StopWith is Stop in the given mode; fault tests use ImmediateShutdown to crash the database
// under load and Restart to bring it back.
func (c *Cluster) StopWith(ctx context.Context, mode ShutdownMode) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started {
		return nil
	}
	if err := c.pgCtlStop(ctx, mode); err != nil {
		return err
	}
	c.started = false
	c.logger.Info("stopped PostgreSQL server", "mode", mode)
	return nil
}

// Restart starts a server this Cluster stopped again, on the same data directory and port, so
// that the URLs its clients hold keep working.
func (c *Cluster) Restart(ctx context.Context) error {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if started {
		return errors.New("pgcluster: Restart of a server that is running")
	}
	if c.binDir == "" {
		return errors.New("pgcluster: Restart of a server this process did not start")
	}
	if err := c.startServer(ctx, Options{Port: c.port, Throwaway: c.throwaway}); err != nil {
		return err
	}
	if err := c.waitReady(ctx); err != nil {
		return fmt.Errorf("pgcluster: %w\n%s", err, c.logTail(0))
	}
	c.logger.Info("restarted PostgreSQL server", "port", c.port)
	return nil
}

// Remove stops the server and deletes the data directory. It refuses to delete the directory of
// a reused server that is still running, which would pull the files from under it.
func (c *Cluster) Remove(ctx context.Context) error {
	if err := c.Stop(ctx); err != nil {
		// The data is about to be deleted anyway, so there is nothing left to shut down cleanly.
		c.logger.Warn("fast shutdown failed, trying immediate", "err", err)
		c.mu.Lock()
		err = c.pgCtlStop(ctx, ImmediateShutdown)
		if err == nil {
			c.started = false
		}
		c.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if pid, _, err := readPidFile(c.dataDir); err == nil && postmasterAlive(pid, c.dataDir) {
		return fmt.Errorf("pgcluster: not removing %s: a server this process did not start (pid %d) still runs on it", c.dataDir, pid)
	}
	if err := os.RemoveAll(c.dataDir); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}
