package reports

import (
	"strings"
	"testing"
)

// A recording made from a capture (ssespec judge) has no arrival times:
// the HTML report draws no timeline and shows no times for it.
func TestHTMLCaptureShowsNoTimes(t *testing.T) {
	rec := Recording{Status: 200, End: "capture", Bytes: 9, Chunks: 1,
		Wire:   []WireLine{{Offset: 0, Kind: "field", Ending: "LF", Text: "data: x"}, {Offset: 8, Kind: "blank", Ending: "LF"}},
		Events: []EventView{{Type: "message", Data: "x"}}}
	r := &Report{Mode: "offline", Recordings: map[string]Recording{"observation": rec},
		Results: []Result{{ID: "SSE-FRAME-003", Title: "t", Level: "SHOULD", Verdict: Fail, Message: "m", Evidence: map[string]any{"recording": "observation"}}}}
	out := renderHTML(t, r)
	if strings.Contains(out, `class="timeline"`) || strings.Contains(out, "<td>0.0</td>") || strings.Contains(out, "ended capture") {
		t.Error("a capture's recording is drawn with times it has not")
	}
	if !strings.Contains(out, "no arrival times") || !strings.Contains(out, "<td>–</td>") {
		t.Error("the recording does not say it is a capture without times")
	}
}
