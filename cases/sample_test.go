package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// publishTo gives the run the broker's publish hook: publish mode, so the
// suite publishes its sample into the shared window.
func publishTo(c *suite.Config) {
	c.PublishURL = c.URL[:len(c.URL)-len("/events")] + "/publish"
	c.Capabilities = []suite.Capability{suite.CapIDs}
}

// TestSampleJudgesPublishOnlyTargets: a target that emits only what is
// published gives the FRAME checks nothing in observe mode; in publish mode
// they judge its encoding of the sample the suite publishes into the window.
func TestSampleJudgesPublishOnlyTargets(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-FRAME-003", Fault: "data-unprefixed-lines", Config: publishTo, Detail: `a text line without a colon: "second line"`},
		{ID: "SSE-FRAME-003", Fault: "raw-crlf-data", Config: publishTo, Detail: `a text line without a colon: "after cr"`},
		{ID: "SSE-FRAME-004", Fault: "raw-crlf-data", Config: publishTo, Detail: "mixed line endings"},
		{ID: "SSE-RESUME-003", Fault: "publish-replay-history", Config: publishTo, Detail: "published before it connected"},
		// The same targets in observe mode: nothing but the preamble and
		// keepalives, which hide the defect or leave nothing to judge.
		{ID: "SSE-FRAME-003", Fault: "data-unprefixed-lines-observed", URL: fault("data-unprefixed-lines"), Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "publish-replay-history-observed", URL: fault("publish-replay-history"), Want: reports.Skip, Detail: "no event after its connect burst"},
		{ID: "SSE-RESUME-003", Fault: "publish-ok-observed", URL: fault("publish-ok"), Want: reports.Skip, Detail: "no event after its connect burst"},
		// The correct broker passes on its sample.
		{ID: "SSE-FRAME-003", Fault: "publish-ok", Config: publishTo, Want: reports.Pass},
		{ID: "SSE-FRAME-004", Fault: "publish-ok", Config: publishTo, Want: reports.Pass},
		{ID: "SSE-FRAME-006", Fault: "publish-ok", Config: publishTo, Want: reports.Pass},
		{ID: "SSE-FRAME-009", Fault: "publish-ok", Config: publishTo, Want: reports.Pass},
		{ID: "SSE-KEEP-003", Fault: "publish-ok", Config: publishTo, Want: reports.Pass},
		{ID: "SSE-RESUME-003", Fault: "publish-ok", Config: publishTo, Want: reports.Pass},
	})
}

func fault(name string) func(testing.TB) string {
	return func(t testing.TB) string { return casetest.Fault(t, name) }
}
