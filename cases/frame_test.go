package cases_test

import (
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

func TestFRAMEChecksFail(t *testing.T) {
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-FRAME-001", Fault: "invalid-utf8", Detail: "invalid UTF-8 byte 0xE9 at byte "},
		{ID: "SSE-FRAME-001", Fault: "utf8-surrogate", Detail: "0xED"},
		{ID: "SSE-FRAME-002", Fault: "bom-mid-stream", Detail: `"\ufeffid: 3"`},
		{ID: "SSE-FRAME-002", Fault: "bom-twice", Detail: "byte 3 (line 1"},
		{ID: "SSE-FRAME-003", Fault: "field-wrong-case", Detail: `field "Data" (names are case-sensitive)`},
		{ID: "SSE-FRAME-003", Fault: "stray-text-line", Detail: `a text line without a colon: "oops"`},
		{ID: "SSE-FRAME-004", Fault: "cr-line-endings", Detail: "every line ends in a bare CR"},
		{ID: "SSE-FRAME-004", Fault: "mixed-line-endings", Detail: "mixed line endings: LF on"},
		{ID: "SSE-FRAME-004", Fault: "crlf-line-endings", Want: reports.Pass, Detail: "CRLF"},
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
		{ID: "SSE-FRAME-006", Fault: "event-without-data", Detail: `"event: x\n"`},
		{ID: "SSE-FRAME-006", Fault: "id-without-data", Detail: `"id: 3\n"`},
		{ID: "SSE-FRAME-007", Fault: "retry-with-unit", Detail: `value "3s"`},
		{ID: "SSE-FRAME-007", Fault: "retry-empty", Detail: `value ""`},
		{ID: "SSE-FRAME-008", Fault: "id-with-nul", Detail: `id "3\x00x"`},
		{ID: "SSE-FRAME-008", Fault: "id-long", Want: reports.Pass, Detail: "200-byte id"},
		{ID: "SSE-FRAME-009", Fault: "repeated-id", Detail: `id "1", first used by the event at byte`},
	})
}
