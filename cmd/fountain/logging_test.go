package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/logs"
	"github.com/fountainai/fountainai/services/sessions"
)

func TestShippingIsOnWhereThereIsALoggingService(t *testing.T) {
	parse := func(args ...string) config {
		cfg, err := parseConfig("serve", args, io.Discard)
		require.NoError(t, err)
		return cfg
	}
	require.NotNil(t, newShipper("serve", parse()), "every service, the Logging Service among them")
	require.NotNil(t, newShipper("serve", parse("logs")))
	require.Nil(t, newShipper("serve", parse("sessions")), "nowhere to ship to")
	require.Nil(t, newShipper("serve", parse("--ship-logs=false")))
	require.Nil(t, newShipper("migrate", parse()))
	require.Equal(t, logs.DefaultRetention, parse().logRetention)
	require.Equal(t, 72*time.Hour, parse("--log-retention", "72h").logRetention)

	t.Setenv("FOUNTAIN_LOGS_URL", "http://logs:8080")
	require.NotNil(t, newShipper("serve", parse("sessions")))
	t.Setenv("FOUNTAIN_SHIP_LOGS", "false")
	require.Nil(t, newShipper("serve", parse("sessions")))
	t.Setenv("FOUNTAIN_LOG_RETENTION", "24h")
	require.Equal(t, 24*time.Hour, parse().logRetention)
}

// fountainProcess is `fountain serve` with its logging started as serve starts it, on an httptest
// server instead of a listener of its own.
type fountainProcess struct {
	url  string
	stop func()
}

func startProcess(t *testing.T, cfg config, dbURL string) fountainProcess {
	t.Helper()
	pool := dbtest.PoolFor(t, dbURL, 8)
	require.NoError(t, app.Migrate(context.Background(), pool, cfg.services, slog.New(slog.DiscardHandler)))
	logger := slog.New(slog.DiscardHandler)
	cfg.auth.ingestKey = authtest.IngestKey
	shipper := newShipper("serve", cfg)
	if shipper != nil {
		logger = slog.New(shipper.Handler(logger.Handler()))
	}
	h, err := app.Handler(cfg.services, app.Options{Pool: pool, Logger: logger, PeerURLs: app.PeerURLsFromEnv([]string{"logs", "scripts", "characters"}),
		Auth: apitest.Auth(t, pool)})
	require.NoError(t, err)
	stop, err := startLogging(context.Background(), cfg, pool, h, shipper, logger)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	// As serve does: the server finishes its requests, whose log lines are written after the client
	// has its answer, before the shipper flushes.
	return fountainProcess{url: srv.URL, stop: func() { srv.Close(); stop(context.Background()) }}
}

func listLogs(t *testing.T, baseURL string) logsapi.LogPage {
	t.Helper()
	resp, err := http.Get(baseURL + "/logs")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var page logsapi.LogPage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	return page
}

// TestRequestLogsReachTheLoggingService: a process serving the Logging Service ships to itself and
// keeps its partitions; another process ships to it at FOUNTAIN_LOGS_URL. Stopping flushes.
func TestRequestLogsReachTheLoggingService(t *testing.T) {
	dbURL := dbtest.New(t)
	logsProc := startProcess(t, config{services: []service.Service{logs.Service()}, shipLogs: true, logRetention: logs.DefaultRetention}, dbURL)
	t.Setenv("FOUNTAIN_LOGS_URL", logsProc.url)
	sessionsProc := startProcess(t, config{services: []service.Service{sessions.Service()}, shipLogs: true, peerTimeout: 5 * time.Second}, dbURL)

	resp, err := http.Get(sessionsProc.url + "/sessions/404")
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = http.Get(logsProc.url + "/openapi/logs.yaml")
	require.NoError(t, err)
	resp.Body.Close()
	sessionsProc.stop()

	page := listLogs(t, logsProc.url)
	require.Len(t, page.Items, 1, "the sessions process's request; the Logging Service's own are not shipped")
	require.Equal(t, "sessions", page.Items[0].Service)
	require.Equal(t, "getSession", *page.Items[0].OperationId)
	require.Equal(t, 404, page.Items[0].StatusCode)

	pool := dbtest.PoolFor(t, dbURL, 1)
	require.Eventually(t, func() bool {
		var partitions int
		require.NoError(t, pool.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_inherits WHERE inhparent = 'logs.entries'::regclass").Scan(&partitions))
		// The default one and a day's from 7 days ago to 2 days ahead.
		return partitions == 11
	}, 30*time.Second, 50*time.Millisecond, "the retention made its first pass")
	logsProc.stop()
}
