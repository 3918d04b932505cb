package metrics

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// readyTimeout bounds the ping behind DBReady, well inside Prometheus's default 10 s scrape timeout.
const readyTimeout = 2 * time.Second

// poolCollector reads the pool's statistics at scrape time and pings the database for DBReady, the
// same check /readyz answers with, so the "database not ready" alert needs no probe of its own.
type poolCollector struct {
	pool *pgxpool.Pool

	acquired, idle, total, maxConns, constructing *prometheus.Desc
	acquires, emptyAcquires, canceledAcquires     *prometheus.Desc
	acquireSeconds, emptyAcquireWaitSeconds       *prometheus.Desc
	newConns                                      *prometheus.Desc
	ready                                         *prometheus.Desc
}

func newPoolCollector(pool *pgxpool.Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("fountain_db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{
		pool:                    pool,
		acquired:                d("acquired_conns", "Connections currently checked out of the pool."),
		idle:                    d("idle_conns", "Idle connections in the pool."),
		total:                   d("total_conns", "Connections in the pool: acquired, idle and being opened."),
		maxConns:                d("max_conns", "Largest number of connections the pool opens."),
		constructing:            d("constructing_conns", "Connections being opened."),
		acquires:                d("acquires_total", "Successful acquisitions of a connection."),
		emptyAcquires:           d("empty_acquires_total", "Acquisitions that had to wait because no connection was idle."),
		canceledAcquires:        d("canceled_acquires_total", "Acquisitions given up because their context ended."),
		acquireSeconds:          d("acquire_seconds_total", "Time spent acquiring connections, waits included."),
		emptyAcquireWaitSeconds: d("empty_acquire_wait_seconds_total", "Time spent waiting for a connection when none was idle."),
		newConns:                d("new_conns_total", "Connections opened."),
		ready:                   prometheus.NewDesc(DBReady, "1 if the database answered a ping during this scrape, else 0.", nil, nil),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.acquired, c.idle, c.total, c.maxConns, c.constructing, c.acquires,
		c.emptyAcquires, c.canceledAcquires, c.acquireSeconds, c.emptyAcquireWaitSeconds, c.newConns, c.ready} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.acquired, float64(s.AcquiredConns()))
	gauge(c.idle, float64(s.IdleConns()))
	gauge(c.total, float64(s.TotalConns()))
	gauge(c.maxConns, float64(s.MaxConns()))
	gauge(c.constructing, float64(s.ConstructingConns()))
	counter(c.acquires, float64(s.AcquireCount()))
	counter(c.emptyAcquires, float64(s.EmptyAcquireCount()))
	counter(c.canceledAcquires, float64(s.CanceledAcquireCount()))
	counter(c.acquireSeconds, s.AcquireDuration().Seconds())
	counter(c.emptyAcquireWaitSeconds, s.EmptyAcquireWaitTime().Seconds())
	counter(c.newConns, float64(s.NewConnsCount()))

	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	ready := 1.0
	if err := c.pool.Ping(ctx); err != nil {
		ready = 0
	}
	gauge(c.ready, ready)
}
