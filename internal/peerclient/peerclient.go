// Package peerclient builds the generated clients through which a FountainAI service calls the
// others, from the process's peers.
package peerclient

import (
	"fmt"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/service"
)

// Set holds a client of each service another may call; a service keeps those it needs. Each also
// has the raw methods, for the few large reads whose bodies are decoded with httpapi.DecodeLargeJSON.
type Set struct {
	Sequence   *sequenceapi.ClientWithResponses
	Scripts    *scriptsapi.ClientWithResponses
	Characters *charactersapi.ClientWithResponses
	Sessions   *sessionsapi.ClientWithResponses
}

// New builds every client from peers.
func New(peers service.Peers) (Set, error) {
	var c Set
	var err error
	base, doer := peers.Peer("sequence")
	if c.Sequence, err = sequenceapi.NewClientWithResponses(base, sequenceapi.WithHTTPClient(doer)); err != nil {
		return c, fmt.Errorf("build sequence client: %w", err)
	}
	base, doer = peers.Peer("scripts")
	if c.Scripts, err = scriptsapi.NewClientWithResponses(base, scriptsapi.WithHTTPClient(doer)); err != nil {
		return c, fmt.Errorf("build scripts client: %w", err)
	}
	base, doer = peers.Peer("characters")
	if c.Characters, err = charactersapi.NewClientWithResponses(base, charactersapi.WithHTTPClient(doer)); err != nil {
		return c, fmt.Errorf("build characters client: %w", err)
	}
	base, doer = peers.Peer("sessions")
	if c.Sessions, err = sessionsapi.NewClientWithResponses(base, sessionsapi.WithHTTPClient(doer)); err != nil {
		return c, fmt.Errorf("build sessions client: %w", err)
	}
	return c, nil
}
