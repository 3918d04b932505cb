package stories_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/storytest"
	"github.com/fountainai/fountainai/services/stories"
)

// peerProxy stands between the Story Factory and the services it reads, where the network is when
// each runs in its own process: it forwards every call, counts the calls by kind, and lets a test
// act between two of them.
type peerProxy struct {
	next http.Handler

	mu sync.Mutex
	// before runs before the n-th call of a kind is forwarded, after once it is answered (and
	// before it counts as answered).
	before, after func(kind string, n int, r *http.Request)
	seen          map[string]int
	answered      map[string]int
	tick          chan struct{} // closed and replaced whenever a call is answered
}

func newPeerProxy(t *testing.T, target string) (*peerProxy, *httptest.Server) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	p := &peerProxy{next: httputil.NewSingleHostReverseProxy(u), seen: map[string]int{}, answered: map[string]int{}, tick: make(chan struct{})}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

// callKind names the Story Factory's calls the tests count.
func callKind(r *http.Request) string {
	q := r.URL.Query()
	switch path := r.URL.Path; {
	case path == "/sequence/positions" && q.Get("offset") != "0":
		return "positions, later chunk"
	case path == "/sequence/positions":
		return "positions"
	case strings.HasSuffix(path, "/transitions"):
		return "transitions"
	case strings.Contains(path, "/transitions/"):
		return "transition by id"
	case path == "/characters" && q.Has("ids"):
		return "characters by id"
	case path == "/characters":
		return "characters"
	default:
		return path
	}
}

func (p *peerProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind := callKind(r)
	p.mu.Lock()
	p.seen[kind]++
	n, before, after := p.seen[kind], p.before, p.after
	p.mu.Unlock()
	if before != nil {
		before(kind, n, r)
	}
	p.next.ServeHTTP(w, r)
	if after != nil {
		after(kind, n, r)
	}
	p.mu.Lock()
	p.answered[kind]++
	close(p.tick)
	p.tick = make(chan struct{})
	p.mu.Unlock()
}

// waitFor waits until n calls of kind have been answered, or the call r waits in is given up.
func (p *peerProxy) waitFor(r *http.Request, kind string, n int) {
	for {
		p.mu.Lock()
		done, tick := p.answered[kind] >= n, p.tick
		p.mu.Unlock()
		if done {
			return
		}
		select {
		case <-tick:
		case <-r.Context().Done():
			return
		}
	}
}

// on sets what runs before and after each call.
func (p *peerProxy) on(before, after func(kind string, n int, r *http.Request)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.before, p.after = before, after
}

func (p *peerProxy) calls(kind string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[kind]
}

// appendEnv is the balcony scene, and a Story Factory that reaches the services through a proxy.
type appendEnv struct {
	apitest.Clients // Stories is the Story Factory behind the proxy
	w               storytest.Written
	proxy           *peerProxy
}

func newAppendEnv(t *testing.T) appendEnv {
	t.Helper()
	up := apitest.NewEnvWith(t, apitest.Options{MaxConns: 16}, servicesExcept("stories")...)
	w := storytest.WriteBalcony(t, up.Clients)
	proxy, via := newPeerProxy(t, up.URL)
	factory := apitest.NewEnvWith(t, apitest.Options{Pool: up.Pool, Peers: map[string]string{
		"sequence": via.URL, "scripts": via.URL, "characters": via.URL, "sessions": via.URL,
	}}, stories.Service())
	c := up.Clients
	c.Stories = factory.Stories
	return appendEnv{Clients: c, w: w, proxy: proxy}
}

// appendTransition appends a transition to the story; it runs in the proxy, so it reports with
// t.Error.
func (e appendEnv) appendTransition(t *testing.T, text string) {
	r, err := e.Scripts.CreateTransitionWithResponse(context.Background(), e.w.ScriptID, nil, scriptsapi.TransitionCreateRequest{Text: text})
	if err != nil || r.JSON201 == nil {
		t.Errorf("append transition %q: %v %v", text, err, r)
	}
}

// appendFirstLine appends the first line of a new character to the story.
func (e appendEnv) appendFirstLine(t *testing.T, name, text string) {
	ctx := context.Background()
	c, err := e.Characters.CreateCharacterWithResponse(ctx, nil, charactersCreate(name))
	if err != nil || c.JSON201 == nil {
		t.Errorf("create %s: %v %v", name, err, c)
		return
	}
	e.appendLine(t, c.JSON201.CharacterId, text)
}

func (e appendEnv) appendLine(t *testing.T, characterID int64, text string) {
	r, err := e.Characters.CreateSpokenWordWithResponse(context.Background(), nil, charactersapi.SpokenWordCreateRequest{
		ScriptId: e.w.ScriptID, CharacterId: &characterID, Text: text,
	})
	if err != nil || r.JSON201 == nil {
		t.Errorf("append line %q: %v %v", text, err, r)
	}
}

// TestAppendedBetweenReads: the transitions and the characters are read at the same time as the
// story order. What is appended after they are read and before the order is is read by id
// afterwards: the story is answered from its first read, whole, with a bounded number of calls.
// Each read of the order appends again, so a story read again would only find more of it missing.
func TestAppendedBetweenReads(t *testing.T) {
	t.Parallel()
	n := int64(len(storytest.Balcony))
	// betweenReads makes every read of the story order wait for the transitions and the characters
	// of the same attempt to be read, then appends.
	betweenReads := func(e appendEnv, appendFn func(attempt int)) {
		e.proxy.on(func(kind string, attempt int, r *http.Request) {
			if kind == "positions" {
				e.proxy.waitFor(r, "transitions", attempt)
				e.proxy.waitFor(r, "characters", attempt)
				appendFn(attempt)
			}
		}, nil)
	}
	read := func(t *testing.T, e appendEnv, p storiesapi.GetFullStoryParams) *storiesapi.FullStory {
		t.Helper()
		resp, err := e.Stories.GetFullStoryWithResponse(context.Background(), &p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		require.Equal(t, 1, e.proxy.calls("positions"), "the story is read once: nothing seemed to change")
		return resp.JSON200
	}
	// whole is the story in one page read in one chunk.
	whole := func(e appendEnv) storiesapi.GetFullStoryParams {
		return storiesapi.GetFullStoryParams{ScriptId: e.w.ScriptID, Limit: new(1000)}
	}

	t.Run("a transition", func(t *testing.T) {
		t.Parallel()
		e := newAppendEnv(t)
		betweenReads(e, func(attempt int) { e.appendTransition(t, fmt.Sprintf("CUT TO: %d", attempt)) })
		s := read(t, e, whole(e))
		require.EqualValues(t, n+1, s.TotalCount)
		require.Len(t, s.Story, int(n+1))
		checkBalcony(t, e.w, 1, s.Story[:n])
		require.Equal(t, "CUT TO: 1", s.Story[n].Transition.Text)
		require.EqualValues(t, n+1, s.Story[n].Sequence)
		require.Equal(t, 1, e.proxy.calls("transition by id"))
	})

	t.Run("many transitions", func(t *testing.T) {
		t.Parallel()
		e := newAppendEnv(t)
		const many = 20
		betweenReads(e, func(attempt int) {
			for i := range many {
				e.appendTransition(t, fmt.Sprintf("CUT TO: %d.%d", attempt, i))
			}
		})
		s := read(t, e, whole(e))
		require.Len(t, s.Story, int(n+many))
		for i, el := range s.Story[n:] {
			require.Equal(t, fmt.Sprintf("CUT TO: 1.%d", i), el.Transition.Text)
		}
		require.Zero(t, e.proxy.calls("transition by id"), "not a call per transition")
		require.Equal(t, 2, e.proxy.calls("transitions"), "the list again")
	})

	t.Run("a character's first line", func(t *testing.T) {
		t.Parallel()
		e := newAppendEnv(t)
		betweenReads(e, func(attempt int) {
			e.appendFirstLine(t, fmt.Sprintf("ROSALINE %d", attempt), "Where is Romeo?")
		})
		s := read(t, e, whole(e))
		require.Len(t, s.Story, int(n+1))
		last := s.Story[n]
		require.Equal(t, "Where is Romeo?", last.SpokenWord.Text)
		require.Equal(t, "ROSALINE 1", last.Character.Name)
		require.Equal(t, "of Verona", last.Character.Description)
		require.Equal(t, 1, e.proxy.calls("characters by id"))
	})

	t.Run("a character's first line, filtered by its name", func(t *testing.T) {
		t.Parallel()
		e := newAppendEnv(t)
		betweenReads(e, func(attempt int) {
			e.appendFirstLine(t, fmt.Sprintf("ROSALINE %d", attempt), "Where is Romeo?")
		})
		s := read(t, e, storiesapi.GetFullStoryParams{ScriptId: e.w.ScriptID, FilterByCharacter: new("rosaline 1")})
		require.EqualValues(t, 1, s.TotalCount)
		require.Len(t, s.Story, 1)
		require.Equal(t, "ROSALINE 1", s.Story[0].Character.Name)
		require.EqualValues(t, n+1, s.Story[0].Sequence)
	})

	t.Run("several characters' first lines", func(t *testing.T) {
		t.Parallel()
		e := newAppendEnv(t)
		betweenReads(e, func(attempt int) {
			for _, name := range []string{"ROSALINE", "TYBALT", "PARIS"} {
				e.appendFirstLine(t, fmt.Sprintf("%s %d", name, attempt), "Enter "+name)
			}
		})
		s := read(t, e, whole(e))
		require.Len(t, s.Story, int(n+3))
		for i, name := range []string{"ROSALINE 1", "TYBALT 1", "PARIS 1"} {
			require.Equal(t, name, s.Story[n+int64(i)].Character.Name)
		}
		require.Equal(t, 1, e.proxy.calls("characters by id"), "one call for all of them")
	})

	t.Run("between the chunks of a window", func(t *testing.T) {
		t.Parallel()
		e := newAppendEnv(t)
		// A page of 5,000 is read in chunks at once; the chunks after the first wait for it to be
		// read, and a line is appended in between.
		var mu sync.Mutex
		reads := map[string]int{} // reads of each later chunk, by offset: the attempt
		e.proxy.on(func(kind string, _ int, r *http.Request) {
			if kind == "positions, later chunk" {
				mu.Lock()
				reads[r.URL.Query().Get("offset")]++
				attempt := reads[r.URL.Query().Get("offset")]
				mu.Unlock()
				e.proxy.waitFor(r, "positions", attempt)
			}
		}, func(kind string, attempt int, _ *http.Request) {
			if kind == "positions" {
				e.appendLine(t, e.w.Characters["JULIET"], fmt.Sprintf("Romeo! %d", attempt))
			}
		})
		s := read(t, e, storiesapi.GetFullStoryParams{ScriptId: e.w.ScriptID, Limit: new(5000)})
		require.Greater(t, e.proxy.calls("positions, later chunk"), 0, "the window was read in chunks")
		// The story as the first chunk, where it ends, read it: before the append.
		require.EqualValues(t, n, s.TotalCount)
		require.Len(t, s.Story, int(n))
		checkBalcony(t, e.w, 1, s.Story)
	})
}
