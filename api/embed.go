// Package api embeds the OpenAPI documents, the source every generated server, client and model is
// built from; the binary serves them as written at /openapi/<service>.yaml.
package api

import _ "embed"

// Sequence is the Central Sequence Service's spec.
//
//go:embed sequence.yaml
var Sequence []byte
