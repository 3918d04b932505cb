package docs

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func serve(t *testing.T, names ...string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	require.NoError(t, Mount(mux, names))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// TestPageLoadsEverythingItNames follows every file the page and its script load: each is served
// from this process, with its type, and nothing comes from another host.
func TestPageLoadsEverythingItNames(t *testing.T) {
	t.Parallel()
	srv := serve(t, "scripts", "stories")

	resp, _ := get(t, srv.URL+"/docs")
	require.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	require.Equal(t, "/docs/", resp.Header.Get("Location"))

	resp, page := get(t, srv.URL+"/docs/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	require.NotContains(t, page, "http", "every file the page loads is its own")

	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	wantTypes := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}
	var loaded []string
	for _, ref := range refs {
		name := ref[1]
		loaded = append(loaded, name)
		resp, body := get(t, srv.URL+"/docs/"+name)
		require.Equal(t, http.StatusOK, resp.StatusCode, name)
		require.NotEmpty(t, body, name)
		ext := name[strings.LastIndex(name, "."):]
		require.Equal(t, wantTypes[ext], resp.Header.Get("Content-Type"), name)
	}
	require.ElementsMatch(t, []string{"swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png",
		"swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "init.js"}, loaded)

	_, init := get(t, srv.URL+"/docs/init.js")
	require.NotContains(t, init, "http", "no spec or validator on another host")
	require.Contains(t, init, "validatorUrl: null")
	list := regexp.MustCompile(`urls: (\[.*\]),`).FindStringSubmatch(init)
	require.Len(t, list, 2, init)
	var urls []struct{ URL, Name string }
	require.NoError(t, json.Unmarshal([]byte(list[1]), &urls))
	require.Equal(t, []struct{ URL, Name string }{
		{"../openapi/scripts.yaml", "scripts"}, {"../openapi/stories.yaml", "stories"},
	}, urls, "the specs this process serves, relative to /docs/")
}

// TestOnlyThePageIsServed: the rest of the distribution and unknown paths are JSON 404s.
func TestOnlyThePageIsServed(t *testing.T) {
	t.Parallel()
	srv := serve(t, "scripts")
	for _, path := range []string{"/docs/swagger-ui-bundle.js.map", "/docs/index.html", "/docs/nosuch.js", "/docs/a/b", "/docs/..%2fgo.mod"} {
		resp, body := get(t, srv.URL+path)
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		require.Contains(t, body, `"errorCode":"NOT_FOUND"`, path)
	}
}
