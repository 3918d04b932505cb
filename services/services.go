// Package services lists every FountainAI service, in the order they are migrated and mounted.
package services

import (
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/sequence"
)

// All returns every service.
func All() []service.Service {
	return []service.Service{sequence.Service()}
}
