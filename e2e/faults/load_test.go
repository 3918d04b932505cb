package faults_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
)

// writers is how many clients write at once, each with its own keys.
const writers = 8

// fault is one thing done to the system under load, from its start to the moment it was whole
// again.
type fault struct {
	what     string
	from, to time.Time
}

// load is one scenario's writers and the faults done to them, on one timeline that starts when the
// writers do.
type load struct {
	t        *testing.T
	name     string
	scriptID int64
	client   *charactersapi.ClientWithResponses
	start    time.Time
	end      time.Time
	writers  []*writer
	faults   []fault
	done     sync.WaitGroup
	stop     context.CancelFunc
}

// startLoad creates the scenario's script through scriptsURL and starts the writers against
// charactersURL for d; each writer's keys are "<name>-c<writer>-<n>".
func startLoad(t *testing.T, name, scriptsURL, charactersURL string, d time.Duration) *load {
	t.Helper()
	transport := &http.Transport{MaxIdleConnsPerHost: writers}
	t.Cleanup(transport.CloseIdleConnections)
	httpClient := &http.Client{Transport: authtest.Transport(auth.DefaultTenant, auth.Writer, transport), Timeout: clientTimeout}

	created, err := apitest.NewClients(t, scriptsURL, httpClient).Scripts.CreateScriptWithResponse(t.Context(), nil, scriptsapi.ScriptRequest{Title: "Fault test " + name})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))

	client := apitest.NewClients(t, charactersURL, httpClient).Characters
	ctx, stop := context.WithCancel(context.Background())
	l := &load{t: t, name: name, scriptID: created.JSON201.ScriptId, client: client, stop: stop}
	// Registered after the processes' cleanups, so it runs before them: no writer outlives the
	// test, and none is left retrying against a stopped process.
	t.Cleanup(func() { stop(); l.done.Wait() })
	l.start = time.Now()
	l.end = l.start.Add(d)
	for c := range writers {
		w := &writer{client: client, scriptID: l.scriptID, prefix: fmt.Sprintf("%s-c%d", name, c)}
		l.writers = append(l.writers, w)
		l.done.Go(func() { w.run(ctx, l.end) })
	}
	return l
}

// at waits until offset after the start of the load, then does the fault; the fixed schedule
// keeps runs comparable. A fault that cannot be done (a restart that fails) ends the test.
func (l *load) at(offset time.Duration, what string, do func() error) {
	l.t.Helper()
	time.Sleep(time.Until(l.start.Add(offset)))
	f := fault{what: what, from: time.Now()}
	require.NoError(l.t, do(), what)
	f.to = time.Now()
	l.faults = append(l.faults, f)
}

// wait lets the writers finish their keys (the drain) and describes the faults for the log.
func (l *load) wait() {
	l.done.Wait()
	l.stop()
	var b strings.Builder
	for _, f := range l.faults {
		fmt.Fprintf(&b, "\n  %+.2fs to %+.2fs  %s", f.from.Sub(l.start).Seconds(), f.to.Sub(l.start).Seconds(), f.what)
	}
	l.t.Logf("script %d, load for %.0fs, drained by %+.2fs; faults:%s", l.scriptID, l.end.Sub(l.start).Seconds(),
		time.Since(l.start).Seconds(), b.String())
}

func (l *load) keys() []*key {
	var all []*key
	for _, w := range l.writers {
		all = append(all, w.keys...)
	}
	return all
}

// afterFault says whether the i-th attempt of k was sent after a fault that an earlier attempt of k
// lived through: that attempt's process or database died under it. After a client timeout an
// earlier attempt may still be running on the server, and the key rightly in use: not counted.
func (l *load) afterFault(k *key, i int) bool {
	if slices.ContainsFunc(k.attempts[:i], attempt.timedOut) {
		return false
	}
	for _, f := range l.faults {
		if !k.attempts[i].start.After(f.from) {
			continue
		}
		for _, a := range k.attempts[:i] {
			if !a.start.After(f.to) && !a.end.Before(f.from) {
				return true
			}
		}
	}
	return false
}
