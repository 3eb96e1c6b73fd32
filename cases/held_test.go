package cases_test

import (
	"os"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/ssespectest"
	"github.com/ssespec/ssespec/suite"
)

// heldConfig is a whole publish-mode run against the publish broker, held
// headers or not, with the browser on when Chromium is installed.
func heldConfig(t *testing.T, fault string) suite.Config {
	base := casetest.Serve(t, faults.Handler(fault))
	cfg := casetest.FastConfig(base + "/events")
	cfg.PublishURL = base + "/publish"
	cfg.Capabilities = []suite.Capability{suite.CapIDs}
	cfg.Browser = "off"
	if _, err := browser.Find(os.Getenv("SSESPEC_BROWSER")); err == nil {
		cfg.Browser = "on"
	}
	return cfg
}

// TestHeadersWithFirstEvent: a correct server that sends its response
// headers only with its first event (Flask's generator Response, go-sse,
// @fastify/sse with its 30 s heartbeat) is judged like any other in publish
// mode: SSE-HTTP-010 alone reports the held headers, SSE-KEEP-001 the 30 s
// heartbeat, and the run takes about as long as one against the same
// broker sending its headers at once.
func TestHeadersWithFirstEvent(t *testing.T) {
	var prompt, held *reports.Report
	var promptTook, heldTook time.Duration
	t.Run("prompt", func(t *testing.T) {
		start := time.Now()
		prompt = ssespectest.Check(t, heldConfig(t, "publish-ok"))
		promptTook = time.Since(start)
	})
	t.Run("held", func(t *testing.T) {
		start := time.Now()
		held = ssespectest.Check(t, heldConfig(t, "publish-held-headers"))
		heldTook = time.Since(start)
	})
	if prompt == nil || held == nil {
		t.Fatal("a run did not complete")
	}
	for _, res := range held.Results {
		t.Logf("%s %s %s: %s", res.ID, res.Level, res.Verdict, res.Message)
	}
	t.Logf("prompt run %v, held run %v", promptTook, heldTook)
}
