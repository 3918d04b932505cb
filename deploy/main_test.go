// Tests of the operators' files under deploy/: the Prometheus scrape config, alert rules and their
// unit tests (checked by Debian's promtool) and the Grafana dashboard, against the metrics a real
// FountainAI handler exposes.
package deploy_test

import (
	"testing"

	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
)

func TestMain(m *testing.M) {
	authtest.Install() // the processes the tests start accept the credentials their requests carry
	dbtest.Main(m)
}
