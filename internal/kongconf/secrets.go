package kongconf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fountainai/fountainai/internal/auth"
)

// IngestKeyEnv names the environment variable holding the ingest credential: the services accept
// it, sent as an API key, on the Logging Service's ingest operations, and http-log sends it with
// every batch it posts to LogsEndpoint. It is added to the committed configuration when the
// gateway starts (AddIngestKey) and never written to the repository.
const IngestKeyEnv = "FOUNTAIN_INGEST_KEY"

// MinKeyLength is the shortest ingest credential accepted: `openssl rand -hex 32` gives 64
// characters, and a short placeholder such as the one in .env.example is refused rather than
// deployed.
const MinKeyLength = 32

// CheckIngestKey refuses an ingest credential that is too short to be secret or that cannot travel
// as one header value.
func CheckIngestKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%s is not set: the Logging Service would refuse every request log the gateway posts", IngestKeyEnv)
	case len(key) < MinKeyLength:
		return fmt.Errorf("%s has %d characters; use at least %d (openssl rand -hex 32)", IngestKeyEnv, len(key), MinKeyLength)
	case strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r >= 0x7f }):
		return fmt.Errorf("%s contains white space or characters a header value cannot carry", IngestKeyEnv)
	}
	return nil
}

// AddIngestKey returns the declarative configuration base with key set as the X-API-Key header of
// the http-log plugin, leaving the rest of it as written (an operator's edits included).
func AddIngestKey(base []byte, key string) ([]byte, error) {
	if err := CheckIngestKey(key); err != nil {
		return nil, err
	}
	doc, err := parseNodes(base)
	if err != nil {
		return nil, err
	}
	plugins, err := sequence(doc.Content[0], "plugins")
	if err != nil {
		return nil, err
	}
	var httpLog *yaml.Node
	for _, p := range plugins.Content {
		if p.Kind != yaml.MappingNode {
			continue
		}
		if name := mappingValue(p, "name"); name != nil && name.Value == "http-log" {
			if httpLog != nil {
				return nil, errors.New("the Kong configuration has more than one http-log plugin")
			}
			httpLog = p
		}
	}
	if httpLog == nil {
		return nil, errors.New("the Kong configuration has no http-log plugin")
	}
	cfg := mappingValue(httpLog, "config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return nil, errors.New("the http-log plugin has no config")
	}
	if mappingValue(cfg, "headers") != nil {
		return nil, fmt.Errorf("the http-log plugin already has headers; the ingest credential belongs in %s only", IngestKeyEnv)
	}
	var headers yaml.Node
	if err := headers.Encode(map[string]string{auth.APIKeyHeader: key}); err != nil {
		return nil, err
	}
	cfg.Content = append(cfg.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "headers"}, &headers)
	return encodeNodes(doc)
}

// parseNodes reads a declarative configuration as YAML nodes, so that what is added to it leaves
// the rest as written, fields this package does not know and an operator's edits included.
func parseNodes(base []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("parse Kong configuration: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the Kong configuration is not a YAML mapping")
	}
	return &doc, nil
}

func encodeNodes(doc *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sequence returns the list under key in the mapping node m.
func sequence(m *yaml.Node, key string) (*yaml.Node, error) {
	v := mappingValue(m, key)
	if v == nil || v.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("the Kong configuration has no list of %s", key)
	}
	return v, nil
}

// mappingValue returns the value of key in the mapping node m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
