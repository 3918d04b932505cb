package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// runHealthcheck GETs a health endpoint of a running fountain and fails unless it answers 200: the
// container's health check, in an image that has no shell or curl.
func runHealthcheck(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("fountain healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "URL to check (default: /healthz on the port of FOUNTAIN_ADDR)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" {
		u, err := localURL(env("FOUNTAIN_ADDR", "127.0.0.1:8080"), "/healthz")
		if err != nil {
			return err
		}
		*url = u
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %s", *url, resp.Status)
	}
	return nil
}

// localURL is the URL of path on the server listening on addr, as seen from the same host: a
// wildcard host (":8080", "0.0.0.0:8080", "[::]:8080") is reached on the loopback address.
func localURL(addr, path string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("FOUNTAIN_ADDR %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
