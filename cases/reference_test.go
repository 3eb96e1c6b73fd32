package cases_test

import (
	"os"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

// skippedOnReference are the checks that cannot apply to the plain-HTTP
// reference run, with why; each has its own pass test elsewhere.
var skippedOnReference = map[string]string{
	"SSE-HTTP-011": "HTTP/2 needs TLS; TestHTTPChecksPassOnReference runs it over h2",
	"SSE-CONN-003": "HTTP/2 needs TLS; TestCONNChecks runs it against an h2 TLS reference",
}

// TestReferencePassesEveryCheck is the pass side of every check's proof: the
// whole suite, slow checks and publish mode included, against the reference
// server.
func TestReferencePassesEveryCheck(t *testing.T) {
	t.Parallel()
	cfg, _ := casetest.ReferenceConfig(t)
	cfg.Slow = true
	r := casetest.Check(t, cfg)
	if len(r.Results) == 0 {
		t.Fatal("no check ran")
	}
	// Locally, a machine without Chromium skips the browser checks (with
	// --browser auto's message); CI installs Chromium and must pass them.
	noBrowser := false
	if _, err := browser.Find(os.Getenv("SSESPEC_BROWSER")); err != nil && os.Getenv("CI") == "" {
		noBrowser = true
		t.Logf("no Chromium (%v): the SSE-BROWSER checks are expected to skip", err)
	}
	for _, res := range r.Results {
		want := reports.Pass
		if _, ok := skippedOnReference[res.ID]; ok {
			want = reports.Skip
		}
		if noBrowser && strings.HasPrefix(res.ID, "SSE-BROWSER-") {
			want = reports.Skip
		}
		if res.Verdict != want {
			t.Errorf("%s %s: %s (want %s): %s", res.ID, res.Level, res.Verdict, want, res.Message)
		}
	}
}
