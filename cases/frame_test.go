package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// TestFRAMEChecksFail: the FRAME checks that need a live stream (whether
// and how it ended, how long it was silent, the harness's limits), against
// fault servers. The FRAME checks that judge body bytes alone are proven on
// canned recordings (recorded_test.go).
func TestFRAMEChecksFail(t *testing.T) {
	t.Parallel()
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-FRAME-005", Fault: "unterminated-final-event", Detail: `"data: last"`},
		{ID: "SSE-FRAME-005", Fault: "closes-cleanly", Want: reports.Pass, Detail: "no event left unterminated"},
		{ID: "SSE-FRAME-005", Fault: "no-final-blank-line", Detail: `"id: 4\ndata: last\n"`},
		// An open stream: judged by an event left without its blank line.
		{ID: "SSE-FRAME-005", Fault: "blank-line-one-behind", Detail: `had its data lines but no blank line, and nothing arrived for the last`},
		{ID: "SSE-FRAME-005", Fault: "huge-event-trickle", Want: reports.Pass, Detail: "was still arriving"},
		{ID: "SSE-FRAME-005", Fault: "comments-only", Want: reports.Skip, Detail: "no event (a block with a data line) was completed"},
		// A harness limit is an error, never a quiet skip: a line past
		// --max-line, and (the same clean stream as above) past --max-bytes.
		{ID: "SSE-FRAME-005", Fault: "hostile-endless-line", Want: reports.Error, Detail: "line exceeds the maximum line length"},
		{ID: "SSE-FRAME-005", Fault: "closes-cleanly", Want: reports.Error, Config: func(c *suite.Config) { c.MaxBytes = 10 }, Detail: "raise --max-bytes"},
	})
}

// TestFRAMEChecksFailLive: the FRAME checks proven on recordings judge a
// live stream the same way. One fault server carries a body fault for each
// of them, and each fails in one live run.
func TestFRAMEChecksFailLive(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"SSE-FRAME-001": "invalid UTF-8 byte 0xE9",
		"SSE-FRAME-002": `"\ufeffid: 3"`,
		"SSE-FRAME-003": `field "Data" (names are case-sensitive)`,
		"SSE-FRAME-004": "mixed line endings",
		"SSE-FRAME-006": `"event: x\n"`,
		"SSE-FRAME-007": `value "3s"`,
		"SSE-FRAME-008": `id "8\x00x"`,
		"SSE-FRAME-009": `id "1", first used by the event at byte`,
	}
	var ids []string
	for id := range want {
		ids = append(ids, id)
	}
	r := casetest.Check(t, casetest.FastConfig(casetest.Fault(t, "frame-all-at-once"), ids...))
	for id, detail := range want {
		casetest.Expect(t, r, id, reports.Fail, detail)
	}
}
