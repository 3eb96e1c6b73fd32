package cases_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// connHook points the run at the fault server's own publish hook.
func connHook(c *suite.Config) {
	c.PublishURL = strings.TrimSuffix(c.URL, "/events") + "/publish"
}

// connTLS serves h over TLS (self-signed: the rows set Insecure), offering
// h2 in ALPN only when h2 is true.
func connTLS(h func(testing.TB) http.Handler, h2 bool) func(testing.TB) string {
	return func(t testing.TB) string {
		ts := httptest.NewUnstartedServer(h(t))
		ts.EnableHTTP2 = h2
		ts.StartTLS()
		t.Cleanup(func() { ts.CloseClientConnections(); ts.Close() })
		return ts.URL + "/events"
	}
}

func connInsecure(c *suite.Config) { c.Insecure = true }

func TestCONNChecks(t *testing.T) {
	t.Parallel()
	reference := func(t testing.TB) http.Handler {
		srv := refserver.New(casetest.ReferenceOptions)
		t.Cleanup(srv.Close)
		return srv
	}
	faulty := func(testing.TB) http.Handler { return faults.Stream{} }
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-CONN-001", Fault: "max-10-streams", Config: connHook, Detail: "refused (status 503 ×"},
		{ID: "SSE-CONN-001", Fault: "publish-ok", Config: connHook, Want: reports.Pass},
		{ID: "SSE-CONN-001", Fault: "publish-ok-no-hook", URL: func(t testing.TB) string { return casetest.Fault(t, "publish-ok") }, Want: reports.Skip, Detail: "--publish-url"},

		{ID: "SSE-CONN-002", Fault: "leak-100-streams", Config: connHook, Detail: "refusals began at stream"},
		{ID: "SSE-CONN-002", Fault: "publish-ok", Config: connHook, Want: reports.Pass},

		{ID: "SSE-CONN-003", Fault: "tls-http1-only", URL: connTLS(faulty, false), Config: connInsecure, Detail: "HTTP/1.1 only"},
		{ID: "SSE-CONN-003", Fault: "tls-h2-reference", URL: connTLS(reference, true), Config: connInsecure, Want: reports.Pass},
		{ID: "SSE-CONN-003", Fault: "plain-http", Want: reports.Skip, URL: func(t testing.TB) string { return casetest.Fault(t, "publish-ok") }, Detail: "https:// targets only"},
	})
}
