// Package faults_test proves, with real processes and a real PostgreSQL, the promise FountainAI
// makes to a client that retries (DESIGN.md, invariants 1, 4 and 5): every acknowledged write is
// stored exactly once; no element is without its story position, and no story position of a
// content-owned element without its element; the positions of a script are distinct and dense;
// every Idempotency-Key replays its first answer. Jepsen-style: clients write spoken words while a
// fixed schedule of faults hits the system (kill -9 of a fountain process, PostgreSQL restarted and
// crashed, a peer frozen), and then the test, as the oracle, reads the database itself.
package faults_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/pgcluster"
	"github.com/fountainai/fountainai/internal/subprocess"
)

// down is how long a killed fountain process stays dead before it is started again.
const down = time.Second

func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The scenarios run one after the other: they share the cluster, and one of them stops it.
	var reports []report
	for _, s := range []struct {
		name string
		run  func(*testing.T, *harness) report
	}{
		{"kill", killServe},
		{"postgres", restartPostgres},
		{"split", splitShape},
	} {
		t.Run(s.name, func(t *testing.T) { reports = append(reports, s.run(t, h)) })
	}
	logTable(t, reports)
}

// killServe: `fountain serve` killed with SIGKILL four times under load, started again a second
// later each time.
func killServe(t *testing.T, h *harness) report {
	addr, err := subprocess.FreeAddr()
	require.NoError(t, err)
	f := h.serve(t, "fountain serve", nil, addr, nil)
	l := startLoad(t, "kill", f.url(), f.url(), 10*time.Second)
	for _, at := range []time.Duration{1500 * time.Millisecond, 3500 * time.Millisecond, 5500 * time.Millisecond, 7500 * time.Millisecond} {
		l.at(at, "kill -9 fountain serve, start again 1 s later", func() error {
			f.kill()
			time.Sleep(down)
			return f.start()
		})
	}
	return verify(t, l, h.cluster.URL())
}

// restartPostgres: under load on `fountain serve`, PostgreSQL is restarted cleanly, then crashes
// (immediate stop) and stays down for four seconds.
func restartPostgres(t *testing.T, h *harness) report {
	addr, err := subprocess.FreeAddr()
	require.NoError(t, err)
	f := h.serve(t, "fountain serve", nil, addr, nil)
	l := startLoad(t, "postgres", f.url(), f.url(), 12*time.Second)
	ctx := t.Context()
	l.at(2*time.Second, "PostgreSQL fast restart", func() error {
		if err := h.cluster.StopWith(ctx, pgcluster.FastShutdown); err != nil {
			return err
		}
		return h.cluster.Restart(ctx)
	})
	l.at(5*time.Second, "PostgreSQL crash (immediate stop), down 4 s", func() error {
		if err := h.cluster.StopWith(ctx, pgcluster.ImmediateShutdown); err != nil {
			return err
		}
		time.Sleep(4 * time.Second)
		return h.cluster.Restart(ctx)
	})
	return verify(t, l, h.cluster.URL())
}

// splitShape: every service in its own process, the writers going to the characters process.
// The sequence process is killed twice and started again; the scripts process is frozen for
// longer than the peer timeout.
func splitShape(t *testing.T, h *harness) report {
	// A frozen peer must cost a request one second, not the default five.
	procs := h.split(t, time.Second)
	sequence, scripts := procs["sequence"], procs["scripts"]
	l := startLoad(t, "split", scripts.url(), procs["characters"].url(), 12*time.Second)
	for _, at := range []time.Duration{2 * time.Second, 4500 * time.Millisecond} {
		l.at(at, "kill -9 sequence, start again 1 s later", func() error {
			sequence.kill()
			time.Sleep(down)
			return sequence.start()
		})
	}
	l.at(7*time.Second, "SIGSTOP scripts for 3 s (peer timeout 1 s), then SIGCONT", func() error {
		if err := scripts.freeze(); err != nil {
			return err
		}
		time.Sleep(3 * time.Second)
		return scripts.thaw()
	})
	return verify(t, l, h.cluster.URL())
}
