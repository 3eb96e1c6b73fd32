package proxies_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/ssespec/ssespec/internal/proxies"
)

func TestNginxConfKeepsEverythingInTheTempDir(t *testing.T) {
	conf := proxies.Fill(proxies.NginxConf(proxies.NginxTuned), "/tmp/x", "127.0.0.1:1234", "127.0.0.1:9")
	for _, want := range []string{"daemon off;", "master_process off;", "pid /tmp/x/nginx.pid;", "proxy_temp_path /tmp/x/proxy;",
		"listen 127.0.0.1:1234;", "proxy_pass http://127.0.0.1:9;", "proxy_buffering off;"} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
	if strings.Contains(conf, "/var/") || strings.Contains(conf, "{{") {
		t.Errorf("config refers to a system path or has an unfilled field:\n%s", conf)
	}
}

func TestStartProxiesAndStopEndsTheProcess(t *testing.T) {
	proxies.Nginx.Need(t)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "origin saw %s %s", r.URL.Path, r.Proto)
	}))
	defer up.Close()
	s := proxies.Nginx.Start(t, strings.TrimPrefix(up.URL, "http://"), proxies.NginxTuned)
	if host, _, _ := net.SplitHostPort(s.Addr); host != "127.0.0.1" {
		t.Fatalf("nginx listens on %s, want loopback", s.Addr)
	}
	resp, err := http.Get(s.URL + "/sse/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "origin saw /sse/x HTTP/1.1" || !strings.HasPrefix(resp.Header.Get("Server"), "nginx") {
		t.Fatalf("through nginx: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(s.PID, 0); err == nil {
		t.Fatalf("nginx (pid %d) still runs after Stop", s.PID)
	}
	if _, err := os.Stat(s.Dir + "/nginx.conf"); err != nil {
		t.Fatalf("config not in the temp dir: %v", err)
	}
	if err := s.Stop(); err != nil { // idempotent; the test's cleanup calls it again
		t.Fatal(err)
	}
}

func TestTwoInstancesGetTheirOwnPorts(t *testing.T) {
	proxies.Nginx.Need(t)
	a := proxies.Nginx.Start(t, "127.0.0.1:9", proxies.NginxStock)
	b := proxies.Nginx.Start(t, "127.0.0.1:9", proxies.NginxStock)
	if a.Addr == b.Addr || a.PID == b.PID {
		t.Fatalf("both on %s (pids %d, %d)", a.Addr, a.PID, b.PID)
	}
}
