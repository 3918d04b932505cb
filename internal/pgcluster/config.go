package pgcluster

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Initialising a cluster and writing the settings this package owns.

const (
	// confFile holds the settings this package owns. postgresql.conf includes it, so a server
	// started by hand with pg_ctl gets the same port and listen address as one started from Go.
	confFile    = "fountain.conf"
	includeLine = "include_if_exists = '" + confFile + "'"
)

func (c *Cluster) initdb(ctx context.Context, throwaway bool) error {
	c.logger.Info("initialising PostgreSQL cluster", "bindir", c.binDir)
	args := []string{"-D", c.dataDir, "--username=" + Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C"}
	if throwaway {
		args = append(args, "--no-sync")
	}
	return c.run(ctx, "initdb", args...)
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
