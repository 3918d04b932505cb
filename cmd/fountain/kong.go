package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fountainai/fountainai/internal/kongconf"
	"github.com/fountainai/fountainai/services"
)

// runKong writes the Kong declarative configuration: generated from the services' specs (what
// kong/kong.yml holds), or, with --with-consumers, an existing one plus the consumers named in the
// environment (what the gateway loads in docker-compose.yml).
func runKong(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fountain kong", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write to this file instead of standard output")
	base := fs.String("with-consumers", "", "read this configuration and add the consumers of "+kongconf.ConsumersEnv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("fountain kong takes no arguments, got %q", fs.Args())
	}
	var data []byte
	if *base != "" {
		consumers, err := kongconf.ParseConsumers(os.Getenv(kongconf.ConsumersEnv))
		if err != nil {
			return err
		}
		in, err := os.ReadFile(*base)
		if err != nil {
			return err
		}
		if data, err = kongconf.AddConsumers(in, consumers); err != nil {
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
	if *out == "" {
		_, err := stdout.Write(data)
		return err
	}
	return writeFileAtomic(*out, data)
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
