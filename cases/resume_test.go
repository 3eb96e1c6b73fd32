package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
)

func TestRESUMEChecksFail(t *testing.T) {
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-RESUME-001", Fault: "last-event-id-500", Detail: "status 500"},
		{ID: "SSE-RESUME-001", Fault: "last-event-id-ascii-only", Detail: "utf8 id"},
		{ID: "SSE-RESUME-003", Fault: "replay-history-to-fresh", Detail: "already received"},
		{ID: "SSE-RESUME-004", Fault: "no-retry", Detail: "no retry: field"},
		{ID: "SSE-RESUME-006", Fault: "refuse-after-10", Detail: "503"},
		{ID: "SSE-RESUME-006", Fault: "refuse-every-other", Detail: "503"},
	})
}
