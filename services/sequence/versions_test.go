package sequence_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/services/sequence"
)

func TestCreateVersionIdempotencyKey(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	ctx := context.Background()
	body := sequenceapi.VersionRequest{ElementType: sequenceapi.Action, ElementId: 8, NewVersionData: json.RawMessage(`{"text":"Enter ROMEO"}`)}
	key := &sequenceapi.CreateVersionParams{IdempotencyKey: new("retry-1")}

	// Concurrent retries of one request: exactly one version is created, and every answer that is
	// not "still in progress" is the first answer.
	var wg sync.WaitGroup
	versions := make(chan int64, 8)
	for range 8 {
		wg.Go(func() {
			resp, err := c.CreateVersionWithResponse(ctx, key, body)
			if err == nil && resp.StatusCode() == http.StatusCreated {
				versions <- resp.JSON201.VersionNumber
			} else if err == nil && resp.StatusCode() != http.StatusConflict {
				t.Errorf("unexpected %d: %s", resp.StatusCode(), resp.Body)
			}
		})
	}
	wg.Wait()
	close(versions)
	for v := range versions {
		require.EqualValues(t, 1, v)
	}
	replay, err := c.CreateVersionWithResponse(ctx, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, replay.StatusCode())
	require.EqualValues(t, 1, replay.JSON201.VersionNumber)
	require.Equal(t, "true", replay.HTTPResponse.Header.Get("Idempotent-Replayed"))

	list, err := c.ListVersionsWithResponse(ctx, sequenceapi.Action, 8, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, list.JSON200.TotalCount, "a repeated key creates nothing")

	other := body
	other.NewVersionData = json.RawMessage(`{"text":"Exit ROMEO"}`)
	reused, err := c.CreateVersionWithResponse(ctx, key, other)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, reused.StatusCode())
	require.Equal(t, "IDEMPOTENCY_KEY_REUSED", reused.JSON409.ErrorCode)

	fresh, err := c.CreateVersionWithResponse(ctx, &sequenceapi.CreateVersionParams{IdempotencyKey: new("retry-2")}, other)
	require.NoError(t, err)
	require.EqualValues(t, 2, fresh.JSON201.VersionNumber)
}
