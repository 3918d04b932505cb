package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/services"
)

// runKong writes the Kong declarative configuration: generated from the services' specs (what
// kong/kong.yml holds), or, with --with-secrets, an existing one plus the ingest credential of the
// environment for http-log (what the gateway loads in docker-compose.yml). Either way, origins
// given with --cors-origin or in FOUNTAIN_CORS_ORIGINS add the cors plugin, read as `serve` reads
// them, so that the gateway allows the origins the services allow.
func runKong(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fountain kong", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write to this file instead of standard output")
	base := fs.String("with-secrets", "", "read this configuration and add the ingest credential of "+kongconf.IngestKeyEnv+" (needs --out)")
	var origins corsOrigins
	origins.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("fountain kong takes no arguments, got %q", fs.Args())
	}
	policy, err := origins.policy()
	if err != nil {
		return err
	}
	var data []byte
	if *base != "" {
		// A secret on standard output ends up in container logs; over its input it would end up
		// in the repository.
		if *out == "" {
			return errors.New("fountain kong --with-secrets writes a secret: name the file with --out")
		}
		if same, err := sameFile(*base, *out); err != nil {
			return err
		} else if same {
			return fmt.Errorf("fountain kong --with-secrets: --out %s is the input; write the secret elsewhere, never to the repository", *out)
		}
		in, err := os.ReadFile(*base)
		if err != nil {
			return err
		}
		if data, err = kongconf.AddIngestKey(in, os.Getenv(kongconf.IngestKeyEnv)); err != nil {
			return fmt.Errorf("%s: %w", *base, err)
		}
	} else {
		cfg, err := kongconf.Generate(services.All())
		if err != nil {
			return err
		}
		if data, err = kongconf.Marshal(cfg); err != nil {
			return err
		}
	}
	if data, err = kongconf.AddCORS(data, policy); err != nil {
		return err
	}
	if *out == "" {
		_, err := stdout.Write(data)
		return err
	}
	return writeFileAtomic(*out, data)
}

// sameFile reports whether a and b name the same file (b need not exist).
func sameFile(a, b string) (bool, error) {
	ai, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	bi, err := os.Stat(b)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return os.SameFile(ai, bi), nil
}

// writeFileAtomic replaces path in one step, so Kong (or git) never reads a half-written file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	// Readable by the gateway's own user when written by another container's.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
