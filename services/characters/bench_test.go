package characters_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
)

// BenchmarkListScriptInOrder reads a script of 5,000 spoken words in story order, 1,000 a page, through
// the whole stack of one process (the in-process call to the sequence service included).
func BenchmarkListScriptInOrder(b *testing.B) {
	const spokenWords, page = 5000, 1000
	srv := apitest.NewServer(b, dbtest.PoolFor(b, dbtest.New(b), 16), allServices(false)...)
	c := apitest.NewClients(b, srv.URL, http.DefaultClient)
	s, err := c.Scripts.CreateScriptWithResponse(bg, nil, scriptsapi.ScriptRequest{Title: "long"})
	if err != nil || s.JSON201 == nil {
		b.Fatalf("create script: %v", err)
	}
	script := s.JSON201.ScriptId
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < spokenWords; i += 16 {
				r, err := c.Characters.CreateSpokenWordWithResponse(bg, nil, charactersapi.SpokenWordCreateRequest{ScriptId: script, Text: fmt.Sprintf("line %d", i)})
				if err != nil || r.StatusCode() != http.StatusCreated {
					b.Errorf("create spoken word: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ResetTimer()
	for b.Loop() {
		for offset := int64(0); offset < spokenWords; offset += page {
			r, err := c.Characters.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &script, Limit: new(page), Offset: &offset})
			if err != nil || r.JSON200 == nil || len(r.JSON200.Items) != page {
				b.Fatalf("list: %v", err)
			}
		}
	}
}
