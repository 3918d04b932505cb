package pgcluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUntraversableDataDirAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root hands the data dir to another user")
	}
	// t.TempDir's own parent has mode 0700 and is owned by root.
	parent := filepath.Dir(t.TempDir())
	_, err := Start(t.Context(), Options{DataDir: filepath.Join(parent, "001", "pg")})
	if err == nil || !strings.Contains(err.Error(), "cannot enter "+parent) || !strings.Contains(err.Error(), "FOUNTAIN_DATABASE_URL") {
		t.Fatalf("got %v, want an error naming %s and suggesting FOUNTAIN_DATABASE_URL", err, parent)
	}
}
