package cases_test

import (
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// resumeShortWindow ends the shared stream before it received three events
// after its connect burst from the 200 ms per-connection targets, so the
// check opens its own first stream.
func resumeShortWindow(c *suite.Config) { c.Window = 700 * time.Millisecond }

func TestRESUMEChecksFail(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-RESUME-001", Fault: "last-event-id-500", Detail: "status 500"},
		{ID: "SSE-RESUME-001", Fault: "last-event-id-ascii-only", Detail: "utf8 id"},
		{ID: "SSE-RESUME-003", Fault: "replay-history-to-fresh", Detail: "already received"},
		{ID: "SSE-RESUME-003", Fault: "replay-history-no-ids", Detail: "already received"},
		{ID: "SSE-RESUME-003", Fault: "replay-history-to-fresh-short-window", URL: rpubFault("replay-history-to-fresh"), Config: resumeShortWindow, Detail: "already received"},
		{ID: "SSE-RESUME-003", Fault: "replay-log-to-fresh-publish", Config: rpubHook(), Detail: "published before it connected"},
		{ID: "SSE-RESUME-004", Fault: "no-retry", Detail: "no retry: field"},
		{ID: "SSE-RESUME-006", Fault: "refuse-after-10", Detail: "503"},
		{ID: "SSE-RESUME-006", Fault: "refuse-every-other", Detail: "503"},
	})
}

// Servers that generate each connection's events themselves send the same
// ids and data on every connection, at their own pace: not replay.
func TestRESUMEPerConnectionPasses(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-RESUME-003", Fault: "perconn-counter", Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "perconn-hello", Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "perconn-clock", Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "perconn-snapshot", Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "welcome-to-new-only", Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "perconn-counter-short-window", URL: rpubFault("perconn-counter"), Config: resumeShortWindow, Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "perconn-snapshot-short-window", URL: rpubFault("perconn-snapshot"), Config: resumeShortWindow, Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "publish-ok", Config: rpubHook(), Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "resume-ok", Config: rpubHook(), Want: reports.Pass},
	})
}
