package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/suite"
)

// fixtureTemplates are the scanner's fixture templates (listening for
// user-joined, price-update, message, … but not user_joined).
const fixtureTemplates = "../harness/templates/testdata/templates"

func TestNAMEChecksFail(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-NAME-001", Fault: "lowercase-names", Config: withPublish(), Detail: `"Update" arrived as "update"`},
		{ID: "SSE-NAME-002", Fault: "unnamed-as-undefined", Config: withPublish(), Detail: `type "undefined"`},
		{ID: "SSE-NAME-003", Fault: "name-injection", Config: withPublish(), Detail: `produced the line "id: injected1-`},
		{ID: "SSE-NAME-004", Fault: "name-drift", Config: events("user-joined", "price-update"),
			Detail: `emitted but no listener: "user_joined"`},
		{ID: "SSE-NAME-004", Fault: "name-drift", Config: func(c *suite.Config) { c.Templates = fixtureTemplates },
			Detail: `"user-joined" (index.html:9 (sse-swap))`},
	})
}

func TestNAMEChecksPass(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-NAME-001", Fault: "publish-ok", Config: withPublish(), Want: "pass"},
		{ID: "SSE-NAME-002", Fault: "publish-ok", Config: withPublish(), Want: "pass"},
		{ID: "SSE-NAME-003", Fault: "publish-ok", Config: withPublish(), Want: "pass"}, // rejects CR/LF with 400
		{ID: "SSE-NAME-004", Fault: "name-drift", Config: events("user_joined", "price-update"), Want: "pass"},
		{ID: "SSE-NAME-004", Fault: "name-drift", Want: "skip", Detail: "--events"},
	})
}

func events(names ...string) func(*suite.Config) {
	return func(c *suite.Config) { c.Events = names }
}
