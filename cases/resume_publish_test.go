package cases_test

import (
	"strings"
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// rpubHook points the run at the fault server's own publish hook and
// declares the capabilities the publish-mode RESUME checks need.
func rpubHook(caps ...suite.Capability) func(*suite.Config) {
	return func(c *suite.Config) {
		base := strings.TrimSuffix(c.URL, "/events")
		c.PublishURL = base + "/publish"
		c.Capabilities = caps
	}
}

// rpubDone also names the fault server's /done as the finished stream.
func rpubDone(c *suite.Config) {
	rpubHook()(c)
	c.DoneURL = strings.TrimSuffix(c.URL, "/events") + "/done"
}

var rpubReplay = rpubHook(suite.CapIDs, suite.CapReplay)

func TestRESUMEPublishChecks(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-RESUME-002", Fault: "resume-replays-k", Config: rpubReplay, Detail: "duplicate: e2 again"},
		{ID: "SSE-RESUME-002", Fault: "resume-skips-one", Config: rpubReplay, Detail: "missing: e3"},
		{ID: "SSE-RESUME-002", Fault: "resume-ignores-last-event-id", Config: rpubReplay, Detail: "missing: e3, e4, e5, e6, e7"},
		{ID: "SSE-RESUME-002", Fault: "resume-newest-replays-all", Config: rpubReplay, Detail: "newest id"},
		{ID: "SSE-RESUME-002", Fault: "resume-ok", Config: rpubReplay, Want: reports.Pass},
		{ID: "SSE-RESUME-002", Fault: "resume-ok-undeclared", URL: rpubFault("resume-ok"), Config: rpubHook(suite.CapIDs), Want: reports.Skip, Detail: `"replay" capability`},
		{ID: "SSE-RESUME-002", Fault: "resume-ok-no-hook", URL: rpubFault("resume-ok"), Want: reports.Skip, Detail: "--publish-url"},

		{ID: "SSE-RESUME-005", Fault: "done-200-close", Config: rpubDone, Detail: "200 (Content-Type \"text/event-stream\", 1 event(s); the body ended"},
		{ID: "SSE-RESUME-005", Fault: "done-200-stream", Config: rpubDone, Detail: "still open"},
		{ID: "SSE-RESUME-005", Fault: "resume-ok-done-204", URL: rpubFault("resume-ok"), Config: rpubDone, Want: reports.Pass},
		{ID: "SSE-RESUME-005", Fault: "resume-ok-no-done-url", URL: rpubFault("resume-ok"), Want: reports.Skip, Detail: "--done-url"},
	})
}

// rpubFault serves a registered fault under another row name.
func rpubFault(name string) func(testing.TB) string {
	return func(t testing.TB) string { return casetest.Fault(t, name) }
}
