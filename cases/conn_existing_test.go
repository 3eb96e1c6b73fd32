package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

func TestCONNExistingStreams(t *testing.T) {
	t.Parallel()
	reference := func(t testing.TB) string { url, _ := casetest.Reference(t); return url }
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-CONN-004", Fault: "initial-to-all-on-connect", Detail: "receive again, in a burst"},
		{ID: "SSE-CONN-004", Fault: "resend-latest-to-all-publish", Config: rpubHook(), Detail: "arrived again on the open stream"},

		{ID: "SSE-CONN-004", Fault: "reference", URL: reference, Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "welcome-to-new-only", Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "perconn-counter", Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "perconn-hello", Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "perconn-clock", Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "perconn-snapshot", Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "publish-ok", Config: rpubHook(), Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "resume-ok", Config: rpubHook(), Want: reports.Pass},
		{ID: "SSE-CONN-004", Fault: "closes-cleanly", Want: reports.Skip, Detail: "ended"},
	})
}
