package pgcluster

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestBinariesMissing(t *testing.T) {
	t.Setenv("FOUNTAIN_PG_BIN", t.TempDir())
	_, err := Start(t.Context(), Options{DataDir: filepath.Join(t.TempDir(), "pg")})
	if !errors.Is(err, ErrBinariesMissing) {
		t.Fatalf("got %v, want ErrBinariesMissing", err)
	}
	if !strings.Contains(err.Error(), "apt-get install -y postgresql") {
		t.Errorf("error does not say how to install: %v", err)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		less bool
	}{{"9.6", "15", true}, {"15", "16", true}, {"16", "15", false}, {"10", "9.6", false}} {
		if got := compareVersions(tc.a, tc.b) < 0; got != tc.less {
			t.Errorf("compareVersions(%s, %s) < 0 = %v", tc.a, tc.b, got)
		}
	}
}
