// Package services lists every FountainAI service, in the order they are migrated and mounted.
package services

import (
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/access"
	"github.com/fountainai/fountainai/services/characters"
	"github.com/fountainai/fountainai/services/logs"
	"github.com/fountainai/fountainai/services/scripts"
	"github.com/fountainai/fountainai/services/sequence"
	"github.com/fountainai/fountainai/services/sessions"
	"github.com/fountainai/fountainai/services/stories"
)

// All returns every service.
func All() []service.Service {
	return []service.Service{sequence.Service(), scripts.Service(), characters.Service(), sessions.Service(), stories.Service(), logs.Service(), access.Service()}
}
