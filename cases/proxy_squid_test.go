package cases_test

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/proxies"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/ssespectest"
)

// Squid started before the origin marks its cache_peer dead and answers
// 502/503 until it re-probes it; ssespec proxy retries its first request
// (--probe-wait) and then gives verdicts instead of exiting 2.
func TestPROXYSquidColdStart(t *testing.T) {
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
	r := ssespectest.Check(t, cfg)
	t.Logf("run against a cold Squid: %v", time.Since(start).Round(100*time.Millisecond))
	for _, id := range []string{"SSE-PROXY-001", "SSE-PROXY-006"} {
		casetest.Expect(t, r, id, reports.Pass, "")
	}
}
