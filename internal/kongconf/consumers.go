package kongconf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConsumersEnv names the environment variable listing the gateway's consumers and their keys, as
// "name=key[,name=key...]". Kong's declarative format cannot take a key-auth key from the
// environment (its vault references do not apply to key-auth credentials), so the keys are added
// to the committed configuration when the gateway starts and never written to the repository.
const ConsumersEnv = "FOUNTAIN_GATEWAY_CONSUMERS"

// MinKeyLength is the shortest key accepted: `openssl rand -hex 32` gives 64 characters, and a
// short placeholder such as the one in .env.example is refused rather than deployed.
const MinKeyLength = 32

var consumerName = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,64}$`)

// ParseConsumers reads the value of ConsumersEnv.
func ParseConsumers(list string) ([]Consumer, error) {
	var consumers []Consumer
	names, keys := map[string]bool{}, map[string]bool{}
	for entry := range strings.SplitSeq(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, key, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("%s: entry %q is not name=key", ConsumersEnv, entry)
		}
		switch {
		case !consumerName.MatchString(name):
			return nil, fmt.Errorf("%s: consumer name %q: use 1-64 letters, digits, '.', '_', '~' or '-'", ConsumersEnv, name)
		case len(key) < MinKeyLength:
			return nil, fmt.Errorf("%s: the key of consumer %q has %d characters; use at least %d (openssl rand -hex 32)", ConsumersEnv, name, len(key), MinKeyLength)
		case strings.ContainsAny(key, " \t\r\n"):
			return nil, fmt.Errorf("%s: the key of consumer %q contains white space", ConsumersEnv, name)
		case names[name]:
			return nil, fmt.Errorf("%s: consumer %q is listed twice", ConsumersEnv, name)
		case keys[key]:
			return nil, fmt.Errorf("%s: consumer %q reuses another consumer's key", ConsumersEnv, name)
		}
		names[name], keys[key] = true, true
		consumers = append(consumers, Consumer{Username: name, KeyauthCredentials: []KeyauthCredential{{Key: key}}})
	}
	if len(consumers) == 0 {
		return nil, fmt.Errorf("%s is empty: with key-auth on every route, the gateway would refuse every request", ConsumersEnv)
	}
	return consumers, nil
}

// AddConsumers returns the declarative configuration base with consumers added, leaving the rest
// of it as written (an operator's edits included).
func AddConsumers(base []byte, consumers []Consumer) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("parse Kong configuration: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the Kong configuration is not a YAML mapping")
	}
	root := doc.Content[0]
	for i := 0; i < len(root.Content); i += 2 {
		if root.Content[i].Value == "consumers" {
			return nil, fmt.Errorf("the Kong configuration already lists consumers; keys belong in %s only", ConsumersEnv)
		}
	}
	var value yaml.Node
	if err := value.Encode(consumers); err != nil {
		return nil, err
	}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "consumers"}, &value)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
