package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Running the PostgreSQL binaries: starting and stopping the server, finding one already running
// on the data directory, and its log.

const (
	logFile = "fountain-server.log"
	// logRotateSize keeps the log of a long-lived dev cluster from growing without bound; only
	// one previous generation is kept.
	logRotateSize = 16 << 20
	// pgCtlTimeout is how long pg_ctl waits for a start or stop; crash recovery on a big dev
	// cluster can take longer than the 60 s default, so be generous.
	pgCtlTimeout = 120 * time.Second
)

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
