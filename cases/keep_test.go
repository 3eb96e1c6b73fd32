package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// keepSlow runs the slow checks (SSE-KEEP-004 holds a stream for cfg.Hold, 3 s).
func keepSlow(c *suite.Config) { c.Slow = true }

// SSE-KEEP-003 judges the body alone: its other proofs are canned
// recordings (recorded_test.go); the live row shows the live path.
func TestKEEPChecksFail(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-KEEP-001", Fault: "silent-30s", Detail: "silent for"},
		{ID: "SSE-KEEP-001", Fault: "hostile-no-headers", Detail: "not even the response headers"},
		{ID: "SSE-KEEP-002", Fault: "keepalive-splits-event", Detail: `comment ": keepalive" at byte`},
		{ID: "SSE-KEEP-002", Fault: "keepalive-writer-splits-event", Detail: `the event's next lines arrived as a separate block`},
		{ID: "SSE-KEEP-002", Fault: "blank-keepalive-splits-event", Detail: "ended an event"},
		{ID: "SSE-KEEP-003", Fault: "ping-event-keepalive", Detail: `type "ping"`},
		{ID: "SSE-KEEP-004", Fault: "closes-after-1s", Config: keepSlow, Detail: "ended the body"},
		{ID: "SSE-KEEP-004", Fault: "write-timeout-1s", Config: keepSlow, Detail: "cut the connection"},
	})
}

// TestKEEP002PassesCommentsThatSplitNothing: a comment line anywhere in an
// event is ignored by clients; only a keepalive's blank line splits one.
func TestKEEP002PassesCommentsThatSplitNothing(t *testing.T) {
	t.Parallel()
	var cs []casetest.Case
	for _, f := range []string{"comment-inside-event", "comments-everywhere", "keepalive-before-terminator", "colon-rendered-line"} {
		cs = append(cs, casetest.Case{ID: "SSE-KEEP-002", Fault: f, Want: reports.Pass})
	}
	casetest.Faults(t, cs)
}
