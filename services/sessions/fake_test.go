package sessions_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakePeer stands in for the scripts and characters services where a test needs them to misbehave:
// it knows the ids it is told, answers GET /scripts/{id} and GET /characters/{id} as their specs
// say, or with a forced status, and counts the calls.
type fakePeer struct {
	srv *httptest.Server

	mu         sync.Mutex
	scripts    map[int64]bool
	characters map[int64]bool
	status     int           // when not 0, every answer has this status
	delay      time.Duration // before every answer
	calls      int
}

func newFakePeer(t *testing.T) *fakePeer {
	t.Helper()
	f := &fakePeer{scripts: map[int64]bool{}, characters: map[int64]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /scripts/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.answer(w, r, f.scripts, "scriptId")
	})
	mux.HandleFunc("GET /characters/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.answer(w, r, f.characters, "characterId")
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePeer) answer(w http.ResponseWriter, r *http.Request, known map[int64]bool, idField string) {
	f.mu.Lock()
	f.calls++
	status, delay := f.status, f.delay
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	exists := known[id]
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case status != 0:
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"errorCode": "INTERNAL", "message": "forced by the test"})
	case exists:
		now := time.Now().UTC().Format(time.RFC3339)
		_ = json.NewEncoder(w).Encode(map[string]any{
			idField: id, "title": "Romeo and Juliet", "name": "Juliet", "description": "The heroine.",
			"version": 1, "createdAt": now, "updatedAt": now,
		})
	default:
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]string{"errorCode": "NOT_FOUND", "message": "not found"})
	}
}

func (f *fakePeer) addScript(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[id] = true
}

func (f *fakePeer) addCharacter(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.characters[id] = true
}

func (f *fakePeer) set(status int, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.delay = status, delay
}

func (f *fakePeer) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// peerURLs points both dependencies at the fake.
func (f *fakePeer) peerURLs() map[string]string {
	return map[string]string{"scripts": f.srv.URL, "characters": f.srv.URL}
}
