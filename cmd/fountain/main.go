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
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/buildinfo"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
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
  fountain keys create|list|revoke     manage API keys (fountain keys for help)
  fountain kong [--out FILE]            write the Kong gateway configuration generated from the
                                        specs (kong/kong.yml); --with-secrets FILE --out OUT writes
                                        FILE with http-log sending FOUNTAIN_INGEST_KEY instead;
                                        --cors-origin (FOUNTAIN_CORS_ORIGINS) adds the cors plugin
  fountain healthcheck [--url URL]      exit 0 when URL (default /healthz on FOUNTAIN_ADDR's port)
                                        answers 200: the container health check
  fountain version                      print the binary's version, its Go release and the
                                        version of each API (spec) it serves
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
  --log-format FORMAT    json (slog's JSON) or ecs (Elastic Common Schema JSON, for Filebeat and
                         Elasticsearch) (FOUNTAIN_LOG_FORMAT, default json); with ecs every line on
                         stderr is ECS JSON, service.name naming the one service served, else fountain
  --shutdown-timeout D   time from SIGTERM to exit (FOUNTAIN_SHUTDOWN_TIMEOUT, default 30s): in-flight requests
                         get three quarters of it to finish, then are cancelled (their transactions roll
                         back); the rest is for shipping the last request logs, closing the database
                         connections and stopping a local cluster. The process exits 0 within it.
  --peer-timeout D       limit for each call to another service (FOUNTAIN_PEER_TIMEOUT, default 5s)
  --log-retention D      how long the Logging Service keeps request logs, e.g. 72h (FOUNTAIN_LOG_RETENTION,
                         default 168h: 7 days); older days are dropped in the background
  --auth on|off          authenticate every request (FOUNTAIN_AUTH, default on); off serves everyone as an
                         admin of the default tenant and is refused unless --addr is a loopback address
  --oidc-issuer URL      accept bearer JWTs of this OpenID Connect issuer, keys found by discovery
                         (FOUNTAIN_OIDC_ISSUER); --jwks-url URL (FOUNTAIN_JWKS_URL) names the keys directly
  --jwt-audience AUD     audience every bearer token must name (FOUNTAIN_JWT_AUDIENCE, default fountainai)
  --tenant-claim NAME    claim holding the caller's tenant (FOUNTAIN_TENANT_CLAIM, default tenant)
  --role-claim NAME      claim holding the caller's role (FOUNTAIN_ROLE_CLAIM, default role)
  --cors-origin ORIGIN   let pages on ORIGIN (e.g. https://app.example.com, exactly as browsers send it) call
                         the API from a browser; repeat for more, or "*" alone for any page
                         (FOUNTAIN_CORS_ORIGINS, comma-separated; default none: no CORS headers at all)
  --ship-logs=BOOL       ship this process's request logs to the Logging Service when it serves it or
                         FOUNTAIN_LOGS_URL is set (FOUNTAIN_SHIP_LOGS, default true)

Secrets are read from the environment only: FOUNTAIN_JWT_HS256_SECRET (32 bytes or more) accepts
HS256 bearer tokens signed with it (iss fountainai unless --oidc-issuer says otherwise);
FOUNTAIN_INGEST_KEY is the credential with which the gateway and the services post request logs.
API keys (X-API-Key) are always accepted. With the local cluster, serve prints an admin key of the
default tenant on start, kept in <data-dir>/admin-key.

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
	logFormat       string
	shutdownTimeout time.Duration
	peerTimeout     time.Duration
	logRetention    time.Duration
	shipLogs        bool
	auth            authConfig
	corsOrigins     corsOrigins
	cors            *httpapi.CORS
	services        []service.Service
}

// defaultGCPercent is the collector's target when GOGC is not set. A request allocates buffers that
// die with it (a 5,000-element story is a few MB of JSON across the in-process calls); collecting
// at 4x the live heap instead of 2x halves the collector's CPU for a heap of tens of MB.
const defaultGCPercent = 400

func main() {
	buildinfo.Stamp(version)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.As(err, new(loggedError)) {
			fmt.Fprintln(os.Stderr, "fountain:", err)
		}
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
	case "keys":
		return runKeys(rest, stdout, stderr)
	case "version", "--version":
		return runVersion(stdout)
	}
	if cmd != "serve" && cmd != "migrate" {
		return fmt.Errorf("unknown command %q; run `fountain help`", cmd)
	}
	cfg, err := parseConfig(cmd, rest, stderr)
	if err != nil {
		return err
	}
	logger := newProcessLogger(stderr, cfg)
	shipper := newShipper(cmd, cfg)
	if shipper != nil {
		logger = slog.New(shipper.Handler(logger.Handler()))
	}
	slog.SetDefault(logger)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	budget := &shutdownBudget{timeout: cfg.shutdownTimeout}

	err = serveOrMigrate(ctx, cmd, cfg, budget, logger, shipper)
	if err != nil && cfg.logFormat == logFormatECS {
		// The reason the process ends is the line a log search most needs, so it is one of them.
		logger.Error("exiting", slog.String("error", err.Error()))
		return loggedError{err}
	}
	return err
}

// loggedError is an error the logger has already written; main exits without printing it again.
type loggedError struct{ error }

func serveOrMigrate(ctx context.Context, cmd string, cfg config, budget *shutdownBudget, logger *slog.Logger, shipper *logship.Shipper) error {
	pool, closeDB, err := openDatabase(ctx, cfg, budget, logger)
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
	return serve(ctx, cfg, pool, budget, logger, shipper)
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
	fs.StringVar(&cfg.logFormat, "log-format", env("FOUNTAIN_LOG_FORMAT", logFormatJSON), "json or ecs")
	timeout, err := time.ParseDuration(env("FOUNTAIN_SHUTDOWN_TIMEOUT", "30s"))
	if err != nil {
		return cfg, fmt.Errorf("FOUNTAIN_SHUTDOWN_TIMEOUT: %w", err)
	}
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", timeout, "time from SIGTERM to exit")
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
	cfg.auth.flags(fs)
	cfg.corsOrigins.flags(fs)
	fs.BoolVar(&cfg.shipLogs, "ship-logs", env("FOUNTAIN_SHIP_LOGS", "true") != "false", "ship request logs to the Logging Service")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.logFormat != logFormatJSON && cfg.logFormat != logFormatECS {
		return cfg, fmt.Errorf("--log-format must be json or ecs, not %q", cfg.logFormat)
	}
	if cfg.cors, err = cfg.corsOrigins.policy(); err != nil {
		return cfg, err
	}
	if cmd == "serve" {
		if err := cfg.auth.check(cfg.addr); err != nil {
			return cfg, err
		}
		if err := checkCORS(cfg.cors, cfg.auth); err != nil {
			return cfg, err
		}
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
// kept under the data directory, so a newcomer needs nothing but the PostgreSQL server binaries. The
// returned close closes the pool and stops a cluster it started, within the shutdown budget.
func openDatabase(ctx context.Context, cfg config, budget *shutdownBudget, logger *slog.Logger) (*pgxpool.Pool, func(), error) {
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
		if cfg.plainLines() {
			fmt.Fprintf(os.Stderr, "database: %s\n", url)
		}
		stopCluster = func() {
			// The last step of stopping: the rest of the budget.
			stopCtx, cancel := budget.rest()
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
	return pool, func() { closePool(budget, pool, logger); stopCluster() }, nil
}

// closePool closes pool within one step of the shutdown budget. Closing waits for every connection
// to be cleaned up, which for the connection of a cancelled query includes pgx's cancel request: the
// server has stopped the statement (and rolled it back) before the process exits. A connection still
// held when the step ends belongs to a request that ignored its cancellation; the server rolls its
// transaction back when the process exits.
func closePool(budget *shutdownBudget, pool *pgxpool.Pool, logger *slog.Logger) {
	ctx, cancel := budget.step()
	defer cancel()
	closed := make(chan struct{})
	go func() { pool.Close(); close(closed) }()
	select {
	case <-closed:
	case <-ctx.Done():
		logger.Warn("database connections still in use at exit", slog.Int("connections", int(pool.Stat().AcquiredConns())))
	}
}

// serve answers until ctx ends (SIGINT or SIGTERM), then stops within the shutdown budget.
func serve(ctx context.Context, cfg config, pool *pgxpool.Pool, budget *shutdownBudget, logger *slog.Logger, shipper *logship.Shipper) error {
	// Every request, and every write made on a request's behalf, stops when work is cancelled at
	// the end of the graceful part of the budget.
	work, cancelWork := context.WithCancel(context.Background())
	defer cancelWork()
	authn, err := cfg.auth.authenticator(work, cfg.addr, pool)
	if err != nil {
		return err
	}
	if cfg.databaseURL == "" && !cfg.auth.off {
		key, err := localAdminKey(ctx, pool, cfg.dataDir)
		if err != nil {
			return fmt.Errorf("local admin key: %w", err)
		}
		if cfg.plainLines() {
			fmt.Fprintf(os.Stderr, "admin key (tenant %s, kept in %s): %s\n", auth.DefaultTenant, filepath.Join(cfg.dataDir, adminKeyFile), key)
		} else {
			// A log line is kept and shipped elsewhere: it names the key's file, not the key.
			logger.Info("local admin key", slog.String("tenant", auth.DefaultTenant), slog.String("file", filepath.Join(cfg.dataDir, adminKeyFile)))
		}
	}
	handler, err := app.Handler(cfg.services, app.Options{
		Pool: pool, Logger: logger, PeerURLs: app.PeerURLsFromEnv(serviceNames(services.All())), PeerTimeout: cfg.peerTimeout,
		Context: work, Auth: authn, CORS: cfg.cors, Catalog: services.All(),
	})
	if err != nil {
		return err
	}
	stopLogging, err := startLogging(ctx, cfg, pool, handler, shipper, logger)
	if err != nil {
		return err
	}
	defer func() {
		stepCtx, cancel := budget.step()
		defer cancel()
		stopLogging(stepCtx)
	}()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	logger.Info("serving", slog.String("addr", ln.Addr().String()),
		slog.String("services", strings.Join(serviceNames(cfg.services), ",")))
	if cfg.plainLines() {
		fmt.Fprintf(os.Stderr, "FountainAI listening on http://%s (specs at /openapi/<service>.yaml)\n", ln.Addr())
	}
	return serveListener(ctx, ln, handler, work, cancelWork, budget, logger)
}

// serveListener answers on ln until ctx ends. Then it stops accepting connections and lets in-flight
// requests finish until the graceful part of the budget is used up; requests still running then are
// cancelled with requests, the context every request derives from (their statements stop and their
// transactions roll back), and their connections closed, and it waits for their handlers to return
// within one step of the budget.
func serveListener(ctx context.Context, ln net.Listener, handler http.Handler, requests context.Context, cancelRequests context.CancelFunc, budget *shutdownBudget, logger *slog.Logger) error {
	var running atomic.Int64
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			running.Add(1)
			defer running.Add(-1)
			handler.ServeHTTP(w, r)
		}),
		// Every request's context derives from requests, so that shutdown can cancel them.
		BaseContext:       func(net.Listener) context.Context { return requests },
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
	logger.Info("shutting down", slog.Duration("timeout", budget.timeout))
	gracefulCtx, cancel := context.WithDeadline(context.Background(), budget.graceful())
	defer cancel()
	if err := srv.Shutdown(gracefulCtx); errors.Is(err, context.DeadlineExceeded) {
		logger.Warn("in-flight requests out of time: cancelling them", slog.Int64("requests", running.Load()))
		cancelRequests()
		_ = srv.Close()
		stepCtx, cancel := budget.step()
		defer cancel()
		if !waitForZero(stepCtx, &running) {
			logger.Warn("requests still running after their cancellation", slog.Int64("requests", running.Load()))
		}
	} else if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// waitForZero polls n until it is zero (true) or ctx ends (false).
func waitForZero(ctx context.Context, n *atomic.Int64) bool {
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for n.Load() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-ticker.C:
		}
	}
	return true
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

func newLogger(w io.Writer, level string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: parseLevel(level)}))
}

// newProcessLogger is the logger of `serve` and `migrate`, in the format cfg names.
func newProcessLogger(w io.Writer, cfg config) *slog.Logger {
	if cfg.logFormat == logFormatECS {
		return slog.New(newECSHandler(w, parseLevel(cfg.logLevel), processService(cfg.services), buildinfo.Version()))
	}
	return newLogger(w, cfg.logLevel)
}

func parseLevel(level string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return l
}

// processService names what this process serves, as newShipper does: its one service, or
// "fountain" for several.
func processService(services []service.Service) string {
	if len(services) == 1 {
		return services[0].Name
	}
	return "fountain"
}

// plainLines reports whether the lines written for a person at a terminal (the address served, a
// local cluster's URL and admin key) go to stderr besides the log: not when every line must be ECS.
func (c config) plainLines() bool { return c.logFormat != logFormatECS }

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
