package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
)

func TestDATAChecksFail(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-DATA-001", Fault: "first-line-only", Config: withPublish(), Detail: "only the first line"},
		{ID: "SSE-DATA-002", Fault: "raw-crlf-data", Config: withPublish(), Detail: `after crlf\rafter cr`},
		{ID: "SSE-DATA-003", Fault: "splitlines-data", Config: withPublish(), Detail: `\u2028`},
		{ID: "SSE-DATA-004", Fault: "data-no-space", Config: withPublish(), Detail: `received …"one leading space`},
		{ID: "SSE-DATA-004", Fault: "data-lines-unprefixed", Config: withPublish(), Detail: `which clients read as a field named "ssespec-`},
		{ID: "SSE-DATA-005", Fault: "truncate-64k", Config: withPublish(), Detail: "truncated: 65536 of 1048576 bytes"},
		{ID: "SSE-DATA-006", Fault: "drop-empty-data", Config: withPublish(), Detail: "no data: line"},
		{ID: "SSE-DATA-007", Fault: "newlines-stripped", Config: withPublish(), Detail: "differs from byte"},
	})
}

// TestDATAChecksPassOnBroker shows each DATA fault is one change away from
// a passing server: the same broker with the correct encoder passes.
func TestDATAChecksPassOnBroker(t *testing.T) {
	t.Parallel()
	var cs []casetest.Case
	for _, id := range []string{"SSE-DATA-001", "SSE-DATA-002", "SSE-DATA-003", "SSE-DATA-004", "SSE-DATA-005", "SSE-DATA-006", "SSE-DATA-007"} {
		cs = append(cs, casetest.Case{ID: id, Fault: "publish-ok", Config: withPublish(), Want: "pass"})
	}
	casetest.Faults(t, cs)
}
