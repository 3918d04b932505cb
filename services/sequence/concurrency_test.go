package sequence_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/sequence"
)

// TestConcurrentAllocationAcrossReplicas runs three servers, each with its own pool and allocator,
// on one database: 32 clients make 3,000 allocations in one scope, and the numbers handed out must
// be exactly 1..3000.
func TestConcurrentAllocationAcrossReplicas(t *testing.T) {
	t.Parallel()
	const replicas, clients, total = 3, 32, 3000
	url := dbtest.New(t)
	var servers []*sequenceapi.ClientWithResponses
	for range replicas {
		replica := apitest.NewEnvWith(t, apitest.Options{Pool: dbtest.PoolFor(t, url, 12)}, sequence.Service())
		servers = append(servers, replica.Sequence)
	}

	script := int64(1)
	numbers := make([]int64, total)
	work := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for w := range clients {
		wg.Go(func() {
			c := servers[w%replicas]
			for i := range work {
				typ := []sequenceapi.ElementType{sequenceapi.Action, sequenceapi.SpokenWord, sequenceapi.Transition}[i%3]
				resp, err := c.GenerateSequenceNumberWithResponse(context.Background(), nil, sequenceapi.SequenceRequest{
					ElementType: typ, ElementId: int64(i + 1), ScriptId: &script, Scope: new("draft"),
				})
				if err != nil || resp.StatusCode() != http.StatusCreated {
					select {
					case errs <- fmt.Errorf("allocation %d: %v %s", i, err, resp.Body):
					default:
					}
					continue
				}
				numbers[i] = resp.JSON201.SequenceNumber
			}
		})
	}
	for i := range total {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	seen := make([]bool, total+1)
	for i, n := range numbers {
		require.True(t, n >= 1 && n <= total, "allocation %d got %d, outside 1..%d", i, n, total)
		require.False(t, seen[n], "number %d handed out twice", n)
		seen[n] = true
	}
	list, err := servers[0].ListPositionsWithResponse(context.Background(), &sequenceapi.ListPositionsParams{Scope: "draft", ScriptId: &script, Limit: new(1)})
	require.NoError(t, err)
	require.EqualValues(t, total, list.JSON200.TotalCount, "the scope's kept count")
}

// TestConcurrentVersions writes versions of one element from many clients through two replicas:
// the numbers must be exactly 1..N and every version's data must read back.
func TestConcurrentVersions(t *testing.T) {
	t.Parallel()
	const n = 200
	url := dbtest.New(t)
	var clients []*sequenceapi.ClientWithResponses
	for range 2 {
		replica := apitest.NewEnvWith(t, apitest.Options{Pool: dbtest.PoolFor(t, url, 8)}, sequence.Service())
		clients = append(clients, replica.Sequence)
	}
	got := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			data, _ := json.Marshal(map[string]int{"writer": i})
			resp, err := clients[i%2].CreateVersionWithResponse(context.Background(), nil, sequenceapi.VersionRequest{
				ElementType: sequenceapi.SpokenWord, ElementId: 42, NewVersionData: data,
			})
			if err == nil && resp.JSON201 != nil {
				got[i] = resp.JSON201.VersionNumber
			}
		})
	}
	wg.Wait()
	seen := map[int64]int{}
	for writer, v := range got {
		require.True(t, v >= 1 && v <= n, "writer %d got version %d", writer, v)
		_, dup := seen[v]
		require.False(t, dup, "version %d handed out twice", v)
		seen[v] = writer
	}
	for v, writer := range seen {
		resp, err := clients[0].GetVersionWithResponse(context.Background(), sequenceapi.SpokenWord, 42, v)
		require.NoError(t, err)
		require.JSONEq(t, fmt.Sprintf(`{"writer":%d}`, writer), string(resp.JSON200.Data))
	}
}
