package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Finding the PostgreSQL server binaries installed on the machine.

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
