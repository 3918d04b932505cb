package sequence_test

import (
	"bytes"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/sequence"
)

// BenchmarkGenerateSequenceNumber measures allocations in one scope through the whole HTTP stack,
// with b.RunParallel's goroutines as concurrent clients (-cpu sets how many). The test cluster runs
// without fsync; `make bench` measures with durable commits.
func BenchmarkGenerateSequenceNumber(b *testing.B) {
	srv := apitest.NewServer(b, dbtest.PoolFor(b, dbtest.New(b), 32), sequence.Service())
	client := srv.Client()
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Appendf(nil, `{"elementType":"spokenWord","elementId":%d,"scriptId":1,"scope":"draft"}`, next.Add(1))
			resp, err := client.Post(srv.URL+"/sequence", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
