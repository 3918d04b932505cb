package pgcluster

import (
	"context"
	"fmt"
	"os"
)

// TestURLEnv names the variable that points the tests at a PostgreSQL server, as a postgres:// URL
// of a role allowed to create databases: withpg sets it for the command it runs, and dbtest reads
// it, starting a throwaway cluster of its own when it is unset.
const TestURLEnv = "FOUNTAIN_TEST_DATABASE_URL"

// StartTemp starts a throwaway cluster in a fresh directory under os.TempDir() (o.DataDir is
// ignored; Throwaway is forced on). It is how both withpg and dbtest get their cluster; callers
// Remove it when done.
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
