package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/suite"
)

const fixtureDocs = "../harness/templates/testdata/eventsdoc/"

func eventsDoc(file string, events ...string) func(*suite.Config) {
	return func(c *suite.Config) {
		c.EventsDoc = fixtureDocs + file
		c.Events = events
	}
}

// TestNAMEEventsDoc: --events-doc is compared with the emitted names (the
// fault name-drift emits "user_joined" and "price-update") and with the
// listened-for names.
func TestNAMEEventsDoc(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-NAME-004", Fault: "name-drift/doc-drift", URL: driftURL, Config: eventsDoc("drift.md"),
			Detail: `emitted but not in --events-doc: "user_joined"`},
		{ID: "SSE-NAME-004", Fault: "name-drift/doc-lacks-listener", URL: driftURL, Config: eventsDoc("agree.md", "user_joined", "price-update", "user_left"),
			Detail: `listened for but not in --events-doc: "user_left" (--events)`},
		{ID: "SSE-NAME-004", Fault: "name-drift/doc-agrees", URL: driftURL, Config: eventsDoc("agree.md"), Want: "pass"},
		{ID: "SSE-NAME-004", Fault: "name-drift/doc-and-listeners-agree", URL: driftURL, Config: eventsDoc("agree.md", "user_joined", "price-update"), Want: "pass"},
		{ID: "SSE-NAME-004", Fault: "name-drift/doc-unreadable", URL: driftURL, Config: eventsDoc("missing.md"), Want: "error", Detail: "--events-doc"},
	})
}

func driftURL(t testing.TB) string { return casetest.Fault(t, "name-drift") }
