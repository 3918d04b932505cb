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

// v2Operation is one operation of the published v2 contract that our specs keep: same method, path
// and operationId, and the request and response fields it named.
type v2Operation struct {
	file, method, path, operationID string
	status                          string
	requestFields, responseFields   []string
}

var v2Contract = []v2Operation{
	{"sequence.yaml", "POST", "/sequence", "generateSequenceNumber", "201", []string{"elementType", "elementId"}, []string{"sequenceNumber"}},
	{"sequence.yaml", "PUT", "/sequence/reorder", "reorderElements", "200", []string{"elementType", "elements"}, []string{"updatedElements"}},
	{"sequence.yaml", "POST", "/sequence/version", "createVersion", "201", []string{"elementType", "elementId", "newVersionData"}, []string{"versionNumber"}},
	{"scripts.yaml", "POST", "/scripts", "createScript", "201", []string{"title", "author", "description"}, []string{"scriptId", "sequenceNumber", "createdAt", "updatedAt"}},
	{"scripts.yaml", "GET", "/scripts", "listScripts", "200", nil, []string{"scripts", "totalCount"}},
	{"scripts.yaml", "PATCH", "/scripts/{scriptId}", "updateScript", "200", []string{"title", "author", "description"}, []string{"scriptId", "sequenceNumber", "createdAt", "updatedAt"}},
	{"scripts.yaml", "PUT", "/scripts/{scriptId}/sections/reorder", "reorderSectionHeadings", "200", []string{"elements"}, []string{"updatedElements"}},
	{"sessions.yaml", "POST", "/sessions", "createSession", "201", []string{"userId", "context"}, []string{"sessionId", "userId", "context", "createdAt", "updatedAt"}},
	{"sessions.yaml", "GET", "/sessions", "listSessions", "200", nil, []string{"sessions", "totalCount"}},
	{"sessions.yaml", "PATCH", "/sessions/{sessionId}", "updateSession", "200", []string{"context"}, []string{"sessionId", "userId", "context", "createdAt", "updatedAt"}},
	{"sessions.yaml", "GET", "/sessions/{sessionId}/context", "getSessionContext", "200", nil, []string{"sessionId", "context"}},
	{"characters.yaml", "GET", "/characters", "listCharacters", "200", nil, []string{"items", "totalCount"}},
	{"characters.yaml", "POST", "/characters", "createCharacter", "201", []string{"name", "description"}, []string{"characterId", "name", "description"}},
	{"characters.yaml", "PUT", "/characters/{characterId}/paraphrases", "updateCharacterParaphrases", "200", []string{"originalId", "text", "commentary"}, []string{"paraphraseId", "originalId", "text", "commentary"}},
	{"characters.yaml", "PATCH", "/characters/{characterId}/paraphrases", "patchCharacterParaphrases", "200", []string{"text", "commentary"}, []string{"paraphraseId", "originalId", "text", "commentary"}},
	{"characters.yaml", "GET", "/actions", "listActions", "200", nil, []string{"items", "totalCount"}},
	{"characters.yaml", "GET", "/spokenWords", "listSpokenWords", "200", nil, []string{"items", "totalCount"}},
	{"stories.yaml", "GET", "/stories", "getFullStory", "200", nil, []string{"scriptId", "title", "author", "description", "sections", "story", "orchestration"}},
	{"stories.yaml", "GET", "/stories/sequences", "getStorySequences", "200", nil, []string{"scriptId", "sequences"}},
}

func TestV2ContractKept(t *testing.T) {
	specs := loadSpecs(t)
	for _, want := range v2Contract {
		doc := specs[want.file]
		require.NotNil(t, doc, want.file)
		item := doc.Paths.Find(want.path)
		require.NotNil(t, item, "%s %s", want.method, want.path)
		op := item.GetOperation(want.method)
		require.NotNil(t, op, "%s %s", want.method, want.path)
		require.Equal(t, want.operationID, op.OperationID)
		// Operations without a v2 request body (GET) must not have gained a required one.
		if op.RequestBody == nil {
			require.Empty(t, want.requestFields, "%s keeps its request body", want.operationID)
		} else {
			req := op.RequestBody.Value.Content.Get("application/json").Schema.Value
			for _, f := range want.requestFields {
				require.Contains(t, req.Properties, f, "%s request keeps %s", want.operationID, f)
			}
			for _, f := range req.Required {
				require.Contains(t, want.requestFields, f, "%s must not require a field v2 clients do not send", want.operationID)
			}
		}
		resp := op.Responses.Value(want.status)
		require.NotNil(t, resp, "%s keeps status %s", want.operationID, want.status)
		schema := resp.Value.Content.Get("application/json").Schema.Value
		for _, f := range want.responseFields {
			require.Contains(t, schema.Properties, f, "%s response keeps %s", want.operationID, f)
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
