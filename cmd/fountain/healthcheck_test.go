package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()

	require.NoError(t, run([]string{"healthcheck", "--url", srv.URL + "/readyz"}, io.Discard, io.Discard))
	status.Store(http.StatusServiceUnavailable)
	require.ErrorContains(t, run([]string{"healthcheck", "--url", srv.URL + "/readyz"}, io.Discard, io.Discard), "503")
	srv.Close()
	require.ErrorContains(t, run([]string{"healthcheck", "--url", srv.URL + "/readyz", "--timeout", "1s"}, io.Discard, io.Discard), "health check")
}

func TestLocalURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		":8080":                  "http://127.0.0.1:8080/healthz",
		"0.0.0.0:8080":           "http://127.0.0.1:8080/healthz",
		"[::]:9000":              "http://127.0.0.1:9000/healthz",
		"127.0.0.1:8081":         "http://127.0.0.1:8081/healthz",
		"fountain.internal:8080": "http://fountain.internal:8080/healthz",
	} {
		got, err := localURL(addr, "/healthz")
		require.NoError(t, err, addr)
		require.Equal(t, want, got, addr)
	}
	_, err := localURL("8080", "/healthz")
	require.Error(t, err)
}
