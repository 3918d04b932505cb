package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// loadSpecs loads and validates every spec in this directory.
func loadSpecs(t *testing.T) map[string]*openapi3.T {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	specs := map[string]*openapi3.T{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(b)
		require.NoError(t, err, f)
		require.NoError(t, doc.Validate(context.Background(), openapi3.EnableExamplesValidation()), f)
		specs[f] = doc
	}
	return specs
}

// TestSpecsAreCompleteContracts checks what SDK generators, Swagger UI and agents rely on beyond
// schema validity: every operation is named, described and tagged, and every error response uses
// the shared ErrorResponse body.
func TestSpecsAreCompleteContracts(t *testing.T) {
	for file, doc := range loadSpecs(t) {
		require.True(t, strings.HasPrefix(doc.OpenAPI, "3.0."), "%s: OpenAPI 3.0", file)
		require.NotNil(t, doc.Components.Schemas["ErrorResponse"], "%s: ErrorResponse schema", file)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				where := file + " " + method + " " + path
				require.NotEmpty(t, op.OperationID, where)
				require.NotEmpty(t, op.Summary, where)
				require.NotEmpty(t, op.Description, where)
				require.NotEmpty(t, op.Tags, where)
				for status, ref := range op.Responses.Map() {
					if status[0] != '4' && status[0] != '5' {
						continue
					}
					resp := ref.Value
					require.NotNil(t, resp.Content.Get("application/json"), "%s %s", where, status)
					schema := resp.Content.Get("application/json").Schema
					require.Equal(t, "#/components/schemas/ErrorResponse", schema.Ref, "%s %s uses ErrorResponse", where, status)
				}
			}
		}
	}
}

// TestSpecsDeclareAuthentication checks the declarations the services' authentication middleware
// enforces: both schemes, either one required everywhere, no operation exempt or with its own
// requirement, a least role on every operation, and the 401, 403 and 429 answers on every operation.
func TestSpecsDeclareAuthentication(t *testing.T) {
	for file, doc := range loadSpecs(t) {
		schemes := doc.Components.SecuritySchemes
		require.Len(t, schemes, 2, file)
		bearer := schemes["bearerAuth"].Value
		require.NotNil(t, bearer, "%s bearerAuth", file)
		require.Equal(t, "http", bearer.Type, file)
		require.Equal(t, "bearer", bearer.Scheme, file)
		require.Equal(t, "JWT", bearer.BearerFormat, file)
		key := schemes["apiKeyAuth"].Value
		require.NotNil(t, key, "%s apiKeyAuth", file)
		require.Equal(t, "apiKey", key.Type, file)
		require.Equal(t, "header", key.In, file)
		require.Equal(t, "X-API-Key", key.Name, file)
		require.Equal(t, openapi3.SecurityRequirements{{"bearerAuth": {}}, {"apiKeyAuth": {}}}, doc.Security, file)

		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				where := file + " " + method + " " + path
				require.Nil(t, op.Security, "%s: no operation overrides the spec's security", where)
				want := "reader"
				switch {
				case file == "logs.yaml" && (op.OperationID == "ingestLogs" || op.OperationID == "ingestKongLogs"):
					want = "ingest"
				case file == "logs.yaml" && method == "GET", file == "access.yaml" && op.OperationID != "getCaller":
					want = "admin"
				case method != "GET":
					want = "writer"
				}
				require.Equal(t, want, op.Extensions["x-fountain-role"], "%s x-fountain-role", where)
				for status, name := range map[string]string{"401": "Unauthorized", "403": "Forbidden", "429": "TooManyRequests"} {
					resp := op.Responses.Value(status)
					require.NotNil(t, resp, "%s %s", where, status)
					require.Equal(t, "#/components/responses/"+name, resp.Ref, "%s %s", where, status)
				}
			}
		}
		require.NotNil(t, doc.Components.Responses["Unauthorized"].Value.Headers["WWW-Authenticate"], file)
		require.NotNil(t, doc.Components.Responses["TooManyRequests"].Value.Headers["Retry-After"], file)
	}
}
