// Package nginx runs a throwaway nginx for the project's proxy tests: in the
// foreground, on a free loopback port, with its configuration, pid file,
// logs and temp directories in the test's temp dir (no system service, no
// root-only paths), stopped by its PID when the test ends.
package nginx

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Stock is a location with nothing but proxy_pass: nginx's defaults, among
// them proxy_buffering on and HTTP/1.0 to the upstream.
const Stock = `proxy_pass http://{{upstream}};`

// Tuned is the SSE-tuned location docs/proxies.md recommends (the tests
// prove it passes every PROXY check).
const Tuned = `proxy_pass http://{{upstream}};
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_buffering off;
proxy_cache off;
proxy_read_timeout 1h;`

// Install is what to run when nginx is missing.
const Install = "apt-get install nginx-light"

// Server is a running nginx.
type Server struct {
	URL  string // http://127.0.0.1:port
	Addr string
	PID  int
	Dir  string // config, logs and temp files

	cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's result, after done
}

// Path finds the nginx executable: on PATH, else /usr/sbin/nginx (Debian's,
// outside a normal user's PATH).
func Path() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if st, err := os.Stat("/usr/sbin/nginx"); err == nil && !st.IsDir() {
		return "/usr/sbin/nginx", nil
	}
	return "", errors.New("nginx not found (" + Install + ")")
}

// Need returns nginx's path or ends the test: skipped locally, failed when
// the environment variable CI is set (CI installs nginx, so missing is a bug).
func Need(t testing.TB) string {
	t.Helper()
	p, err := Path()
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%v; CI must install it (.ci/run)", err)
	}
	t.Skipf("%v; the proxy tests against a real nginx skip without it", err)
	return ""
}

// Start runs nginx with one server block proxying / with location (Stock,
// Tuned or your own directives; {{upstream}} is replaced by upstream, a
// host:port). It stops nginx when the test ends.
func Start(t testing.TB, upstream, location string) *Server {
	t.Helper()
	bin := Need(t)
	var lastErr error
	for range 5 { // the free port can be taken between probing and nginx's bind
		s, err := start(bin, t.TempDir(), upstream, location)
		if err == nil {
			t.Cleanup(func() {
				if err := s.Stop(); err != nil {
					t.Errorf("stopping nginx: %v", err)
				}
			})
			return s
		}
		lastErr = err
		if !strings.Contains(err.Error(), "Address already in use") {
			break
		}
	}
	t.Fatalf("starting nginx: %v", lastErr)
	return nil
}

func start(bin, dir, upstream, location string) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	conf := Config(dir, addr, strings.ReplaceAll(location, "{{upstream}}", upstream))
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = procAttr() // linux: never outlive the test binary
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, Addr: addr, PID: cmd.Process.Pid, Dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s, nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			return nil, fmt.Errorf("nginx exited (%w): %s%s", s.err, bytes.TrimSpace(log), stderr.Bytes())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("nginx did not accept connections on %s within 10s", addr)
		}
	}
}

// Config is the whole nginx.conf: a single foreground process (so its PID
// is all there is to stop), every path under dir, and one server on addr
// whose location / holds location.
func Config(dir, addr, location string) string {
	p := func(name string) string { return filepath.Join(dir, name) }
	indent := "      " + strings.ReplaceAll(strings.TrimSpace(location), "\n", "\n      ")
	return fmt.Sprintf(`daemon off;
master_process off;
pid %s;
error_log %s warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %s;
  proxy_temp_path %s;
  fastcgi_temp_path %s;
  uwsgi_temp_path %s;
  scgi_temp_path %s;
  server {
    listen %s;
    location / {
%s
    }
  }
}
`, p("nginx.pid"), p("error.log"), p("body"), p("proxy"), p("fastcgi"), p("uwsgi"), p("scgi"), addr, indent)
}

// Stop ends nginx by its PID (SIGTERM, then SIGKILL after 5 s) and waits.
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
	return fmt.Errorf("nginx (pid %d) ignored SIGTERM for 5s and was killed", s.PID)
}

// ErrorLog returns nginx's error log so far.
func (s *Server) ErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "error.log"))
	return string(b)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
