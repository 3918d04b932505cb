package metrics_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/metrics"
)

func TestMain(m *testing.M) {
	authtest.Install() // the processes the tests start accept the credentials their requests carry
	dbtest.Main(m)
}

// value returns the value of the sample of name whose labels include want, or fails t; a histogram's
// value is its sample count.
func value(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	v, ok := find(t, reg, name, want)
	require.Truef(t, ok, "no %s sample with labels %v", name, want)
	return v
}

func find(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) (float64, bool) {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	samples:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue samples
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue(), true
			case m.Gauge != nil:
				return m.GetGauge().GetValue(), true
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount()), true
			}
		}
	}
	return 0, false
}

// routed puts route in the request's context, as the app's route table does.
func routed(route httpapi.Route) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(httpapi.WithRoute(r.Context(), route)))
		})
	}
}

func TestRequestsAreCountedByRouteMethodAndStatus(t *testing.T) {
	t.Parallel()
	m := metrics.New(dbtest.NewPool(t))
	created := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	silent := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	route := httpapi.Route{Service: "sequence", Operation: "generateSequenceNumber"}

	for range 3 {
		h := httpapi.Chain(created, routed(route), m.Middleware)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/sequence", nil))
	}
	httpapi.Chain(silent, routed(route), m.Middleware).
		ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/sequence", nil))

	labels := map[string]string{"service": "sequence", "operation": "generateSequenceNumber", "method": "POST", "status": "201"}
	require.Equal(t, 3.0, value(t, m.Registry(), metrics.RequestsTotal, labels))
	require.Equal(t, 3.0, value(t, m.Registry(), metrics.RequestDuration, labels), "histogram sample count")
	labels["status"] = "200" // a handler that writes nothing answers 200
	require.Equal(t, 1.0, value(t, m.Registry(), metrics.RequestsTotal, labels))
	require.Equal(t, 0.0, value(t, m.Registry(), metrics.RequestsInFlight, map[string]string{"service": "sequence"}))
}

func TestUnroutedRequestsHaveBoundedLabels(t *testing.T) {
	t.Parallel()
	m := metrics.New(dbtest.NewPool(t))
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	h := httpapi.Chain(notFound, m.Middleware)
	for _, req := range []*http.Request{
		httptest.NewRequest("BREW", "/pot/1", nil),
		httptest.NewRequest("BREW", "/pot/2", nil),
		httptest.NewRequest(http.MethodGet, "/no/such/path", nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	unmatched := map[string]string{"service": metrics.Unmatched, "operation": metrics.Unmatched, "status": "404"}
	unmatched["method"] = "OTHER"
	require.Equal(t, 2.0, value(t, m.Registry(), metrics.RequestsTotal, unmatched))
	unmatched["method"] = "GET"
	require.Equal(t, 1.0, value(t, m.Registry(), metrics.RequestsTotal, unmatched))

	families, err := m.Registry().Gather()
	require.NoError(t, err)
	for _, f := range families {
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				require.NotContains(t, l.GetValue(), "/", "%s has a path in label %s", f.GetName(), l.GetName())
			}
		}
	}
}

func TestPanicIsCountedAs500(t *testing.T) {
	t.Parallel()
	m := metrics.New(dbtest.NewPool(t))
	panics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	route := httpapi.Route{Service: "scripts", Operation: "getScript"}
	h := httpapi.Chain(panics, routed(route), m.Middleware, httpapi.Observe(slog.New(slog.DiscardHandler)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/scripts/1", nil))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.Equal(t, 1.0, value(t, m.Registry(), metrics.RequestsTotal,
		map[string]string{"service": "scripts", "operation": "getScript", "method": "GET", "status": "500"}))
}

func TestInFlightCountsRequestsBeingServed(t *testing.T) {
	t.Parallel()
	m := metrics.New(dbtest.NewPool(t))
	entered, release := make(chan struct{}), make(chan struct{})
	blocking := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	})
	h := httpapi.Chain(blocking, routed(httpapi.Route{Service: "stories", Operation: "getStory"}), m.Middleware)
	done := make(chan struct{})
	for range 2 {
		go func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/stories", nil))
			done <- struct{}{}
		}()
	}
	<-entered
	<-entered
	require.Equal(t, 2.0, value(t, m.Registry(), metrics.RequestsInFlight, map[string]string{"service": "stories"}))
	close(release)
	<-done
	<-done
	require.Equal(t, 0.0, value(t, m.Registry(), metrics.RequestsInFlight, map[string]string{"service": "stories"}))
}

func TestPoolStatisticsAndReadiness(t *testing.T) {
	t.Parallel()
	pool := dbtest.PoolFor(t, dbtest.New(t), 5)
	m := metrics.New(pool)
	require.Equal(t, 1.0, value(t, m.Registry(), metrics.DBReady, nil))
	require.Equal(t, 5.0, value(t, m.Registry(), "fountain_db_pool_max_conns", nil))
	// The ping behind readiness acquired a connection, now idle.
	require.GreaterOrEqual(t, value(t, m.Registry(), "fountain_db_pool_acquires_total", nil), 1.0)
	require.Equal(t, 0.0, value(t, m.Registry(), "fountain_db_pool_acquired_conns", nil))
	require.GreaterOrEqual(t, value(t, m.Registry(), "fountain_db_pool_total_conns", nil), 1.0)
	for _, name := range []string{"idle_conns", "constructing_conns", "empty_acquires_total", "canceled_acquires_total",
		"acquire_seconds_total", "empty_acquire_wait_seconds_total", "new_conns_total"} {
		value(t, m.Registry(), "fountain_db_pool_"+name, nil)
	}

	pool.Close()
	require.Equal(t, 0.0, value(t, m.Registry(), metrics.DBReady, nil), "a closed pool cannot reach the database")
}

func TestBuildInfo(t *testing.T) {
	t.Parallel()
	m := metrics.New(dbtest.NewPool(t))
	families, err := m.Registry().Gather()
	require.NoError(t, err)
	var labels map[string]string
	for _, f := range families {
		if f.GetName() == metrics.BuildInfo {
			require.Len(t, f.GetMetric(), 1)
			require.Equal(t, 1.0, f.GetMetric()[0].GetGauge().GetValue())
			labels = map[string]string{}
			for _, l := range f.GetMetric()[0].GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
		}
	}
	require.Equal(t, runtime.Version(), labels["goversion"])
	require.NotEmpty(t, labels["version"])
	// The Go and process collectors are registered too.
	value(t, m.Registry(), "go_goroutines", nil)
	value(t, m.Registry(), "process_cpu_seconds_total", nil)
}

// Not parallel: SequenceAllocations is process-wide, and no other test of this package may move it
// while this one counts.
func TestSequenceAllocationsAppearInEveryRegistry(t *testing.T) {
	pool := dbtest.NewPool(t)
	a, b := metrics.New(pool), metrics.New(pool)
	before := value(t, a.Registry(), metrics.SequenceAllocsTotal, nil)
	metrics.SequenceAllocations.Add(2)
	require.Equal(t, before+2, value(t, a.Registry(), metrics.SequenceAllocsTotal, nil))
	require.Equal(t, before+2, value(t, b.Registry(), metrics.SequenceAllocsTotal, nil))
}
