package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
)

// Running as root: PostgreSQL refuses to, so the server runs as the "postgres" OS user, which must
// own the data directory and reach it.

// ErrDataDirUnreachable is returned (wrapped) when running as root and the unprivileged server user
// cannot reach the data directory, e.g. one under a 0700 home directory.
var ErrDataDirUnreachable = errors.New("data directory unreachable for the server user")

// osUser is the unprivileged account PostgreSQL runs as when we are root, since initdb, pg_ctl and
// postgres all refuse to run as root.
type osUser struct {
	name     string
	uid, gid uint32
	groups   []uint32
	home     string
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

func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	if err := os.Lchown(path, int(c.owner.uid), int(c.owner.gid)); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}
