// Package proxies runs throwaway reverse proxies (nginx, HAProxy, Caddy,
// Apache httpd, Varnish, Squid) for the project's proxy tests: in the
// foreground, bound to a free loopback port, with configuration, pid file
// and logs in a per-test temp dir (no system service, no root-only paths),
// stopped by PID when the test ends.
package proxies

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Kind is one proxy program: how to find it, configure it and run it.
type Kind struct {
	Name    string   // "haproxy"
	Bins    []string // executables tried, on PATH then as given
	Package string   // Debian package CI installs
	// Files are the configuration files written into dir, by name; the
	// templates' {{listen}}, {{port}}, {{upstream}}, {{upstream_host}},
	// {{upstream_port}} and {{dir}} are filled in.
	Files func(conf string) map[string]string
	// Args runs the proxy in the foreground with the files in dir.
	Args func(dir, listen string) []string
	// Env, if set, replaces HOME and friends (Caddy writes state there).
	Env func(dir string) []string
	// Log is the file in dir that explains a failed start.
	Log string
	// SharedDir makes dir world-accessible: proxies that drop root
	// privileges (Squid) must still write their logs.
	SharedDir bool
}

// Server is a running proxy.
type Server struct {
	Kind *Kind
	URL  string // http://127.0.0.1:port
	Addr string
	PID  int
	Dir  string

	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Path finds the kind's executable.
func (k *Kind) Path() (string, error) {
	for _, b := range k.Bins {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
		for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/bin"} {
			p := filepath.Join(dir, filepath.Base(b))
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%s not found (apt-get install %s)", k.Name, k.Package)
}

// Need returns the executable or ends the test: skipped locally, failed
// under CI (which installs every proxy, so missing is a bug).
func (k *Kind) Need(t testing.TB) string {
	t.Helper()
	p, err := k.Path()
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%v; CI must install it (.ci/run)", err)
	}
	t.Skipf("%v; the tests against a real %s skip without it", err, k.Name)
	return ""
}

// Start runs the proxy with conf (one of the kind's configurations) in
// front of upstream (host:port) and stops it when the test ends.
func (k *Kind) Start(t testing.TB, upstream, conf string) *Server {
	t.Helper()
	bin := k.Need(t)
	var lastErr error
	for range 5 { // the free port can be taken between probing and the bind
		dir := t.TempDir()
		if k.SharedDir {
			d, err := os.MkdirTemp("", "ssespec-"+k.Name+"-")
			if err != nil {
				t.Fatal(err)
			}
			_ = os.Chmod(d, 0o777)
			t.Cleanup(func() { os.RemoveAll(d) })
			dir = d
		}
		s, err := k.start(bin, dir, upstream, conf)
		if err == nil {
			t.Cleanup(func() {
				if err := s.Stop(); err != nil {
					t.Errorf("stopping %s: %v", k.Name, err)
				}
			})
			return s
		}
		lastErr = err
		if !strings.Contains(strings.ToLower(err.Error()), "address already in use") && !strings.Contains(err.Error(), "cannot bind") {
			break
		}
	}
	t.Fatalf("starting %s: %v", k.Name, lastErr)
	return nil
}

// Fill replaces the template fields of s.
func Fill(s, dir, listen, upstream string) string {
	_, port, _ := net.SplitHostPort(listen)
	uh, up, _ := net.SplitHostPort(upstream)
	return strings.NewReplacer("{{listen}}", listen, "{{port}}", port, "{{upstream}}", upstream,
		"{{upstream_host}}", uh, "{{upstream_port}}", up, "{{dir}}", dir).Replace(s)
}

func (k *Kind) start(bin, dir, upstream, conf string) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	for name, body := range k.Files(conf) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(Fill(body, dir, addr, upstream)), 0o644); err != nil {
			return nil, err
		}
	}
	out := &lockedBuffer{}
	cmd := exec.Command(bin, k.Args(dir, addr)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	if k.Env != nil {
		cmd.Env = append(os.Environ(), k.Env(dir)...)
	}
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	s := &Server{Kind: k, URL: "http://" + addr, Addr: addr, PID: cmd.Process.Pid, Dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			if mine, _, known := Listener(s.PID, port); mine || !known {
				return s, nil
			}
			// Another process answered: the proxy cannot bind the port.
			s.Stop()
			return nil, fmt.Errorf("%s: address already in use: %s was taken by another process", k.Name, addr)
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited (%w): %s %s", k.Name, s.err, bytes.TrimSpace(out.Bytes()), s.Log())
		case <-time.After(30 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("%s did not accept connections on %s within 20s: %s %s", k.Name, addr, out.Bytes(), s.Log())
		}
	}
}

// Log returns the proxy's log file so far (if the kind has one).
func (s *Server) Log() string {
	if s.Kind.Log == "" {
		return ""
	}
	b, _ := os.ReadFile(filepath.Join(s.Dir, s.Kind.Log))
	return string(b)
}

// Stop ends the proxy by its PID (SIGTERM, then SIGKILL after 5 s) and
// waits.
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(5 * time.Second):
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	return fmt.Errorf("%s (pid %d) ignored SIGTERM for 5s and was killed", s.Kind.Name, s.PID)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 64<<10 {
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
