// Command fountain runs the FountainAI services: all of them in one process on one port, or any one
// of them alone (the shape used behind the Kong gateway).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/logship"
	"github.com/fountainai/fountainai/internal/pgcluster"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services"
	"github.com/fountainai/fountainai/services/logs"
)

const usage = `fountain runs the FountainAI storytelling services.

Usage:
  fountain serve [flags] [service...]   serve every service (or only those named) on one address
  fountain migrate [flags] [service...] apply database migrations and exit
  fountain kong [--out FILE]            write the Kong gateway configuration generated from the
                                        specs (kong/kong.yml); --with-consumers FILE adds the
                                        consumers of FOUNTAIN_GATEWAY_CONSUMERS to FILE instead
  fountain healthcheck [--url URL]      exit 0 when URL (default /healthz on FOUNTAIN_ADDR's port)
                                        answers 200: the container health check
  fountain help                         show this help

Services:
%s
Flags (each also read from the environment variable shown):
  --addr ADDR            listen address (FOUNTAIN_ADDR, default 127.0.0.1:8080; ":8080" for all interfaces)
  --database-url URL     PostgreSQL URL (FOUNTAIN_DATABASE_URL). When empty, a local PostgreSQL cluster
                         is started (or reused) under --data-dir and its URL printed.
  --data-dir DIR         where the local cluster lives (FOUNTAIN_DATA_DIR, default ./.data)
  --migrate=BOOL         apply migrations at start (FOUNTAIN_MIGRATE, default true)
  --max-conns N          database pool size (FOUNTAIN_MAX_CONNS, default 32)
  --log-level LEVEL      debug, info, warn or error (FOUNTAIN_LOG_LEVEL, default info)
  --shutdown-timeout D   how long to finish in-flight requests after SIGTERM (FOUNTAIN_SHUTDOWN_TIMEOUT, default 30s)
  --peer-timeout D       limit for each call to another service (FOUNTAIN_PEER_TIMEOUT, default 5s)
  --log-retention D      how long the Logging Service keeps request logs, e.g. 72h (FOUNTAIN_LOG_RETENTION,
                         default 168h: 7 days); older days are dropped in the background
  --ship-logs=BOOL       ship this process's request logs to the Logging Service when it serves it or
                         FOUNTAIN_LOGS_URL is set (FOUNTAIN_SHIP_LOGS, default true)

Services served by another process are reached at FOUNTAIN_<SERVICE>_URL (e.g. FOUNTAIN_SEQUENCE_URL=
http://sequence:8080); services served by this process are called in-process.

GOGC sets the Go garbage collector's target as usual; unset, fountain uses 400.

Endpoints besides the services' own: /healthz (process up), /readyz (database reachable),
/metrics (Prometheus), /openapi/<service>.yaml (each service's spec).
`

type config struct {
	addr            string
	databaseURL     string
	dataDir         string
	migrate         bool
	maxConns        int
	logLevel        string
	shutdownTimeout time.Duration
	peerTimeout     time.Duration
	logRetention    time.Duration
	shipLogs        bool
	services        []service.Service
}

// defaultGCPercent is the collector's target when GOGC is not set. A request allocates buffers that
// die with it (a 5,000-element story is a few MB of JSON across the in-process calls); collecting
// at 4x the live heap instead of 2x halves the collector's CPU for a heap of tens of MB.
const defaultGCPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fountain:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(stdout, usage, serviceList())
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "kong":
		return runKong(rest, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(rest, stderr)
	}
	if cmd != "serve" && cmd != "migrate" {
		return fmt.Errorf("unknown command %q; run `fountain help`", cmd)
	}
	cfg, err := parseConfig(cmd, rest, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.logLevel)
	shipper := newShipper(cmd, cfg)
	if shipper != nil {
		logger = slog.New(shipper.Handler(logger.Handler()))
	}
	slog.SetDefault(logger)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	pool, closeDB, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeDB()

	if cmd == "migrate" || cfg.migrate {
		if err := app.Migrate(ctx, pool, cfg.services, logger); err != nil {
			return err
		}
	}
	if cmd == "migrate" {
		logger.Info("migrations complete")
		return nil
	}
	return serve(ctx, cfg, pool, logger, shipper)
}

func parseConfig(cmd string, args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("fountain "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintf(stderr, usage, serviceList()) }
	var cfg config
	fs.StringVar(&cfg.addr, "addr", env("FOUNTAIN_ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&cfg.databaseURL, "database-url", env("FOUNTAIN_DATABASE_URL", ""), "PostgreSQL URL")
	fs.StringVar(&cfg.dataDir, "data-dir", env("FOUNTAIN_DATA_DIR", ".data"), "local cluster directory")
	fs.BoolVar(&cfg.migrate, "migrate", env("FOUNTAIN_MIGRATE", "true") != "false", "apply migrations at start")
	fs.IntVar(&cfg.maxConns, "max-conns", envInt("FOUNTAIN_MAX_CONNS", 32), "database pool size")
	fs.StringVar(&cfg.logLevel, "log-level", env("FOUNTAIN_LOG_LEVEL", "info"), "log level")
	timeout, err := time.ParseDuration(env("FOUNTAIN_SHUTDOWN_TIMEOUT", "30s"))
	if err != nil {
		return cfg, fmt.Errorf("FOUNTAIN_SHUTDOWN_TIMEOUT: %w", err)
	}
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", timeout, "graceful shutdown limit")
	peerTimeout, err := time.ParseDuration(env("FOUNTAIN_PEER_TIMEOUT", "5s"))
	if err != nil {
		return cfg, fmt.Errorf("FOUNTAIN_PEER_TIMEOUT: %w", err)
	}
	fs.DurationVar(&cfg.peerTimeout, "peer-timeout", peerTimeout, "limit for each call to another service")
	logRetention, err := time.ParseDuration(env("FOUNTAIN_LOG_RETENTION", logs.DefaultRetention.String()))
	if err != nil {
		return cfg, fmt.Errorf("FOUNTAIN_LOG_RETENTION: %w", err)
	}
	fs.DurationVar(&cfg.logRetention, "log-retention", logRetention, "how long request logs are kept")
	fs.BoolVar(&cfg.shipLogs, "ship-logs", env("FOUNTAIN_SHIP_LOGS", "true") != "false", "ship request logs to the Logging Service")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	all := services.All()
	if fs.NArg() == 0 {
		cfg.services = all
		return cfg, nil
	}
	for _, name := range fs.Args() {
		i := slices.IndexFunc(all, func(s service.Service) bool { return s.Name == name })
		if i < 0 {
			return cfg, fmt.Errorf("unknown service %q; services: %s", name, strings.Join(serviceNames(all), ", "))
		}
		cfg.services = append(cfg.services, all[i])
	}
	return cfg, nil
}

// openDatabase connects to the configured database or, when none is configured, to a local cluster
// kept under the data directory, so a newcomer needs nothing but the PostgreSQL server binaries.
func openDatabase(ctx context.Context, cfg config, logger *slog.Logger) (*pgxpool.Pool, func(), error) {
	url := cfg.databaseURL
	stopCluster := func() {}
	if url == "" {
		dir, err := filepath.Abs(filepath.Join(cfg.dataDir, "postgres"))
		if err != nil {
			return nil, nil, err
		}
		cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir, Database: "fountain", Logger: logger})
		if errors.Is(err, pgcluster.ErrDataDirUnreachable) {
			// As root in a checkout under a private home directory, the postgres user cannot reach
			// ./.data; keep the cluster in a system directory named after the checkout instead.
			dir = filepath.Join("/var/lib/fountainai", fmt.Sprintf("%x", fnv64(dir)), "postgres")
			logger.Warn("data directory unreachable for the postgres user; using a system directory", slog.String("data_dir", dir))
			cluster, err = pgcluster.Start(ctx, pgcluster.Options{DataDir: dir, Database: "fountain", Logger: logger})
		}
		if err != nil {
			return nil, nil, fmt.Errorf("start local PostgreSQL (or set FOUNTAIN_DATABASE_URL): %w", err)
		}
		url = cluster.URL()
		logger.Info("using local PostgreSQL", slog.String("database_url", url), slog.String("data_dir", dir))
		fmt.Fprintf(os.Stderr, "database: %s\n", url)
		stopCluster = func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := cluster.Stop(stopCtx); err != nil {
				logger.Warn("stop local PostgreSQL", slog.String("error", err.Error()))
			}
		}
	}
	pool, err := dbx.Open(ctx, url, dbx.PoolOptions{MaxConns: int32(cfg.maxConns), ApplicationName: "fountain"})
	if err != nil {
		stopCluster()
		return nil, nil, err
	}
	return pool, func() { pool.Close(); stopCluster() }, nil
}

// serve answers until ctx ends (SIGINT or SIGTERM), then stops accepting connections and lets
// in-flight requests finish within the shutdown timeout.
func serve(ctx context.Context, cfg config, pool *pgxpool.Pool, logger *slog.Logger, shipper *logship.Shipper) error {
	handler, err := app.Handler(cfg.services, app.Options{
		Pool: pool, Logger: logger, PeerURLs: app.PeerURLsFromEnv(serviceNames(services.All())), PeerTimeout: cfg.peerTimeout,
	})
	if err != nil {
		return err
	}
	stopLogging, err := startLogging(ctx, cfg, pool, handler, shipper, logger)
	if err != nil {
		return err
	}
	defer stopLogging()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	logger.Info("serving", slog.String("addr", ln.Addr().String()),
		slog.String("services", strings.Join(serviceNames(cfg.services), ",")))
	fmt.Fprintf(os.Stderr, "FountainAI listening on http://%s (specs at /openapi/<service>.yaml)\n", ln.Addr())
	return serveListener(ctx, ln, handler, cfg.shutdownTimeout, logger)
}

func serveListener(ctx context.Context, ln net.Listener, handler http.Handler, shutdownTimeout time.Duration, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", slog.Duration("timeout", shutdownTimeout))
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	var n int
	if _, err := fmt.Sscan(env(key, ""), &n); err == nil && n > 0 {
		return n
	}
	return def
}

func serviceNames(services []service.Service) []string {
	names := make([]string, len(services))
	for i, s := range services {
		names[i] = s.Name
	}
	return names
}

func serviceList() string {
	var b strings.Builder
	for _, s := range services.All() {
		fmt.Fprintf(&b, "  %-12s %s\n", s.Name, s.Title)
	}
	return b.String()
}
