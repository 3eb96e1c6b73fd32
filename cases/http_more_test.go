package cases_test

import (
	"net/http/httptest"
	"testing"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

const testOrigin = "https://app.example"

func withOrigin(c *suite.Config)   { c.Origin = testOrigin }
func withInsecure(c *suite.Config) { c.Insecure = true }

// tlsReference serves the reference server over TLS; with http2 it
// negotiates h2 (Go's HTTP/2 server), without it only HTTP/1.1.
func tlsReference(http2 bool) func(testing.TB) string {
	return func(t testing.TB) string {
		srv := refserver.New(casetest.ReferenceOptions)
		ts := httptest.NewUnstartedServer(srv)
		ts.EnableHTTP2 = http2
		ts.StartTLS()
		t.Cleanup(func() { srv.Close(); ts.Close() })
		return ts.URL + "/events"
	}
}

func TestHTTPMoreChecks(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-HTTP-008", Fault: "gzip-unflushed", Detail: "nothing decoded from the gzip stream"},
		{ID: "SSE-HTTP-008", Fault: "gzip-flush-2s", Detail: "held back beyond"},
		{ID: "SSE-HTTP-008", Fault: "br-unflushed", Detail: "nothing decoded from the br stream"},
		// Compressed but flushed per event: compression itself is fine.
		{ID: "SSE-HTTP-008", Fault: "gzip-flushed", Want: reports.Pass},
		{ID: "SSE-HTTP-008", Fault: "br-flushed", Want: reports.Pass},

		{ID: "SSE-HTTP-011", Fault: "h2-connection-keep-alive", URL: faults.StartH2ConnectionHeader, Config: withInsecure, Detail: "Connection: keep-alive"},
		{ID: "SSE-HTTP-011", Fault: "tls-http1-reference", URL: tlsReference(false), Config: withInsecure, Want: reports.Skip, Detail: "did not negotiate h2"},

		{ID: "SSE-HTTP-012", Fault: "cors-none", Config: withOrigin, Detail: "first connect and reconnect (Last-Event-ID: "},
		{ID: "SSE-HTTP-012", Fault: "cors-wildcard", Config: withOrigin, Detail: "reject the wildcard"},
		{ID: "SSE-HTTP-012", Fault: "cors-no-credentials", Config: withOrigin, Detail: "no Access-Control-Allow-Credentials"},
		{ID: "SSE-HTTP-012", Fault: "cors-first-connect-only", Config: withOrigin, Detail: "reconnect (Last-Event-ID: "},
	})
}

// TestHTTPChecksPassOnReference is the pass side of the checks the plain
// reference run (TestReferencePassesEveryCheck) can only skip: HTTP-011
// needs HTTP/2 (TLS), HTTP-012 needs --origin.
func TestHTTPChecksPassOnReference(t *testing.T) {
	t.Parallel()
	reference := func(t testing.TB) string { url, _ := casetest.Reference(t); return url }
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-HTTP-008", Fault: "reference", URL: reference, Want: reports.Pass},
		{ID: "SSE-HTTP-011", Fault: "tls-h2-reference", URL: tlsReference(true), Config: withInsecure, Want: reports.Pass},
		{ID: "SSE-HTTP-012", Fault: "reference-with-origin", URL: reference, Config: withOrigin, Want: reports.Pass},
		{ID: "SSE-HTTP-012", Fault: "reference-no-origin", URL: reference, Want: reports.Skip, Detail: "pass --origin https://your.app"},
	})
}
