package kongconf

import (
	"errors"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/internal/httpapi"
)

// PreflightRoute names the route per service that carries the browsers' preflights
// ("<service>-preflight").
const PreflightRoute = "preflight"

// CORSPlugin is Kong's cors plugin applying p, the services' own policy: the same origins,
// methods, request and exposed headers and max age, so a browser gets the same answers through the
// gateway as from a service. Every list is explicit, since the plugin's defaults allow every
// origin, method and requested header.
func CORSPlugin(p *httpapi.CORS) Plugin {
	return Plugin{Name: "cors", Config: map[string]any{
		"origins":         p.Origins(),
		"methods":         p.Methods(),
		"headers":         p.RequestHeaders(),
		"exposed_headers": p.ExposedHeaders(),
		"max_age":         p.MaxAge(),
		// The credentials are request headers, never cookies: see httpapi.AnyOrigin.
		"credentials":     false,
		"private_network": false,
		// The gateway answers preflights itself: they need no upstream, and carry no credential
		// the upstream would accept.
		"preflight_continue": false,
	}}
}

// preflightRoute routes OPTIONS on every path of a service. Kong runs plugins only on requests a
// route matched, and the operations' routes match only their own methods, so without it a
// preflight would be Kong's 404 before the cors plugin saw it.
func preflightRoute(service string, paths []string) Route {
	return Route{
		Name:      service + "-" + PreflightRoute,
		Methods:   []string{"OPTIONS"},
		Paths:     paths,
		StripPath: false,
		Protocols: []string{"http", "https"},
		Tags:      []string{tag},
	}
}

// AddCORS returns the declarative configuration base with the cors plugin applying p and a
// preflight route per service over the paths of its routes, leaving the rest as written. A nil p
// (no origin allowed) returns base unchanged: no plugin, since Kong's cors plugin without origins
// allows every origin.
func AddCORS(base []byte, p *httpapi.CORS) ([]byte, error) {
	if p == nil {
		return base, nil
	}
	doc, err := parseNodes(base)
	if err != nil {
		return nil, err
	}
	root := doc.Content[0]
	plugins, err := sequence(root, "plugins")
	if err != nil {
		return nil, err
	}
	for _, n := range plugins.Content {
		if n.Kind == yaml.MappingNode {
			if name := mappingValue(n, "name"); name != nil && name.Value == "cors" {
				return nil, errors.New("the Kong configuration already has a cors plugin; allow origins in one place only")
			}
		}
	}
	var plugin yaml.Node
	if err := plugin.Encode(CORSPlugin(p)); err != nil {
		return nil, err
	}
	plugins.Content = append(plugins.Content, &plugin)

	services, err := sequence(root, "services")
	if err != nil {
		return nil, err
	}
	for _, s := range services.Content {
		name := mappingValue(s, "name")
		if s.Kind != yaml.MappingNode || name == nil {
			return nil, errors.New("a service of the Kong configuration has no name")
		}
		routes, err := sequence(s, "routes")
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name.Value, err)
		}
		var paths []string
		for _, r := range routes.Content {
			if r.Kind != yaml.MappingNode {
				continue
			}
			if ps := mappingValue(r, "paths"); ps != nil && ps.Kind == yaml.SequenceNode {
				for _, p := range ps.Content {
					if !slices.Contains(paths, p.Value) {
						paths = append(paths, p.Value)
					}
				}
			}
		}
		if len(paths) == 0 {
			continue
		}
		var route yaml.Node
		if err := route.Encode(preflightRoute(name.Value, paths)); err != nil {
			return nil, err
		}
		routes.Content = append(routes.Content, &route)
	}
	return encodeNodes(doc)
}
