// Package subprocess runs the programs that tests and benchmarks drive from outside: the fountain
// binary itself, and tools that talk to it over HTTP.
package subprocess

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// FreeAddr returns a loopback address whose port was free a moment ago.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// BuildFountain builds the fountain binary into dir and returns its path. It works from any
// directory of the module, with the go command on PATH or else the one of the running toolchain.
func BuildFountain(dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "fountain")
	if out, err := exec.Command(goBin, "build", "-o", bin, "github.com/fountainai/fountainai/cmd/fountain").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// Process is a started program.
type Process struct {
	cmd    *exec.Cmd
	exited chan error
}

// Start starts cmd.
func Start(cmd *exec.Cmd) (*Process, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	return p, nil
}

// WaitReady polls url until it answers 200. It fails when the process exits first or timeout
// passes.
func (p *Process) WaitReady(url string, timeout time.Duration) error {
	for deadline := time.Now().Add(timeout); ; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-p.exited:
			p.exited <- err
			return fmt.Errorf("exited before it was ready: %v", err)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("not ready after " + timeout.String())
		}
	}
}

// Stop asks the process to end (SIGTERM), and kills it if it has not within grace. It returns how
// the process ended: nil when it exited 0 within grace.
func (p *Process) Stop(grace time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		p.exited <- err
		return err
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		p.exited <- <-p.exited
		return fmt.Errorf("killed: still running %s after SIGTERM", grace)
	}
}

// Signal sends sig to the process; fault tests freeze and thaw it with SIGSTOP and SIGCONT.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the process at once (SIGKILL), as a crash would, and waits until it is gone.
func (p *Process) Kill() {
	_ = p.cmd.Process.Kill()
	err := <-p.exited
	p.exited <- err
}
