//go:build unix

package examples_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/proxies"
)

// testEnv is what every example reads in the tests: the publish hook on,
// keepalives and demo job steps fast enough for FastConfig's windows.
var testEnv = []string{"SSESPEC_PUBLISH=1", "SSE_KEEPALIVE=0.3", "SSE_TICK=0.2"}

// lockedBuffer collects a server's output for the failure message.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	if len(s) > 3000 {
		s = "…" + s[len(s)-3000:]
	}
	return s
}

// start runs examples/<stack>/serve on a free loopback port in its own
// process group (serve scripts exec go run, node or python, which may
// start children) and returns its base URL once GET / answers. The group
// is stopped with SIGTERM — the examples' graceful shutdown — and killed
// if it has not gone within 5 s. A port another test's server took first
// (the example then cannot bind it) is given up for another, three times.
func start(t *testing.T, stack string, env ...string) string {
	t.Helper()
	for try := 1; ; try++ {
		base, err := startOn(t, freeAddr(t), stack, env)
		if err == nil {
			return base
		}
		if !errors.Is(err, errPortTaken) || try == 3 {
			t.Fatal(err)
		}
		t.Logf("%v; trying another port", err)
	}
}

var errPortTaken = errors.New("the port was taken by another process")

// startOn is one try of start on addr.
func startOn(t *testing.T, addr, stack string, env []string) (string, error) {
	t.Helper()
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	var out lockedBuffer
	cmd := exec.Command(filepath.Join(stack, "serve"), addr)
	cmd.Env = append(append(os.Environ(), testEnv...), env...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("%s/serve: %v", stack, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var stopOnce sync.Once
	stop := func() {
		stopOnce.Do(func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-exited
				t.Logf("%s did not stop within 5 s of SIGTERM; killed", stack)
			}
			// Whatever it started in its group goes too.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		})
	}
	t.Cleanup(stop)
	base := "http://" + addr
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(90 * time.Second) // go run compiles on a cold cache
	for {
		select {
		case err := <-exited:
			if _, anyone, _ := proxies.Listener(cmd.Process.Pid, port); anyone {
				return "", fmt.Errorf("%s/serve %s: %w (it exited: %v)", stack, addr, errPortTaken, err)
			}
			return "", fmt.Errorf("%s/serve %s exited before serving (%v):\n%s", stack, addr, err, out.String())
		default:
		}
		resp, err := client.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("GET / answered %d", resp.StatusCode)
			if resp.StatusCode == http.StatusOK {
				mine, _, known := proxies.Listener(cmd.Process.Pid, port)
				if mine || !known {
					return base, nil
				}
				// Another test's server answered: the example cannot have
				// bound the port.
				stop()
				return "", fmt.Errorf("%s/serve %s: %w", stack, addr, errPortTaken)
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%s/serve %s not serving after 90 s (%v):\n%s", stack, addr, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freeAddr picks a free loopback port. Another process may take it before
// the example binds it (see start).
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// needs reports what a stack lacks on this machine, "" when nothing.
func needs(stack string) string {
	run := func(name string, args ...string) error {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s %v: %v: %s", name, args, err, bytes.TrimSpace(out))
		}
		return nil
	}
	var err error
	switch stack {
	case "flask":
		err = run("/usr/bin/python3", "-c", "import flask")
	case "fastapi":
		err = run("/usr/bin/python3", "-c", "import fastapi, starlette, uvicorn")
	case "django":
		err = run("/usr/bin/python3", "-c", "import django")
	case "express":
		if err = run("node", "--version"); err == nil {
			if _, serr := os.Stat(filepath.Join("express", "node_modules", "express")); serr != nil {
				err = errors.New("express is not installed: run `npm ci` in examples/express")
			}
		}
	case "go":
		err = run("go", "version")
	}
	if err == nil {
		return ""
	}
	hint := map[string]string{
		"flask":   "apt-get install python3-flask",
		"fastapi": "apt-get install python3-fastapi python3-starlette python3-uvicorn",
		"django":  "apt-get install python3-django",
		"express": "cd examples/express && npm ci",
	}[stack]
	return fmt.Sprintf("%v (install: %s; .ci/run does)", err, hint)
}

// require skips a test whose stack is missing — except in CI, where a
// missing part must fail, never skip.
func require(t *testing.T, stack string) {
	t.Helper()
	if why := needs(stack); why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s example cannot run in CI: %s", stack, why)
		}
		t.Skipf("%s example not run: %s", stack, why)
	}
}
