package api_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// TestSwaggerUITryItOutDefaults keeps two things Swagger UI's Try it out takes from the specs as
// they must be for it to work on any host: the one server is `/`, which the page resolves against
// the host it read the document from (a fixed host is wrong on every other port, host or gateway);
// and the Idempotency-Key has no example, which the page would fill into every create, so that the
// second Execute with another body were refused as IDEMPOTENCY_KEY_REUSED. The browser test
// (e2e/browser) checks the page itself.
func TestSwaggerUITryItOutDefaults(t *testing.T) {
	for file, doc := range loadSpecs(t) {
		require.Len(t, doc.Servers, 1, "%s: one server", file)
		require.Equal(t, "/", doc.Servers[0].URL, "%s: the server is the host the document was read from", file)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				params := append(append([]*openapi3.ParameterRef(nil), item.Parameters...), op.Parameters...)
				for _, ref := range params {
					p := ref.Value
					if p.Name != "Idempotency-Key" {
						continue
					}
					where := file + " " + method + " " + path
					require.Nil(t, p.Example, "%s: Idempotency-Key example", where)
					require.Empty(t, p.Examples, "%s: Idempotency-Key examples", where)
					require.Nil(t, p.Schema.Value.Example, "%s: Idempotency-Key schema example", where)
					require.Nil(t, p.Schema.Value.Default, "%s: Idempotency-Key default", where)
				}
			}
		}
	}
}
