package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/fountainai/fountainai/internal/httpapi"
)

// corsOriginsEnv is where `serve` and `kong` read the origins when no flag names them.
const corsOriginsEnv = httpapi.CORSOriginsEnv

// corsOrigins is --cors-origin, repeatable, read over corsOriginsEnv: as with every other flag, a
// flag given replaces the environment's value rather than adding to it.
type corsOrigins struct {
	list    []string
	fromEnv bool
}

func (c *corsOrigins) flags(fs *flag.FlagSet) {
	c.list, c.fromEnv = splitOrigins(os.Getenv(corsOriginsEnv)), true
	fs.Func("cors-origin", "an origin (https://app.example.com) whose pages may call the API from a browser; repeat for more", func(v string) error {
		if c.fromEnv {
			c.list, c.fromEnv = nil, false
		}
		c.list = append(c.list, v)
		return nil
	})
}

// splitOrigins reads the environment's list, where spaces after commas and a trailing comma are
// common and mean nothing.
func splitOrigins(v string) []string {
	var out []string
	for _, o := range strings.Split(v, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// policy is the CORS policy of the origins given, nil for none; a malformed origin is refused,
// naming where it came from, so a process never starts with a policy that cannot match.
func (c corsOrigins) policy() (*httpapi.CORS, error) {
	p, err := httpapi.NewCORS(c.list)
	if err != nil {
		if c.fromEnv {
			return nil, fmt.Errorf("%s: %w", corsOriginsEnv, err)
		}
		return nil, fmt.Errorf("--cors-origin: %w", err)
	}
	return p, nil
}

// checkCORS refuses allowing every origin while authentication is off: any page the operator's
// browser opens could then read and change everything, as an admin, through the loopback address.
func checkCORS(p *httpapi.CORS, a authConfig) error {
	if p != nil && a.off && slices.Contains(p.Origins(), httpapi.AnyOrigin) {
		return errors.New("CORS origin \"*\" with --auth=off would let any web page act as an admin through its visitor's browser: name the origins to allow instead")
	}
	return nil
}
