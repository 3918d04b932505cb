// Package docs serves Swagger UI at /docs for the specs a process serves at /openapi/<name>.yaml.
// The UI's files come from a pinned Go module and are embedded in the binary, so the page works
// offline and never loads anything from another host.
package docs

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	swaggerfiles "github.com/swaggo/files/v2"

	"github.com/fountainai/fountainai/internal/httpapi"
)

// Patterns are the mux patterns Mount registers.
var Patterns = []string{"GET /docs", "GET /docs/", "GET /docs/{file}"}

// assets are the files of the Swagger UI distribution the page loads; the rest of the
// distribution (source maps, other bundles, its sample page) is not served.
var assets = map[string]bool{
	"swagger-ui.css":                  true,
	"swagger-ui-bundle.js":            true,
	"swagger-ui-standalone-preset.js": true,
	"favicon-16x16.png":               true,
	"favicon-32x32.png":               true,
	"oauth2-redirect.html":            true,
}

var page = template.Must(template.New("docs").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>FountainAI API</title>
<link rel="stylesheet" href="swagger-ui.css">
<link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="favicon-16x16.png" sizes="16x16">
<style>body { margin: 0; }</style>
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js" charset="utf-8"></script>
<script src="swagger-ui-standalone-preset.js" charset="utf-8"></script>
<script src="init.js" charset="utf-8"></script>
</body>
</html>
`))

// Mount serves the UI for the specs of names on mux.
func Mount(mux *http.ServeMux, names []string) error {
	var index bytes.Buffer
	if err := page.Execute(&index, nil); err != nil {
		return err
	}
	init, err := initScript(names)
	if err != nil {
		return err
	}
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/docs/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /docs/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/docs/" {
			notFound(w, r)
			return
		}
		// The page lists what this process serves, which changes with a deployment.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(index.Bytes())
	})
	mux.HandleFunc("GET /docs/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		switch {
		case name == "init.js":
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			_, _ = w.Write(init)
		case assets[name]:
			// The files change only with the module version, that is with the binary.
			w.Header().Set("Cache-Control", "public, max-age=86400")
			http.ServeFileFS(w, r, swaggerfiles.FS, name)
		default:
			notFound(w, r)
		}
	})
	return nil
}

// initScript starts the UI with one entry per spec in its top bar. The URLs are relative to /docs/,
// so the page works on any host and behind the gateway; the online validator badge, which would
// send the specs to swagger.io, is off.
func initScript(names []string) ([]byte, error) {
	type specURL struct {
		URL  string `json:"url"`
		Name string `json:"name"`
	}
	urls := make([]specURL, len(names))
	for i, n := range names {
		urls[i] = specURL{URL: "../openapi/" + n + ".yaml", Name: n}
	}
	list, err := json.Marshal(urls)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("window.onload = function () {\n")
	b.WriteString("  window.ui = SwaggerUIBundle({\n")
	b.WriteString("    urls: " + string(list) + ",\n")
	b.WriteString(`    dom_id: "#swagger-ui",
    deepLinking: true,
    displayOperationId: true,
    displayRequestDuration: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
`)
	return []byte(b.String()), nil
}

func notFound(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteError(w, http.StatusNotFound, httpapi.CodeNotFound, "no such page", r.URL.Path)
}
