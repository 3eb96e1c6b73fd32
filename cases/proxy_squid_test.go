package cases_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/internal/proxies"
	"github.com/ssespec/ssespec/reports"
)

// Squid started before the origin marks its cache_peer dead and answers
// 502/503 until it re-probes it; ssespec proxy retries its first request
// (--probe-wait) and then gives verdicts instead of exiting 2.
func TestPROXYSquidColdStart(t *testing.T) {
	t.Parallel()
	proxies.Squid.Need(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there until the run starts its origin
	sq := proxies.Squid.Start(t, addr, proxies.SquidRecipe)
	if res, err := http.Get(sq.URL + "/sse/before-the-origin"); err == nil {
		res.Body.Close()
		if res.StatusCode < 500 {
			t.Fatalf("Squid answered %d with no origin up; the test needs the 5xx it gives a cold peer", res.StatusCode)
		}
	}
	cfg := casetest.FastConfig("", "SSE-PROXY-001", "SSE-PROXY-006")
	cfg.Via, cfg.OriginAddr, cfg.ProbeWait = sq.URL+"/sse", addr, 30*time.Second
	start := time.Now()
	r := casetest.Check(t, cfg)
	t.Logf("run against a cold Squid: %v", time.Since(start).Round(100*time.Millisecond))
	for _, id := range []string{"SSE-PROXY-001", "SSE-PROXY-006"} {
		casetest.Expect(t, r, id, reports.Pass, "")
	}
}

// The same without Squid: a proxy that answers 502 for its first second
// is waited for; one that never reaches the origin still ends the run
// with the probe's error once --probe-wait is over.
func TestPROXYProbeWaitsForTheProxyToFindTheOrigin(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	began := time.Now()
	good := faults.ProxyHandler("good", addr)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if time.Since(began) < time.Second {
			http.Error(w, "peer down", http.StatusBadGateway)
			return
		}
		good.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	cfg := casetest.FastConfig("", "SSE-PROXY-006")
	cfg.Via, cfg.OriginAddr, cfg.ProbeWait = ts.URL+"/sse", addr, 10*time.Second
	casetest.Expect(t, casetest.Check(t, cfg), "SSE-PROXY-006", reports.Pass, "")
}

func TestPROXYProbeGivesUpAfterProbeWait(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "peer down", http.StatusBadGateway)
	}))
	t.Cleanup(ts.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := casetest.FastConfig("", "SSE-PROXY-006")
	cfg.Via, cfg.OriginAddr, cfg.ProbeWait = ts.URL+"/sse", addr, time.Second
	start := time.Now()
	_, err = ssespec.Run(context.Background(), cfg, ssespec.Options{})
	if err == nil || !strings.Contains(err.Error(), "it answered 502") || !strings.Contains(err.Error(), "retried for 1s") {
		t.Fatalf("want the probe's 502 after retrying for 1s, got %v", err)
	}
	if d := time.Since(start); d < time.Second || d > 5*time.Second {
		t.Errorf("gave up after %v, want about --probe-wait (1s)", d)
	}
}
