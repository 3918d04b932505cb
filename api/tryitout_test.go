package api_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// TestSwaggerUITryItOutDefaults keeps two things Swagger UI's Try it out takes from the specs as
// they must be for it to work on any host: the one server is `/`, which the page resolves against
// the host it read the document from (a fixed host is wrong on every other port, host or gateway);
// and no optional parameter has an example, which the page fills into its field: a fixed
// Idempotency-Key would have the second Execute with another body refused as
// IDEMPOTENCY_KEY_REUSED, a filter would empty a list, an If-Match would fail with 412 and
// `cascade=true` would delete dependants no one asked to delete. Paging (limit, offset) is the one
// exception: its example is the default. The browser test (e2e/browser) checks the page itself.
func TestSwaggerUITryItOutDefaults(t *testing.T) {
	for file, doc := range loadSpecs(t) {
		require.Len(t, doc.Servers, 1, "%s: one server", file)
		require.Equal(t, "/", doc.Servers[0].URL, "%s: the server is the host the document was read from", file)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				params := append(append([]*openapi3.ParameterRef(nil), item.Parameters...), op.Parameters...)
				for _, ref := range params {
					p := ref.Value
					if p.Required || p.Name == "limit" || p.Name == "offset" {
						continue
					}
					where := file + " " + method + " " + path + " " + p.Name
					require.Nil(t, p.Example, "%s: example", where)
					require.Empty(t, p.Examples, "%s: examples", where)
					require.Nil(t, p.Schema.Value.Example, "%s: schema example", where)
					if p.Name == "Idempotency-Key" {
						require.Nil(t, p.Schema.Value.Default, "%s: default", where)
					}
				}
			}
		}
	}
}
