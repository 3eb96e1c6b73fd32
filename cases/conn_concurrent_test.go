package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

// TestCONNConcurrentPublishes: a broker whose publish path copies and
// clears a shared batch in separate steps loses and repeats events when
// publishes overlap; the correct Broker and the reference server (in
// TestReferencePassesEveryCheck), and every framework example (examples/),
// deliver each exactly once.
func TestCONNConcurrentPublishes(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-CONN-005", Fault: "publish-racy-batch", Config: connHook, Detail: "stream 1:"},
		{ID: "SSE-CONN-005", Fault: "publish-ok", Config: connHook, Want: reports.Pass},
		{ID: "SSE-CONN-005", Fault: "publish-ok-no-hook", URL: func(t testing.TB) string { return casetest.Fault(t, "publish-ok") }, Want: reports.Skip, Detail: "--publish-url"},
	})
}
