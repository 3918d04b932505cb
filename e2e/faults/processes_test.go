package faults_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/pgcluster"
	"github.com/fountainai/fountainai/internal/subprocess"
	"github.com/fountainai/fountainai/services"
)

// readyTimeout only detects a process that will never be ready; a start normally takes well under a
// second.
const readyTimeout = 30 * time.Second

// harness is what every scenario shares: the test's own PostgreSQL cluster, which scenarios stop
// and crash, and the fountain binary, built once.
type harness struct {
	cluster *pgcluster.Cluster
	bin     string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := t.Context()
	// Not dbtest's shared server: this test takes its database down, and other packages' tests
	// must not feel it.
	cluster, err := pgcluster.StartTemp(ctx, pgcluster.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := cluster.Remove(ctx); err != nil {
			t.Errorf("remove cluster: %v", err)
		}
	})
	// A throwaway cluster commits asynchronously, so a crash of PostgreSQL loses the last
	// acknowledged commits by design of the cluster, not of FountainAI. Production waits for the
	// WAL; so does this test. (fsync stays off: the machine does not crash, only the server.)
	conn, err := pgx.Connect(ctx, cluster.URL())
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "ALTER SYSTEM SET synchronous_commit = on")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SELECT pg_reload_conf()")
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))

	bin, err := subprocess.BuildFountain(t.TempDir())
	require.NoError(t, err)
	// Migrated once here, so that no start during a scenario migrates.
	out, err := exec.CommandContext(ctx, bin, "migrate", "--database-url", cluster.URL(), "--log-level", "warn", "--ship-logs=false").CombinedOutput()
	require.NoError(t, err, "fountain migrate: %s", out)
	return &harness{cluster: cluster, bin: bin}
}

// split starts every service in a process of its own, each reaching the others at their addresses,
// by service name, each call to another bounded by peerTimeout.
func (h *harness) split(t *testing.T, peerTimeout time.Duration) map[string]*fountain {
	t.Helper()
	all := services.All()
	addrs := map[string]string{}
	for _, s := range all {
		addr, err := subprocess.FreeAddr()
		require.NoError(t, err)
		addrs[s.Name] = addr
	}
	procs := map[string]*fountain{}
	for _, s := range all {
		var env []string
		for _, peer := range all {
			if peer.Name != s.Name {
				env = append(env, app.PeerURLEnv(peer.Name)+"=http://"+addrs[peer.Name])
			}
		}
		procs[s.Name] = h.serve(t, s.Name, env, addrs[s.Name], []string{"--peer-timeout", peerTimeout.String()}, s.Name)
	}
	return procs
}

// fountain is one `fountain serve` process of a scenario. A restart runs on the same address, so
// clients and peers find it where they left it.
type fountain struct {
	t    *testing.T
	name string // as the test reports it: "fountain serve", "sequence"…
	bin  string
	args []string
	env  []string
	addr string
	log  *processLog
	proc *subprocess.Process
}

// serve starts `fountain serve` with the services named (all when none) and the extra flags. It is
// stopped, however the test ends, before t's cleanup removes the cluster.
func (h *harness) serve(t *testing.T, name string, env []string, addr string, flags []string, services ...string) *fountain {
	t.Helper()
	args := append([]string{"serve",
		"--addr", addr,
		"--database-url", h.cluster.URL(),
		"--migrate=false",
		"--ship-logs=false",
		"--shutdown-timeout", "1s",
		"--max-conns", "16",
		// Errors only: the cause of a 500 is logged at this level, an expected 503 below it.
		"--log-level", "error",
	}, flags...)
	f := &fountain{t: t, name: name, bin: h.bin, args: append(args, services...), env: env, addr: addr, log: &processLog{out: t.Output()}}
	t.Cleanup(f.stop)
	require.NoError(t, f.start(), "start %s", name)
	return f
}

func (f *fountain) url() string { return "http://" + f.addr }

// start runs the process and waits until it answers /readyz (its database is reachable).
func (f *fountain) start() error {
	cmd := exec.Command(f.bin, f.args...)
	cmd.Env = append(append(environWithoutFountain(), authtest.Env()...), f.env...)
	cmd.Stdout = f.log
	cmd.Stderr = f.log
	p, err := subprocess.Start(cmd)
	if err != nil {
		return err
	}
	f.proc = p
	if err := p.WaitReady(f.url()+"/readyz", readyTimeout); err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	return nil
}

// kill ends the process as a crash would (SIGKILL): no request it runs gets to finish or clean up.
func (f *fountain) kill() { f.proc.Kill() }

// freeze stops the process (SIGSTOP) without closing anything: its connections stay open and
// silent, as those of a process that hangs.
func (f *fountain) freeze() error { return f.proc.Signal(syscall.SIGSTOP) }

func (f *fountain) thaw() error { return f.proc.Signal(syscall.SIGCONT) }

// stop ends the process however the test left it: running, frozen or dead.
func (f *fountain) stop() {
	if f.proc == nil {
		return
	}
	_ = f.thaw()
	f.proc.Stop(5 * time.Second)
}

// environWithoutFountain is the test's environment without FOUNTAIN_ variables, so that a
// developer's own settings (a database URL, a peer URL) cannot reach the processes under test.
func environWithoutFountain() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FOUNTAIN_") {
			env = append(env, kv)
		}
	}
	return env
}

// processLog passes a process's output to the test's, without the line per request: a request
// answered 5xx is logged at error level too, and under faults those are hundreds of expected 503s,
// while the lines that explain a failure (the cause of a 500, a start that failed) are few.
type processLog struct {
	out  io.Writer
	mu   sync.Mutex
	rest []byte // an unfinished line
}

func (p *processLog) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rest = append(p.rest, b...)
	for {
		i := bytes.IndexByte(p.rest, '\n')
		if i < 0 {
			return len(b), nil
		}
		if line := p.rest[:i+1]; !bytes.Contains(line, []byte(`"msg":"request"`)) {
			if _, err := p.out.Write(line); err != nil {
				return 0, err
			}
		}
		p.rest = p.rest[i+1:]
	}
}
