package sessions_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/api"
)

// TestV2SessionContextStaysText guards the compatibility decision: v2 clients send and read a
// session's `context` as a string, so every body that carries it keeps it a string; structured state
// lives in `contextData`, an object.
func TestV2SessionContextStaysText(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(api.Sessions)
	require.NoError(t, err)
	for _, name := range []string{"SessionRequest", "SessionReplaceRequest", "SessionUpdateRequest", "Session", "SessionContextRequest", "SessionContextResponse"} {
		schema := doc.Components.Schemas[name].Value
		require.True(t, schema.Properties["context"].Value.Type.Is(openapi3.TypeString), "%s.context is a string", name)
		require.True(t, schema.Properties["contextData"].Value.Type.Is(openapi3.TypeObject), "%s.contextData is an object", name)
	}
	for _, name := range []string{"SessionRequest", "SessionUpdateRequest"} {
		require.NotContains(t, doc.Components.Schemas[name].Value.Required, "contextData", "v2 clients do not send %s.contextData", name)
	}
	for _, name := range []string{"CharacterContextRequest", "CharacterContext"} {
		require.True(t, doc.Components.Schemas[name].Value.Properties["context"].Value.Type.Is(openapi3.TypeObject), "%s.context is an object", name)
	}
}
