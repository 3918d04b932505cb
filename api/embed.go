// Package api embeds the OpenAPI documents, the source every generated server, client and model is
// built from; the binary serves them as written at /openapi/<service>.yaml.
package api

import _ "embed"

// Sequence is the Central Sequence Service's spec.
//
//go:embed sequence.yaml
var Sequence []byte

// Sessions is the Session & Context Service's spec.
//
//go:embed sessions.yaml
var Sessions []byte

// Scripts is the Core Script Management Service's spec.
//
//go:embed scripts.yaml
var Scripts []byte

// Characters is the Character Management Service's spec.
//
//go:embed characters.yaml
var Characters []byte

// Stories is the Story Factory's spec.
//
//go:embed stories.yaml
var Stories []byte

// Logs is the Logging Service's spec.
//
//go:embed logs.yaml
var Logs []byte

// Access is the Access Service's spec.
//
//go:embed access.yaml
var Access []byte
