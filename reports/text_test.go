package reports

import (
	"strings"
	"testing"

	"github.com/ssespec/ssespec/suite"
)

// TestFindingsGatherLiveTargetSkips: the console already printed each
// offline skip for want of a live target, so the findings name them in one
// line; other skips keep their reasons, and the full tree keeps them all.
func TestFindingsGatherLiveTargetSkips(t *testing.T) {
	r := &Report{Mode: "offline", Results: []Result{
		{ID: "SSE-FRAME-001", Area: "FRAME", Verdict: Pass},
		{ID: "SSE-FRAME-007", Area: "FRAME", Verdict: Skip, Message: "no retry field arrived in the capture"},
		{ID: "SSE-FLUSH-001", Area: "FLUSH", Verdict: Skip, Message: suite.NeedsLiveTarget + "it judges arrival times"},
		{ID: "SSE-NAME-001", Area: "NAME", Verdict: Skip, Message: suite.NeedsLiveTarget + "it publishes events"},
	}}
	var b strings.Builder
	WriteFindings(&b, r)
	out := b.String()
	for _, want := range []string{"no retry field arrived", "2 checks skipped: they need a live target (`ssespec run --url URL` judges them): SSE-FLUSH-001 SSE-NAME-001"} {
		if !strings.Contains(out, want) {
			t.Errorf("findings lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "it judges arrival times") || strings.Contains(out, "\nFLUSH\n") {
		t.Errorf("findings repeat a live-target skip:\n%s", out)
	}
	b.Reset()
	WriteText(&b, r)
	if !strings.Contains(b.String(), "it judges arrival times") {
		t.Errorf("the full tree drops a skip's reason:\n%s", b.String())
	}
}
