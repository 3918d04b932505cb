package scripts_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/scripts"
	"github.com/fountainai/fountainai/services/sequence"
)

// TestConcurrentSectionsAcrossReplicas adds sections to one script from 32 clients through two
// instances of the service (each with its own pool and its own in-process sequence service) on one
// database: the positions must be exactly 1..N, and every section must be listed with its own.
func TestConcurrentSectionsAcrossReplicas(t *testing.T) {
	t.Parallel()
	const clients, perClient = 32, 8
	url := dbtest.New(t)
	var replicas []*scriptsapi.ClientWithResponses
	for range 2 {
		replica := apitest.NewEnvWith(t, apitest.Options{Pool: dbtest.PoolFor(t, url, 8)}, sequence.Service(), scripts.Service())
		replicas = append(replicas, replica.Scripts)
	}
	s := createScript(t, replicas[0], "Romeo and Juliet")

	numbers := make(map[int64]int64) // heading id -> number it was created with
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, clients*perClient)
	for w := range clients {
		wg.Go(func() {
			c := replicas[w%2]
			for i := range perClient {
				resp, err := c.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, scriptsapi.SectionHeadingCreateRequest{Title: fmt.Sprintf("Scene %d.%d", w, i)})
				if err != nil || resp.StatusCode() != http.StatusCreated {
					errs <- fmt.Errorf("client %d section %d: %v %s", w, i, err, resp.Body)
					return
				}
				mu.Lock()
				numbers[resp.JSON201.HeadingId] = resp.JSON201.SequenceNumber
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	const n = clients * perClient
	var got []int64
	for _, number := range numbers {
		got = append(got, number)
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	want := make([]int64, n)
	for i := range want {
		want[i] = int64(i + 1)
	}
	require.Equal(t, want, got, "positions are unique and dense")

	for _, c := range replicas {
		items := listSections(t, c, s.ScriptId)
		require.Len(t, items, n)
		for i, h := range items {
			require.EqualValues(t, i+1, h.SequenceNumber)
			require.Equal(t, numbers[h.HeadingId], h.SequenceNumber, "heading %d", h.HeadingId)
		}
	}
}

// TestConcurrentPatchesWithIfMatch sends one PATCH per client, all with the same If-Match, through
// two instances: exactly one wins, the others get 412 and change nothing.
func TestConcurrentPatchesWithIfMatch(t *testing.T) {
	t.Parallel()
	const clients = 16
	url := dbtest.New(t)
	var replicas []*scriptsapi.ClientWithResponses
	for range 2 {
		replica := apitest.NewEnvWith(t, apitest.Options{Pool: dbtest.PoolFor(t, url, 8)}, sequence.Service(), scripts.Service())
		replicas = append(replicas, replica.Scripts)
	}
	s := createScript(t, replicas[0], "Romeo and Juliet")
	h := addSection(t, replicas[0], s.ScriptId, "Act 1")

	for _, target := range []string{"script", "section"} {
		statuses := make([]int, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Go(func() {
				c := replicas[i%2]
				title := fmt.Sprintf("Title by client %d", i)
				if target == "script" {
					resp, err := c.UpdateScriptWithResponse(bg, s.ScriptId, &scriptsapi.UpdateScriptParams{IfMatch: new(`"1"`)}, scriptsapi.ScriptUpdateRequest{Title: &title})
					if err == nil {
						statuses[i] = resp.StatusCode()
					}
					return
				}
				resp, err := c.PatchSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, &scriptsapi.PatchSectionHeadingParams{IfMatch: new(`"1"`)}, scriptsapi.SectionHeadingUpdateRequest{Title: &title})
				if err == nil {
					statuses[i] = resp.StatusCode()
				}
			})
		}
		wg.Wait()
		won, lost := 0, 0
		for _, st := range statuses {
			switch st {
			case http.StatusOK:
				won++
			case http.StatusPreconditionFailed:
				lost++
			}
		}
		require.Equal(t, 1, won, "%s: exactly one PATCH wins: %v", target, statuses)
		require.Equal(t, clients-1, lost, "%s: the others get 412: %v", target, statuses)
	}
	got, err := replicas[1].GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.EqualValues(t, 2, got.JSON200.Version, "one change only")
	sec, err := replicas[1].GetSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId)
	require.NoError(t, err)
	require.EqualValues(t, 2, sec.JSON200.Version)
}
