package app_test

import (
	"io"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/services"
)

// TestAbandonedCallsAreNotServerErrors: when the Story Factory answers 404 for a missing script, the
// reads it had started in the other services in the same process are cancelled. Nobody sees their
// answers, so none may be counted (or logged) as a 5xx of a service: the error-ratio alert would fire
// with no error. They are counted as 499, a request its client gave up.
func TestAbandonedCallsAreNotServerErrors(t *testing.T) {
	t.Parallel()
	all := services.All()
	env := apitest.NewEnv(t, all...)
	client := env.HTTP
	for range 5 {
		resp, err := client.Get(env.URL + "/stories?scriptId=4242")
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	}
	resp, err := http.Get(env.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Regexp(t, `fountain_http_requests_total\{[^}]*operation="getFullStory"[^}]*status="404"`, string(text))
	serverErrors := regexp.MustCompile(`(?m)^fountain_http_requests_total\{[^}]*status="5\d\d"\}.*$`).FindAllString(string(text), -1)
	require.Empty(t, serverErrors, "no client saw a 5xx")
}
