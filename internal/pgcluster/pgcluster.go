// Package pgcluster runs a private PostgreSQL server from the server binaries installed on the
// machine, so that the dev server and the test suite work without a database someone has to
// provision first. It is a development tool, not a deployment one: clusters listen on 127.0.0.1
// only and trust every connection made there.
package pgcluster

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Superuser is the role initdb creates; every cluster is reached as this role, without a password.
const Superuser = "fountain"

const (
	// confFile holds the settings this package owns. postgresql.conf includes it, so a server
	// started by hand with pg_ctl gets the same port and listen address as one started from Go.
	confFile    = "fountain.conf"
	includeLine = "include_if_exists = '" + confFile + "'"
	logFile     = "fountain-server.log"
	// logRotateSize keeps the log of a long-lived dev cluster from growing without bound; only
	// one previous generation is kept.
	logRotateSize = 16 << 20

	readyTimeout = 30 * time.Second
	// pgCtlTimeout is how long pg_ctl waits for a start or stop; crash recovery on a big dev
	// cluster can take longer than the 60 s default, so be generous.
	pgCtlTimeout = 120 * time.Second
)

// ErrDataDirUnreachable is returned (wrapped) when running as root and the unprivileged server user
// cannot reach the data directory, e.g. one under a 0700 home directory.
var ErrDataDirUnreachable = errors.New("data directory unreachable for the server user")

// ErrBinariesMissing is returned (wrapped) when no PostgreSQL server binaries can be found. The
// message carries the install command because the person reading it is usually a developer who
// just cloned the repository.
var ErrBinariesMissing = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install them with `" +
	installCommand() + "`, or set FOUNTAIN_PG_BIN to the directory holding them")

func installCommand() string {
	if os.Geteuid() == 0 {
		return "apt-get install -y postgresql"
	}
	return "sudo apt-get install -y postgresql"
}

// Options says where the cluster lives and how it is tuned.
type Options struct {
	// DataDir is the cluster directory; it is created and initialised if missing, and also holds
	// the server log.
	DataDir string
	// Port is the TCP port on 127.0.0.1. 0 picks a free port on first start and keeps it, so
	// that URLs a developer saved keep working; if the kept port has been taken meanwhile, a new
	// one is picked.
	Port int
	// BinDir holds initdb, pg_ctl and postgres. "" discovers them: $FOUNTAIN_PG_BIN, then the
	// Debian directory matching the cluster's version, then the highest
	// /usr/lib/postgresql/*/bin, then initdb on PATH.
	BinDir string
	// Database is created if missing; default "fountain".
	Database string
	// Throwaway trades durability for speed (no fsync) and allows more connections, for test
	// clusters whose content nobody needs after a crash.
	Throwaway bool
	Logger    *slog.Logger
}

// Cluster is a running server, started by this process or found already running on the data
// directory.
type Cluster struct {
	dataDir  string
	binDir   string
	port     int
	database string
	owner    *osUser // the OS user the server runs as; nil: the current user
	logger   *slog.Logger
	// throwaway is Options.Throwaway, kept so that Restart writes the settings Start wrote.
	throwaway bool

	mu sync.Mutex
	// started records that this process started the server, so that Stop never takes down a
	// server somebody else relies on.
	started bool
}

// osUser is the unprivileged account PostgreSQL runs as when we are root, since initdb, pg_ctl and
// postgres all refuse to run as root.
type osUser struct {
	name     string
	uid, gid uint32
	groups   []uint32
	home     string
}

// Start brings up the cluster in o.DataDir, initialising it first if needed. If a server is
// already running on that directory it is reused rather than fought over, and Stop on the
// returned Cluster leaves it running.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is empty")
	}
	dataDir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	c := &Cluster{dataDir: dataDir, database: o.Database, logger: o.Logger, throwaway: o.Throwaway}
	if c.database == "" {
		c.database = "fountain"
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	c.logger = c.logger.With("datadir", dataDir)
	if c.owner, err = serverUser(); err != nil {
		return nil, err
	}

	// A running server needs no binaries, so look for one before insisting on them.
	reused, err := c.reuseRunning(ctx)
	if err != nil {
		return nil, err
	}
	if reused {
		c.logger.Info("reusing running PostgreSQL server", "port", c.port)
		if err := c.ensureDatabase(ctx); err != nil {
			return nil, err
		}
		return c, nil
	}

	if c.binDir, err = findBinDir(o.BinDir, dataDir); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.prepareDir(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := c.initdb(ctx, o.Throwaway); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}

	err = c.startServer(ctx, o)
	if err == nil {
		if err = c.waitReady(ctx); err != nil {
			err = fmt.Errorf("pgcluster: %w\n%s", err, c.logTail(0))
		}
	}
	if err == nil {
		err = c.ensureDatabase(ctx)
	}
	if err != nil {
		// Do not leave behind a server nobody holds a handle to.
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pgCtlTimeout)
		defer cancel()
		if stopErr := c.Stop(stopCtx); stopErr != nil {
			c.logger.Warn("stopping PostgreSQL after failed start", "err", stopErr)
		}
		return nil, err
	}
	c.logger.Info("started PostgreSQL server", "port", c.port, "bindir", c.binDir)
	return c, nil
}

// StartTemp starts a throwaway cluster in a fresh directory under os.TempDir() (o.DataDir is
// ignored; Throwaway is forced on). Callers should Remove it when done.
func StartTemp(ctx context.Context, o Options) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "fountain-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	o.DataDir, o.Throwaway = dir, true
	c, err := Start(ctx, o)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// URL is the connection string for the cluster's database, as the superuser.
func (c *Cluster) URL() string { return c.urlFor(c.database) }

// DataDir is the absolute path of the cluster directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// ShutdownMode is how pg_ctl stops a server.
type ShutdownMode string

const (
	// FastShutdown ends every session, rolling back the transactions in progress, and writes a
	// checkpoint: the clean stop.
	FastShutdown ShutdownMode = "fast"
	// ImmediateShutdown ends every server process at once, without a checkpoint, as a crash
	// would: the next start recovers from the WAL.
	ImmediateShutdown ShutdownMode = "immediate"
)

// Stop shuts the server down if this process started it; a reused server is left running
// because whoever started it still relies on it. Stop is idempotent.
func (c *Cluster) Stop(ctx context.Context) error { return c.StopWith(ctx, FastShutdown) }

// StopWith is Stop in the given mode; fault tests use ImmediateShutdown to crash the database
// under load and Restart to bring it back.
func (c *Cluster) StopWith(ctx context.Context, mode ShutdownMode) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started {
		return nil
	}
	if err := c.pgCtlStop(ctx, mode); err != nil {
		return err
	}
	c.started = false
	c.logger.Info("stopped PostgreSQL server", "mode", mode)
	return nil
}

// Restart starts a server this Cluster stopped again, on the same data directory and port, so
// that the URLs its clients hold keep working.
func (c *Cluster) Restart(ctx context.Context) error {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if started {
		return errors.New("pgcluster: Restart of a server that is running")
	}
	if c.binDir == "" {
		return errors.New("pgcluster: Restart of a server this process did not start")
	}
	if err := c.startServer(ctx, Options{Port: c.port, Throwaway: c.throwaway}); err != nil {
		return err
	}
	if err := c.waitReady(ctx); err != nil {
		return fmt.Errorf("pgcluster: %w\n%s", err, c.logTail(0))
	}
	c.logger.Info("restarted PostgreSQL server", "port", c.port)
	return nil
}

// Remove stops the server and deletes the data directory. It refuses to delete the directory of
// a reused server that is still running, which would pull the files from under it.
func (c *Cluster) Remove(ctx context.Context) error {
	if err := c.Stop(ctx); err != nil {
		// The data is about to be deleted anyway, so there is nothing left to shut down cleanly.
		c.logger.Warn("fast shutdown failed, trying immediate", "err", err)
		c.mu.Lock()
		err = c.pgCtlStop(ctx, ImmediateShutdown)
		if err == nil {
			c.started = false
		}
		c.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if pid, _, err := readPidFile(c.dataDir); err == nil && postmasterAlive(pid, c.dataDir) {
		return fmt.Errorf("pgcluster: not removing %s: a server this process did not start (pid %d) still runs on it", c.dataDir, pid)
	}
	if err := os.RemoveAll(c.dataDir); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

func (c *Cluster) urlFor(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(Superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// serverUser returns the account to run PostgreSQL as: nil (ourselves) unless we are root.
func serverUser() (*osUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: PostgreSQL refuses to run as root and there is no \"postgres\" OS user to run it as "+
			"(create one with `useradd --system --home-dir /var/lib/postgresql postgres`, or run as a normal user): %w", err)
	}
	o := &osUser{name: u.Username, home: u.HomeDir}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgcluster: postgres user: %w", err)
	}
	o.uid, o.gid = uint32(uid), uint32(gid)
	gids, _ := u.GroupIds()
	for _, g := range gids {
		if n, err := strconv.ParseUint(g, 10, 32); err == nil {
			o.groups = append(o.groups, uint32(n))
		}
	}
	if st, err := os.Stat(o.home); err != nil || !st.IsDir() {
		o.home = "/"
	}
	return o, nil
}

// BinDir is the directory of the server binaries the cluster runs, where pgbench and psql live too.
func (c *Cluster) BinDir() string { return c.binDir }

// FindBinDir locates the installed server binaries the way Start does for a new cluster.
func FindBinDir() (string, error) { return findBinDir("", "") }

// findBinDir locates initdb, pg_ctl and postgres. An existing cluster's own major version wins
// over the newest installed one, since a server refuses data files of another major version.
func findBinDir(explicit, dataDir string) (string, error) {
	if explicit != "" {
		return checkBinDir(explicit, "Options.BinDir")
	}
	if env := os.Getenv("FOUNTAIN_PG_BIN"); env != "" {
		return checkBinDir(env, "FOUNTAIN_PG_BIN")
	}
	if v, err := os.ReadFile(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		dir := filepath.Join("/usr/lib/postgresql", strings.TrimSpace(string(v)), "bin")
		if hasBinaries(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { // highest version first
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a)))
	})
	for _, dir := range dirs {
		if hasBinaries(dir) {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if dir := filepath.Dir(p); hasBinaries(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w (looked in $FOUNTAIN_PG_BIN, /usr/lib/postgresql/*/bin and PATH)", ErrBinariesMissing)
}

func checkBinDir(dir, source string) (string, error) {
	if !hasBinaries(dir) {
		return "", fmt.Errorf("%w (%s=%s lacks them)", ErrBinariesMissing, source, dir)
	}
	return filepath.Abs(dir)
}

func hasBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// compareVersions orders "9.6" before "15" before "16", which string order would not.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return strings.Compare(a, b)
}

// prepareDir creates the data directory and, when running as root, hands it to the server's user.
func (c *Cluster) prepareDir() error {
	if c.owner != nil {
		if err := checkTraversable(c.dataDir, c.owner); err != nil {
			return err
		}
	}
	// Parents get 0755 (less the umask) so that the server's user can pass through them.
	if err := os.MkdirAll(filepath.Dir(c.dataDir), 0o755); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.Mkdir(c.dataDir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if c.owner == nil {
		return nil
	}
	// Parents just created follow the umask, so check again now that they exist.
	if err := checkTraversable(c.dataDir, c.owner); err != nil {
		return err
	}
	st, err := os.Stat(c.dataDir)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid == c.owner.uid {
		return nil
	}
	// Only walk the tree when the top is foreign: a big dev cluster has many files.
	err = filepath.WalkDir(c.dataDir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(c.owner.uid), int(c.owner.gid))
	})
	if err != nil {
		return fmt.Errorf("pgcluster: giving %s to the %s user: %w", c.dataDir, c.owner.name, err)
	}
	return nil
}

// checkTraversable fails early with advice when the server's user cannot reach the data
// directory, instead of letting initdb or postgres fail with a bare "permission denied" later.
func checkTraversable(dataDir string, u *osUser) error {
	existing := dataDir
	for {
		if _, err := os.Stat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return nil
		}
		existing = parent
	}
	resolved, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	realData, _ := filepath.EvalSymlinks(dataDir)
	for dir := resolved; ; dir = filepath.Dir(dir) {
		// The data directory itself is chowned to the server's user later.
		if dir != realData {
			st, err := os.Stat(dir)
			if err != nil {
				return fmt.Errorf("pgcluster: %w", err)
			}
			if sys, ok := st.Sys().(*syscall.Stat_t); ok && !canSearch(sys, u) {
				return fmt.Errorf("pgcluster: %w: data directory %s is unusable: PostgreSQL refuses to run as root, so it runs as the %q OS user, "+
					"which cannot enter %s (mode %04o, owner uid %d); use a data directory elsewhere (for instance under /var/tmp), "+
					"or set FOUNTAIN_DATABASE_URL to use an existing server", ErrDataDirUnreachable, dataDir, u.name, dir, st.Mode().Perm(), sys.Uid)
			}
		}
		if parent := filepath.Dir(dir); parent == dir {
			return nil
		}
	}
}

// canSearch applies the kernel's rule for directory search permission (ACLs aside): the owner
// bits alone decide for the owner, the group bits for group members, the other bits for the rest.
func canSearch(st *syscall.Stat_t, u *osUser) bool {
	switch {
	case st.Uid == u.uid:
		return st.Mode&0o100 != 0
	case st.Gid == u.gid || slices.Contains(u.groups, st.Gid):
		return st.Mode&0o010 != 0
	default:
		return st.Mode&0o001 != 0
	}
}

// command builds an invocation of a PostgreSQL binary, dropping to the server's user when we are
// root. The environment is rebuilt from scratch so that the caller's PGDATA, PGPORT and friends
// cannot point the tools at another cluster.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	cmd.Dir = "/" // our working directory may be closed to the server's user
	// On cancellation ask politely first: initdb then removes what it created, and pg_ctl's
	// server keeps starting, to be stopped by the caller's cleanup.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	home, username := os.Getenv("HOME"), os.Getenv("USER")
	if c.owner != nil {
		home, username = c.owner.home, c.owner.name
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
			Uid: c.owner.uid, Gid: c.owner.gid, Groups: c.owner.groups,
		}}
	}
	if home == "" {
		home = "/"
	}
	cmd.Env = []string{
		"PATH=" + c.binDir + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + home,
		"USER=" + username,
		"LOGNAME=" + username,
		"LC_ALL=C",
	}
	if tz, ok := os.LookupEnv("TZ"); ok {
		cmd.Env = append(cmd.Env, "TZ="+tz)
	}
	return cmd
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	out, err := c.command(ctx, name, args...).CombinedOutput()
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("pgcluster: %s interrupted: %w", name, context.Cause(ctx))
	}
	if err != nil {
		return fmt.Errorf("pgcluster: %s %s: %w\n%s", name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

func (c *Cluster) initdb(ctx context.Context, throwaway bool) error {
	c.logger.Info("initialising PostgreSQL cluster", "bindir", c.binDir)
	args := []string{"-D", c.dataDir, "--username=" + Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C"}
	if throwaway {
		args = append(args, "--no-sync")
	}
	return c.run(ctx, "initdb", args...)
}

// startServer writes this start's settings and runs pg_ctl start. When the port was picked here
// and another process grabbed it before the server bound it, it retries with a new one.
func (c *Cluster) startServer(ctx context.Context, o Options) error {
	// A postmaster.pid left by a crash or a reboot stops pg_ctl only when its pid now belongs to
	// another process, which is common in containers; reuseRunning already removed dead ones.
	c.rotateLog()
	for attempt := 1; ; attempt++ {
		port, picked, err := c.choosePort(o.Port)
		if err != nil {
			return err
		}
		c.port = port
		if err := c.writeConf(o); err != nil {
			return err
		}
		logPath := filepath.Join(c.dataDir, logFile)
		var logStart int64
		if st, err := os.Stat(logPath); err == nil {
			logStart = st.Size()
		}
		c.mu.Lock()
		// From here on the server may be up even if pg_ctl fails (say ctx expires during its
		// wait), so Stop must try.
		c.started = true
		c.mu.Unlock()
		cmd := c.command(ctx, "pg_ctl", "start", "-D", c.dataDir, "-l", logPath, "-w", "-t", strconv.Itoa(int(pgCtlTimeout.Seconds())), "-s")
		out, err := cmd.CombinedOutput()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("pgcluster: pg_ctl start interrupted: %w", context.Cause(ctx))
		}
		tail := c.logTail(logStart)
		if picked && attempt < 3 && strings.Contains(tail, "Address already in use") {
			c.logger.Warn("port taken while starting, retrying", "port", port)
			continue
		}
		return fmt.Errorf("pgcluster: pg_ctl start: %w\n%s\n%s", err, bytes.TrimSpace(out), tail)
	}
}

// choosePort returns the port to start on and whether it was picked here (rather than asked
// for), in which case a collision is worth a retry.
func (c *Cluster) choosePort(want int) (port int, picked bool, err error) {
	if want != 0 {
		return want, false, nil
	}
	if kept := keptPort(c.dataDir); kept != 0 {
		if portFree(kept) {
			return kept, true, nil
		}
		c.logger.Warn("kept port is taken, picking another", "port", kept)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, false, fmt.Errorf("pgcluster: picking a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, true, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// keptPort reads the port the previous start wrote into the cluster's configuration.
func keptPort(dataDir string) int {
	data, err := os.ReadFile(filepath.Join(dataDir, confFile))
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), "=")
		if ok && strings.TrimSpace(key) == "port" {
			if p, err := strconv.Atoi(strings.TrimSpace(val)); err == nil {
				return p
			}
		}
	}
	return 0
}

// writeConf rewrites the settings file on every start, so the cluster follows the Options it is
// started with (a persistent dev cluster started once as Throwaway gets fsync back next time).
func (c *Cluster) writeConf(o Options) error {
	var b strings.Builder
	b.WriteString("# Rewritten by fountain's pgcluster on every start: put your own settings in postgresql.conf\n")
	b.WriteString("# above the include line, or in postgresql.auto.conf (ALTER SYSTEM).\n")
	fmt.Fprintf(&b, "port = %d\n", c.port)
	// TCP on loopback only: unix sockets would need a short, writable socket path, and nothing
	// here should be reachable from the network while every role is trusted.
	b.WriteString("listen_addresses = '127.0.0.1'\n")
	b.WriteString("unix_socket_directories = ''\n")
	if o.Throwaway {
		// Parallel test packages each hold a pool; crash safety is worthless for test data.
		b.WriteString("max_connections = 400\n")
		b.WriteString("fsync = off\n")
		b.WriteString("synchronous_commit = off\n")
		b.WriteString("full_page_writes = off\n")
	} else {
		b.WriteString("max_connections = 200\n")
	}
	path := filepath.Join(c.dataDir, confFile)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.chown(path); err != nil {
		return err
	}
	// Appended once, after initdb or to a cluster initialised elsewhere; later lines win, so
	// these settings override initdb's.
	conf := filepath.Join(c.dataDir, "postgresql.conf")
	data, err := os.ReadFile(conf)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if !bytes.Contains(data, []byte(includeLine)) {
		f, err := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		_, err = fmt.Fprintf(f, "\n# Port, listen address and tuning chosen by fountain's pgcluster.\n%s\n", includeLine)
		if err := errors.Join(err, f.Close()); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	return nil
}

func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	if err := os.Lchown(path, int(c.owner.uid), int(c.owner.gid)); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

func (c *Cluster) rotateLog() {
	path := filepath.Join(c.dataDir, logFile)
	if st, err := os.Stat(path); err == nil && st.Size() > logRotateSize {
		_ = os.Rename(path, path+".1")
	}
}

// logTail returns the end of the server log written since offset, for error messages: pg_ctl
// itself only says that the server did not start.
func (c *Cluster) logTail(offset int64) string {
	data, err := os.ReadFile(filepath.Join(c.dataDir, logFile))
	if err != nil || int64(len(data)) < offset {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data[offset:])), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return "server log (" + filepath.Join(c.dataDir, logFile) + "):\n" + strings.Join(lines, "\n")
}

func (c *Cluster) pgCtlStop(ctx context.Context, mode ShutdownMode) error {
	if pid, _, err := readPidFile(c.dataDir); err != nil || !postmasterAlive(pid, c.dataDir) {
		return nil // already down, perhaps stopped by hand
	}
	err := c.run(ctx, "pg_ctl", "stop", "-D", c.dataDir, "-m", string(mode), "-w", "-t", strconv.Itoa(int(pgCtlTimeout.Seconds())), "-s")
	if err != nil {
		if pid, _, perr := readPidFile(c.dataDir); perr != nil || !postmasterAlive(pid, c.dataDir) {
			return nil // it went down anyway, e.g. on a terminal's SIGINT
		}
	}
	return err
}

// reuseRunning adopts a server already running on the data directory and clears a postmaster.pid
// whose process is gone, which otherwise can block the start.
func (c *Cluster) reuseRunning(ctx context.Context) (bool, error) {
	pidPath := filepath.Join(c.dataDir, "postmaster.pid")
	var pid, port int
	var err error
	// A postmaster that is just starting may not have written its port yet.
	for deadline := time.Now().Add(5 * time.Second); ; {
		pid, port, err = readPidFile(c.dataDir)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("pgcluster: %w", err)
		}
		if !postmasterAlive(pid, c.dataDir) {
			c.logger.Warn("removing stale postmaster.pid", "pid", pid)
			if err := os.Remove(pidPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return false, fmt.Errorf("pgcluster: removing stale %s: %w", pidPath, err)
			}
			return false, nil
		}
		if port != 0 || time.Now().After(deadline) {
			break
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return false, err
		}
	}
	if port == 0 {
		return false, fmt.Errorf("pgcluster: a server (pid %d) runs on %s but its postmaster.pid names no port", pid, c.dataDir)
	}
	c.port = port
	if err := c.waitReady(ctx); err != nil {
		return false, fmt.Errorf("pgcluster: a server (pid %d) runs on %s but does not answer on 127.0.0.1:%d: %w", pid, c.dataDir, port, err)
	}
	return true, nil
}

// readPidFile returns the postmaster's pid and port from postmaster.pid (lines 1 and 4).
func readPidFile(dataDir string) (pid, port int, err error) {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, 0, err
	}
	lines := strings.Split(string(data), "\n")
	pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	if len(lines) > 3 {
		port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	return pid, port, nil
}

// postmasterAlive says whether pid is the server running on dataDir. After a reboot or container
// restart the pid in a stale postmaster.pid often belongs to an unrelated process, so /proc is
// consulted where it allows.
func postmasterAlive(pid int, dataDir string) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	// "pid (comm) state ...". A zombie counts as gone: pg_ctl daemonises the postmaster, so a
	// dead one waits for init to reap it, which some container inits do lazily.
	lp, rp := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if lp < 0 || rp < lp || len(stat) < rp+3 {
		return true
	}
	name, state := string(stat[lp+1:rp]), stat[rp+2]
	if (name != "postgres" && name != "postmaster") || state == 'Z' {
		return false
	}
	// The pid may also have gone to another cluster's server; a postmaster works in its data
	// directory. The link is unreadable for other users' processes, then the name must do.
	cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	if err != nil {
		return true
	}
	resolved, err := filepath.EvalSymlinks(dataDir)
	return err != nil || cwd == resolved
}

// waitReady connects until the server accepts sessions: pg_ctl -w reports the postmaster ready
// slightly before a fresh or recovering cluster accepts connections in every case.
func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		attemptCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
		conn, err := pgx.Connect(attemptCtx, c.urlFor("postgres"))
		if err == nil {
			err = conn.Ping(attemptCtx)
			_ = conn.Close(attemptCtx)
		}
		cancel()
		if err == nil {
			return nil
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "28") || pgErr.Code == "3D000") {
			return err // wrong role or no such database: waiting will not help
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v: %w", readyTimeout, err)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

func (c *Cluster) ensureDatabase(ctx context.Context) error {
	if c.database == "postgres" {
		return nil
	}
	conn, err := pgx.Connect(ctx, c.urlFor("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	var exists bool
	if err := conn.QueryRow(ctx, "select exists (select 1 from pg_database where datname = $1)", c.database).Scan(&exists); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "create database "+pgx.Identifier{c.database}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" {
		return nil // created concurrently by another process sharing the cluster
	}
	if err != nil {
		return fmt.Errorf("pgcluster: creating database %q: %w", c.database, err)
	}
	c.logger.Info("created database", "database", c.database)
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
