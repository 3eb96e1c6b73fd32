package main

import (
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/internal/junitcheck"
)

// freeAddr is a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestProxyCommand runs `ssespec proxy` end to end: the CLI starts its
// origin on --origin-addr, a Go reverse proxy forwards --via to it.
func TestProxyCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		proxy, filter string
		want          int
	}{
		{"good", "id:SSE-PROXY-001 || id:SSE-PROXY-002 || id:SSE-PROXY-006", exitOK},
		{"buffering", "id:SSE-PROXY-002", exitFailed},
		{"204-to-502", "id:SSE-PROXY-006", exitFailed},
	} {
		t.Run(tc.proxy, func(t *testing.T) {
			origin := freeAddr(t)
			ts := httptest.NewServer(faults.ProxyHandler(tc.proxy, origin))
			defer ts.Close()
			dir := t.TempDir()
			r := cli(t, "proxy", "--via", ts.URL+"/sse", "--origin-addr", origin, "--label-filter", tc.filter,
				"--browser", "off", "--report-dir", dir)
			if r.code != tc.want {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tc.want, r.stdout, r.stderr)
			}
			junitcheck.Verify(t, dir) // only the selected proxy checks, as in report.json
			if !strings.Contains(r.stdout, "origin on http://"+origin) {
				t.Errorf("output does not say where the origin is:\n%s", r.stdout)
			}
		})
	}
}

func TestProxyCommandUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"proxy"}, "no proxy: pass --via"},
		{[]string{"proxy", "--via", "http://127.0.0.1:9/sse"}, "--origin-addr"},
		{[]string{"proxy", "--via", "http://127.0.0.1:9/sse", "--origin-addr", "10.1.2.3:80"}, "loopback"},
		{[]string{"proxy", "--via", "http://127.0.0.1:9/sse", "--origin-addr", freeAddr(t)}, "cannot reach"},
	} {
		r := cli(t, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("ssespec %v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}
