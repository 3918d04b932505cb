package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/logship"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/logs"
)

// newShipper returns the shipper of this process's request logs, or nil when there is nowhere to
// ship them: `serve` ships when it serves the Logging Service itself or knows its URL, unless
// shipping is turned off.
func newShipper(cmd string, cfg config) *logship.Shipper {
	if cmd != "serve" || !cfg.shipLogs || (!servesLogs(cfg.services) && os.Getenv(app.PeerURLEnv(logs.Name)) == "") {
		return nil
	}
	name := "fountain"
	if len(cfg.services) == 1 {
		name = cfg.services[0].Name
	}
	return logship.New(logship.Options{Service: name})
}

func servesLogs(services []service.Service) bool {
	return slices.ContainsFunc(services, func(s service.Service) bool { return s.Name == logs.Name })
}

// startLogging starts what the Logging Service needs besides its handler: shipping this process's
// request logs (in-process when it serves the Logging Service, else to FOUNTAIN_LOGS_URL) and, where
// it is served, the retention of its entries. The returned stop flushes the shipped logs and ends
// the retention, waiting for them until its context ends; call it after the server has finished its
// requests and before the pool closes.
func startLogging(ctx context.Context, cfg config, pool *pgxpool.Pool, handler http.Handler, shipper *logship.Shipper, logger *slog.Logger) (stop func(context.Context), err error) {
	var stops []func(context.Context)
	stop = func(ctx context.Context) {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i](ctx)
		}
	}
	if servesLogs(cfg.services) {
		if cfg.logRetention <= 0 {
			return nil, fmt.Errorf("--log-retention must be positive, not %s", cfg.logRetention)
		}
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			logs.NewRetention(pool, cfg.logRetention, logger).Run(rctx, logs.DefaultRetentionInterval)
		}()
		stops = append(stops, func(ctx context.Context) {
			cancel()
			select {
			case <-done:
			case <-ctx.Done():
			}
		})
	}
	if shipper != nil {
		base, httpClient := "http://in-process", logship.HandlerClient(handler)
		if !servesLogs(cfg.services) {
			// The Logging Service takes entries only from the ingest credential.
			base, httpClient = app.PeerURLsFromEnv([]string{logs.Name})[logs.Name], logship.KeyClient(cfg.auth.ingestKey)
			if cfg.auth.ingestKey == "" {
				logger.Warn("FOUNTAIN_INGEST_KEY is not set: the Logging Service will refuse this process's request logs")
			}
		}
		client, err := logsapi.NewClient(base, logsapi.WithHTTPClient(httpClient))
		if err != nil {
			stop(context.Background())
			return nil, err
		}
		shipper.Start(client)
		stops = append(stops, func(ctx context.Context) {
			if err := shipper.Close(ctx); err != nil {
				logger.Warn("request logs not all shipped", slog.String("error", err.Error()))
			}
		})
	}
	return stop, nil
}
