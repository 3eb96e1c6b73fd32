package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

// Broken transports are verdicts, not passes (issue 9), and correct
// servers that end their streams or compress them pass.
func TestTRANSPORTChecks(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-FRAME-010", Fault: "transport-reset-mid-event", Detail: "reset"},
		{ID: "SSE-FRAME-010", Fault: "transport-bad-chunk", Detail: "chunked"},
		{ID: "SSE-FRAME-010", Fault: "transport-short-body", Detail: "shorter than its Content-Length"},
		{ID: "SSE-FRAME-010", Fault: "transport-close-after-headers", Detail: "reconnects in a loop"},
		{ID: "SSE-FRAME-010", Fault: "transport-ends-cleanly", Want: reports.Pass},
		{ID: "SSE-FRAME-010", Fault: "transport-gzip-ok", Want: reports.Pass},
		{ID: "SSE-HTTP-013", Fault: "transport-bad-gzip", Detail: "ERR_CONTENT_DECODING_FAILED"},
		{ID: "SSE-HTTP-013", Fault: "transport-bad-deflate", Detail: "decoding the deflate body failed"},
		{ID: "SSE-HTTP-013", Fault: "transport-bad-br", Detail: "decoding the br body failed"},
		{ID: "SSE-HTTP-013", Fault: "transport-unasked-coding", Detail: "did not accept"},
		{ID: "SSE-HTTP-013", Fault: "transport-gzip-ok", Want: reports.Pass},
		{ID: "SSE-HTTP-013", Fault: "transport-deflate-ok", Want: reports.Pass},
		{ID: "SSE-HTTP-013", Fault: "transport-raw-deflate-ok", Want: reports.Pass},
		{ID: "SSE-HTTP-013", Fault: "transport-br-ok", Want: reports.Pass},
		{ID: "SSE-HTTP-013", Fault: "transport-zstd-ok", Want: reports.Pass},
		{ID: "SSE-HTTP-013", Fault: "transport-ends-cleanly", Want: reports.Pass},
		// Events trickled inside one large HTTP chunk are seen as they arrive.
		{ID: "SSE-KEEP-001", Fault: "one-chunk-trickle", Want: reports.Pass},
		{ID: "SSE-FRAME-005", Fault: "one-chunk-trickle", Want: reports.Pass},
	})
}
