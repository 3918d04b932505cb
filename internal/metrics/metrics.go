// Package metrics exposes a FountainAI process to Prometheus: requests by service and operationId,
// in-flight requests, the database pool, sequence allocations, build info and the Go runtime. Each
// process (each handler the app package builds) has its own registry, so tests can build several
// handlers side by side; the deploy/ directory holds the scrape config, alert rules and dashboard that
// read these names.
package metrics

import (
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fountainai/fountainai/internal/buildinfo"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// Names of the metrics, for dashboards, alert rules and tests.
const (
	RequestsTotal       = "fountain_http_requests_total"
	RequestDuration     = "fountain_http_request_duration_seconds"
	RequestsInFlight    = "fountain_http_requests_in_flight"
	SequenceAllocsTotal = "fountain_sequence_allocations_total"
	BuildInfo           = "fountain_build_info"
	DBReady             = "fountain_db_ready"
)

// Unmatched is the service and operation label of requests no route matched (unknown paths, wrong
// methods): raw paths are never labels, so a scan of random URLs adds no series.
const Unmatched = "unmatched"

// SequenceAllocations counts the positions placed by this process once their transactions commit:
// the Sequence service's for its clients, and the content services' through the placement
// functions. It is a process-wide counter, registered in every registry New builds.
var SequenceAllocations = prometheus.NewCounter(prometheus.CounterOpts{
	Name: SequenceAllocsTotal,
	Help: "Sequence positions newly allocated by this process.",
})

// Latency buckets from 1 ms (a cached read) to 10 s (past every peer and batch timeout).
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Metrics is the registry of one process and the request instruments on it.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight *prometheus.GaugeVec
}

// New builds a registry with the request instruments, pool's statistics and readiness, sequence
// allocations, build info and the Go and process collectors.
func New(pool *pgxpool.Pool) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: RequestsTotal,
			Help: "HTTP requests served, by service, operationId, method and status code.",
		}, []string{"service", "operation", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    RequestDuration,
			Help:    "Time from receiving a request to the end of its response, by service, operationId, method and status code.",
			Buckets: durationBuckets,
		}, []string{"service", "operation", "method", "status"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: RequestsInFlight,
			Help: "HTTP requests being served, by service.",
		}, []string{"service"}),
	}
	m.registry.MustRegister(
		m.requests, m.duration, m.inFlight,
		SequenceAllocations,
		newPoolCollector(pool),
		buildInfo(),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Registry is the process's registry, for tests and for collectors a caller adds.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Middleware counts and times every request under the Route an outer middleware put in its context
// (see httpapi.WithRoute), or under Unmatched. It must wrap httpapi.Observe so that the 500 Observe
// writes for a panic is what it records.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, ok := httpapi.RouteFrom(r.Context())
		if !ok {
			route = httpapi.Route{Service: Unmatched, Operation: Unmatched}
		}
		inFlight := m.inFlight.WithLabelValues(route.Service)
		inFlight.Inc()
		defer inFlight.Dec()
		start := time.Now()
		rec := httpapi.NewStatusRecorder(w)
		next.ServeHTTP(rec, r)
		labels := []string{route.Service, route.Operation, method(r.Method), strconv.Itoa(rec.Status())}
		m.requests.WithLabelValues(labels...).Inc()
		m.duration.WithLabelValues(labels...).Observe(time.Since(start).Seconds())
	})
}

// method bounds the method label: clients can send any token as a method.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// buildInfo is a constant 1 labelled with the binary's version (the one `fountain version` prints)
// and the Go version, so a dashboard can tell which build is running.
func buildInfo() prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        BuildInfo,
		Help:        "A constant 1 labelled with the version of the fountain binary and the Go version that built it.",
		ConstLabels: prometheus.Labels{"version": buildinfo.Version(), "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}
