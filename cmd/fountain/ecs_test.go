package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/subprocess"
)

// ecsTypes maps each ECS field the ecs format writes to its type, as testdata/ecs_fields.yml (taken
// from the ECS release named by ecsVersion) defines it.
func ecsTypes(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile("testdata/ecs_fields.yml")
	require.NoError(t, err)
	var defs map[string]struct {
		Type string `yaml:"type"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &defs))
	types := map[string]string{}
	for name, d := range defs {
		require.NotEmpty(t, d.Type, name)
		types[name] = d.Type
	}
	return types
}

var ecsTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// checkECSLine holds one line to ECS: a JSON object whose every leaf is an ECS field with a value
// of its type, or lies under fountain.; the fields every line has are there. It returns the line's
// leaves by dotted name.
func checkECSLine(t *testing.T, types map[string]string, line []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var doc map[string]any
	require.NoError(t, dec.Decode(&doc), "not a JSON object: %s", line)
	require.False(t, dec.More(), "more than one value: %s", line)
	leaves := map[string]any{}
	var walk func(prefix string, obj map[string]any)
	walk = func(prefix string, obj map[string]any) {
		for k, v := range obj {
			require.NotContains(t, k, ".", "nested objects, not dotted keys: %s", line)
			name := prefix + k
			if strings.HasPrefix(name, ecsNamespace+".") {
				leaves[name] = v
				continue
			}
			if sub, ok := v.(map[string]any); ok {
				require.NotEmpty(t, sub, "%s: an empty object: %s", name, line)
				walk(name+".", sub)
				continue
			}
			typ, ok := types[name]
			require.True(t, ok, "%s is neither an ECS field written nor under fountain.: %s", name, line)
			checkECSValue(t, name, typ, v, line)
			leaves[name] = v
		}
	}
	walk("", doc)
	for _, name := range []string{"@timestamp", "log.level", "message", "ecs.version", "service.name", "service.version"} {
		require.Contains(t, leaves, name, "every line has %s: %s", name, line)
	}
	require.Regexp(t, ecsTimestamp, leaves["@timestamp"], "RFC 3339 with milliseconds, in UTC: %s", line)
	require.Equal(t, ecsVersion, leaves["ecs.version"])
	require.Equal(t, strings.ToLower(leaves["log.level"].(string)), leaves["log.level"])
	return leaves
}

// checkECSValue holds v, a field's value as encoding/json decodes it with UseNumber, to the JSON
// form of the field's ECS type.
func checkECSValue(t *testing.T, name, typ string, v any, line []byte) {
	t.Helper()
	switch typ {
	case "date":
		s, ok := v.(string)
		require.True(t, ok, "%s: a date is a string: %s", name, line)
		_, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err, "%s: %s", name, line)
	case "keyword", "wildcard", "match_only_text", "text":
		_, ok := v.(string)
		require.True(t, ok, "%s: a %s is a string: %s", name, typ, line)
	case "long":
		n, ok := v.(json.Number)
		require.True(t, ok, "%s: a long is a number: %s", name, line)
		_, err := n.Int64()
		require.NoError(t, err, "%s: a long is an integer: %s", name, line)
	case "ip":
		s, ok := v.(string)
		require.True(t, ok, "%s: an ip is a string: %s", name, line)
		_, err := netip.ParseAddr(s)
		require.NoError(t, err, "%s: %s", name, line)
	default:
		t.Fatalf("%s: type %s has no check", name, typ)
	}
}

// requestFields are on every request line; client.ip and client.port too when the client has an IP
// address (an in-process call to another service has none).
var requestFields = []string{"http.request.method", "url.path", "http.response.status_code", "http.response.body.bytes",
	"event.duration", "trace.id", "client.address"}

// checkECSOutput holds every line of out to ECS and returns them.
func checkECSOutput(t *testing.T, types map[string]string, out []byte) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := checkECSLine(t, types, sc.Bytes())
		if line["message"] == "request" {
			for _, name := range requestFields {
				require.Contains(t, line, name, "a request line has %s: %s", name, sc.Bytes())
			}
		}
		lines = append(lines, line)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, lines)
	return lines
}

func findLine(lines []map[string]any, match func(map[string]any) bool) map[string]any {
	i := slices.IndexFunc(lines, match)
	if i < 0 {
		return nil
	}
	return lines[i]
}

// TestECSLogsOfTheProcess runs `fountain migrate` and `fountain serve` with the ecs format, drives
// requests of every outcome through serve and stops it, then holds every line either wrote, on
// stdout and stderr alike, to the ECS field types. The request logs still reach the Logging
// Service.
func TestECSLogsOfTheProcess(t *testing.T) {
	t.Parallel()
	types := ecsTypes(t)
	bin, err := subprocess.BuildFountain(t.TempDir())
	require.NoError(t, err)
	dbURL := dbtest.New(t)

	// migrate of one service, the format from the environment.
	var migrateOut apitest.Output
	migrate := exec.Command(bin, "migrate", "scripts")
	migrate.Env = append(os.Environ(), "FOUNTAIN_DATABASE_URL="+dbURL, "FOUNTAIN_LOG_FORMAT=ecs")
	migrate.Stdout, migrate.Stderr = &migrateOut, &migrateOut
	require.NoError(t, migrate.Run(), "%s", migrateOut.Bytes())
	lines := checkECSOutput(t, types, migrateOut.Bytes())
	require.NotNil(t, findLine(lines, func(l map[string]any) bool { return l["message"] == "migrations complete" }))
	for _, l := range lines {
		require.Equal(t, "scripts", l["service.name"], "the one service migrated")
	}

	var out apitest.Output
	base, p := startServe(t, bin, dbURL, &out, nil, "serve", "--log-format", "ecs")

	do := func(client *http.Client, method, path, body, requestID string) int {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "ecs-test/1.0")
		req.Header.Set(httpapi.RequestIDHeader, requestID)
		resp, err := client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	anonymous := &http.Client{Transport: &http.Transport{}}
	require.Equal(t, http.StatusCreated, do(http.DefaultClient, http.MethodPost, "/scripts", `{"title":"Logged"}`, "ecs-created"))
	require.Equal(t, http.StatusBadRequest, do(http.DefaultClient, http.MethodPost, "/scripts", `{"title":`, "ecs-malformed"))
	require.Equal(t, http.StatusNotFound, do(http.DefaultClient, http.MethodGet, "/scripts/987654", "", "ecs-missing"))
	require.Equal(t, http.StatusNotFound, do(http.DefaultClient, http.MethodGet, "/no/such/route?x=1", "", "ecs-noroute"))
	require.Equal(t, http.StatusUnauthorized, do(anonymous, http.MethodGet, "/scripts", "", "ecs-anonymous"))
	require.Equal(t, http.StatusMethodNotAllowed, do(http.DefaultClient, http.MethodDelete, "/healthz", "", "ecs-method"))

	// The shipper wraps the ECS handler as it wraps the JSON one.
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/logs?requestId=ecs-created")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var page logsapi.LogPage
		return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&page) == nil &&
			slices.ContainsFunc(page.Items, func(e logsapi.LogEntry) bool { return e.RequestId != nil && *e.RequestId == "ecs-created" })
	}, 30*time.Second, 50*time.Millisecond, "the request log reaches the Logging Service")

	require.NoError(t, p.Stop(30*time.Second), "fountain serve did not exit 0 by itself:\n%s", out.Bytes())
	lines = checkECSOutput(t, types, out.Bytes())
	for _, l := range lines {
		require.Equal(t, "fountain", l["service.name"], "every service in one process")
	}
	for _, msg := range []string{"serving", "shutting down"} {
		require.NotNil(t, findLine(lines, func(l map[string]any) bool { return l["message"] == msg }), msg)
	}
	request := func(id string) map[string]any {
		t.Helper()
		l := findLine(lines, func(l map[string]any) bool { return l["message"] == "request" && l["trace.id"] == id })
		require.NotNil(t, l, "the request line of %s", id)
		return l
	}
	created := request("ecs-created")
	require.Equal(t, "POST", created["http.request.method"])
	require.Equal(t, "/scripts", created["url.path"])
	require.Equal(t, json.Number("201"), created["http.response.status_code"])
	require.Equal(t, "ecs-test/1.0", created["user_agent.original"])
	require.Equal(t, "127.0.0.1", created["client.ip"])
	require.Equal(t, "default", created["organization.id"], "the caller's tenant")
	require.Contains(t, created, "user.id")
	require.Equal(t, "scripts", created["fountain.service"])
	require.Equal(t, "createScript", created["fountain.operation"])
	duration, err := created["event.duration"].(json.Number).Int64()
	require.NoError(t, err)
	require.Positive(t, duration)
	require.Equal(t, json.Number("400"), request("ecs-malformed")["http.response.status_code"])
	require.Equal(t, json.Number("404"), request("ecs-missing")["http.response.status_code"])
	require.Equal(t, json.Number("404"), request("ecs-noroute")["http.response.status_code"])
	require.Equal(t, json.Number("401"), request("ecs-anonymous")["http.response.status_code"])
	require.Equal(t, json.Number("405"), request("ecs-method")["http.response.status_code"])

	// The error that ends a process is its last line, and main prints nothing besides.
	var failed apitest.Output
	fail := exec.Command(bin, "serve", "--log-format", "ecs", "--database-url", "postgres://127.0.0.1:1/x?sslmode=nonsense", "sessions")
	fail.Stdout, fail.Stderr = &failed, &failed
	var exit *exec.ExitError
	require.ErrorAs(t, fail.Run(), &exit)
	require.Equal(t, 1, exit.ExitCode())
	lines = checkECSOutput(t, types, failed.Bytes())
	last := lines[len(lines)-1]
	require.Equal(t, "exiting", last["message"])
	require.Equal(t, "error", last["log.level"])
	require.Contains(t, last["error.message"], "sslmode")
	require.Equal(t, "sessions", last["service.name"])
}

func TestLogFormatMustBeKnown(t *testing.T) {
	t.Parallel()
	require.ErrorContains(t, run([]string{"serve", "--log-format", "logfmt"}, io.Discard, io.Discard), "--log-format must be json or ecs")
}

// TestJSONFormatIsTheDefault: without --log-format the lines are slog's JSON, as before.
func TestJSONFormatIsTheDefault(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig("serve", nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, logFormatJSON, cfg.logFormat)
	var out bytes.Buffer
	newProcessLogger(&out, cfg).Info("hello", slog.Int("status", 200))
	var line map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &line))
	require.Equal(t, "hello", line["msg"])
	require.Equal(t, "INFO", line["level"])
	require.Contains(t, line, "time")
	require.InDelta(t, 200, line["status"], 0)
}

type tenantValuer struct{}

func (tenantValuer) LogValue() slog.Value { return slog.StringValue("acme") }

type point struct{ X, Y int }

// TestECSHandlerAttributes writes attributes of every kind, in groups and out, and reads each where
// the ECS format puts it.
func TestECSHandlerAttributes(t *testing.T) {
	t.Parallel()
	types := ecsTypes(t)
	var out bytes.Buffer
	logger := slog.New(newECSHandler(&out, slog.LevelDebug, "scripts", "v1.2.3"))
	read := func() map[string]any {
		t.Helper()
		line := checkECSLine(t, types, bytes.TrimSuffix(out.Bytes(), []byte("\n")))
		require.Equal(t, 1, bytes.Count(out.Bytes(), []byte("\n")), "one line")
		out.Reset()
		return line
	}

	when := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("CET", 3600))
	logger.Warn("odd kinds",
		slog.String("request_id", "r-1"),
		slog.Any("error", errors.New("disk full")),
		slog.Any("tenant", tenantValuer{}),
		slog.Duration("took", 1500*time.Millisecond),
		slog.Time("at", when),
		slog.Uint64("big", math.MaxUint64),
		slog.Float64("ratio", 0.25),
		slog.Float64("nan", math.NaN()),
		slog.Bool("ok", true),
		slog.Any("point", point{1, 2}),
		slog.Any("nothing", nil),
		slog.Group("outer", slog.Int("n", 1), slog.Group("inner", slog.String("s", "x"), slog.Any("err", errors.New("deep")))),
		slog.Group("", slog.String("inlined", "yes")),
		slog.Group("empty"),
		slog.String("dotted.key", "split"),
		slog.Int("status", 502), // not a request line: not the response's status
		slog.String("text", "a \"quoted\" <tag> & \x01 \xff é"),
		slog.Attr{},
	)
	line := read()
	require.Equal(t, "warn", line["log.level"])
	require.Equal(t, "odd kinds", line["message"])
	require.Equal(t, "scripts", line["service.name"])
	require.Equal(t, "v1.2.3", line["service.version"])
	require.Equal(t, "r-1", line["trace.id"])
	require.Equal(t, "disk full", line["error.message"])
	require.Equal(t, "acme", line["organization.id"])
	require.Equal(t, json.Number("1500000000"), line["fountain.took"], "nanoseconds, as event.duration")
	require.Equal(t, "2026-03-04T04:06:07.891234567Z", line["fountain.at"])
	require.Equal(t, json.Number("18446744073709551615"), line["fountain.big"])
	require.Equal(t, json.Number("0.25"), line["fountain.ratio"])
	require.Equal(t, "NaN", line["fountain.nan"])
	require.Equal(t, true, line["fountain.ok"])
	require.Equal(t, map[string]any{"X": json.Number("1"), "Y": json.Number("2")}, line["fountain.point"])
	require.Contains(t, line, "fountain.nothing")
	require.Nil(t, line["fountain.nothing"])
	require.Equal(t, map[string]any{"n": json.Number("1"), "inner": map[string]any{"s": "x", "err": "deep"}}, line["fountain.outer"],
		"groups nest; an error in a group is its message, not error.message")
	require.Equal(t, "yes", line["fountain.inlined"])
	require.NotContains(t, line, "fountain.empty")
	require.Equal(t, map[string]any{"key": "split"}, line["fountain.dotted"])
	require.Equal(t, json.Number("502"), line["fountain.status"])
	require.NotContains(t, line, "http.response.status_code")
	require.Equal(t, "a \"quoted\" <tag> & \x01 \ufffd é", line["fountain.text"])

	// Attributes added to the logger, and those inside its groups, nest the same way.
	grouped := logger.With(slog.String("request_id", "r-2"), slog.String("a", "scalar")).WithGroup("g").With(slog.Int("w", 1)).WithGroup("h")
	grouped.Info("grouped", slog.String("request_id", "not-ecs"), slog.Any("error", errors.New("in a group")))
	line = read()
	require.Equal(t, "r-2", line["trace.id"])
	require.Equal(t, "scalar", line["fountain.a"])
	require.Equal(t, map[string]any{"w": json.Number("1"), "h": map[string]any{"request_id": "not-ecs", "error": "in a group"}}, line["fountain.g"])
	require.NotContains(t, line, "error.message")

	// A path that runs through another attribute's value keeps both.
	logger.Debug("conflict", slog.String("a", "first"), slog.String("a.b", "second"), slog.String("a", "third"))
	line = read()
	require.Equal(t, "debug", line["log.level"])
	require.Equal(t, map[string]any{"value": "third", "b": "second"}, line["fountain.a"])

	// Levels between the named ones, and below the handler's.
	logger.Log(context.Background(), slog.LevelInfo+2, "between")
	require.Equal(t, "info+2", read()["log.level"])
	quiet := slog.New(newECSHandler(&out, slog.LevelWarn, "fountain", "devel"))
	quiet.Info("dropped")
	require.Zero(t, out.Len())
}

// TestECSRequestLines: the line Observe writes per request, and the one it writes for a panic.
func TestECSRequestLines(t *testing.T) {
	t.Parallel()
	types := ecsTypes(t)
	var out bytes.Buffer
	logger := slog.New(newECSHandler(&out, slog.LevelInfo, "fountain", "devel"))
	h := httpapi.Observe(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := httpapi.WithRoute(r.Context(), httpapi.Route{Service: "scripts", Operation: "getScript"})
		httpapi.AddLogAttrs(ctx, slog.String("tenant", "acme"), slog.String("subject", "user-7"))
		if r.URL.Path == "/panic" {
			panic("boom")
		}
		_, _ = io.WriteString(w, "hello")
	}))

	req := httptest.NewRequest(http.MethodGet, "/scripts/1?fields=title", nil)
	req.Header.Set("User-Agent", "curl/8.5.0")
	req.Header.Set(httpapi.RequestIDHeader, "req-1")
	h.ServeHTTP(httptest.NewRecorder(), req)
	lines := checkECSOutput(t, types, out.Bytes())
	require.Len(t, lines, 1)
	line := lines[0]
	require.Equal(t, "info", line["log.level"])
	require.Equal(t, "GET", line["http.request.method"])
	require.Equal(t, "/scripts/1", line["url.path"])
	require.Equal(t, json.Number("200"), line["http.response.status_code"])
	require.Equal(t, json.Number("5"), line["http.response.body.bytes"])
	require.Equal(t, "req-1", line["trace.id"])
	require.Equal(t, "192.0.2.1", line["client.address"])
	require.Equal(t, "192.0.2.1", line["client.ip"])
	require.Equal(t, json.Number("1234"), line["client.port"])
	require.Equal(t, "curl/8.5.0", line["user_agent.original"])
	require.Equal(t, "acme", line["organization.id"])
	require.Equal(t, "user-7", line["user.id"])

	out.Reset()
	req = httptest.NewRequest(http.MethodPost, "/panic", nil)
	req.Header.Set(httpapi.RequestIDHeader, "req-2")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	lines = checkECSOutput(t, types, out.Bytes())
	require.Len(t, lines, 2)
	require.Equal(t, "panic", lines[0]["message"])
	require.Equal(t, "error", lines[0]["log.level"])
	require.Equal(t, "boom", lines[0]["error.message"])
	require.Contains(t, lines[0]["error.stack_trace"], "runtime/debug.Stack")
	require.Equal(t, "req-2", lines[0]["trace.id"])
	require.Equal(t, "request", lines[1]["message"])
	require.Equal(t, "error", lines[1]["log.level"])
	require.Equal(t, json.Number("500"), lines[1]["http.response.status_code"])
}
