package stories_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/storytest"
	"github.com/fountainai/fountainai/services"
)

// BenchmarkStory5000 reads a 5,000-element story in one call through the whole stack of one process
// (the in-process calls to the other services included), up to the last byte of the answer;
// `go test -bench Story -cpuprofile` shows where the time goes.
func BenchmarkStory5000(b *testing.B) {
	const n = 5000
	all := services.All()
	srv := apitest.NewServer(b, dbtest.PoolFor(b, dbtest.New(b), 16), all...)
	c := apitest.NewClients(b, srv.URL, http.DefaultClient)
	ctx := context.Background()
	s, err := c.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "long"})
	if err != nil || s.JSON201 == nil {
		b.Fatalf("create script: %v", err)
	}
	script := s.JSON201.ScriptId
	var cast []int64
	for _, name := range storytest.Characters {
		ch, err := c.Characters.CreateCharacterWithResponse(ctx, nil, charactersCreate(name))
		if err != nil || ch.JSON201 == nil {
			b.Fatalf("create character: %v", err)
		}
		cast = append(cast, ch.JSON201.CharacterId)
	}
	e := env{apitest.Env{Clients: c}}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < n; i += 16 {
				if _, _, err := writeElement(ctx, e, script, cast, i); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.Stories.GetFullStory(ctx, &storiesapi.GetFullStoryParams{ScriptId: script, Limit: new(n)})
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		_ = resp.Body.Close()
		// Only the answer is measured; decoding it is the client's work.
		b.StopTimer()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		r, err := storiesapi.ParseGetFullStoryResponse(resp)
		if err != nil || r.JSON200 == nil || len(r.JSON200.Story) != n {
			b.Fatalf("story: %v %d %.300s", err, r.StatusCode(), r.Body)
		}
		b.StartTimer()
	}
}
