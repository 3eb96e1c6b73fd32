package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
)

func TestHTTPChecksFail(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-HTTP-001", Fault: "status-404", Detail: "404"},
		{ID: "SSE-HTTP-002", Fault: "content-type-json", Detail: "application/json"},
		{ID: "SSE-HTTP-003", Fault: "charset-latin1", Detail: "iso-8859-1"},
		{ID: "SSE-HTTP-004", Fault: "content-length", Detail: "100000"},
		{ID: "SSE-HTTP-005", Fault: "no-cache-control"},
		{ID: "SSE-HTTP-006", Fault: "etag"},
		{ID: "SSE-HTTP-007", Fault: "no-x-accel-buffering"},
		{ID: "SSE-HTTP-009", Fault: "accept-required", Detail: "406"},
		{ID: "SSE-HTTP-010", Fault: "headers-held"},
	})
}
