package reports

import (
	"strings"
	"testing"
)

func TestWireBodyStopsWhereTheCopyIsNotExact(t *testing.T) {
	whole := wire("data: a", "CRLF", "", "CRLF", "data: b", "CR", "", "CR", ": tail", "")
	if b, notes := wireBody(whole, nil); string(b) != "data: a\r\n\r\ndata: b\r\r: tail" || len(notes) != 0 {
		t.Errorf("whole: %q %q", b, notes)
	}

	bom := wire("data: a", "LF", "", "LF")
	for i := range bom.Wire {
		bom.Wire[i].Offset += 3
	}
	bom.Bytes += 3
	if b, _ := wireBody(bom, nil); string(b) != "\uFEFFdata: a\n\n" {
		t.Errorf("leading BOM: %q", b)
	}

	// 0xFF in line 2 became U+FFFD (3 bytes): line 3 starts 2 bytes
	// earlier than the copy ends.
	lossy := wire("data: a", "LF", "data: \uFFFD", "LF", "", "LF")
	lossy.Wire[2].Offset -= 2
	lossy.Bytes -= 2
	if b, notes := wireBody(lossy, nil); string(b) != "data: a\n" || !strings.Contains(strings.Join(notes, ""), "line 2 is not byte for byte") {
		t.Errorf("lossy middle line: %q %q", b, notes)
	}

	lossyLast := wire("data: a", "LF", "data: \uFFFD", "")
	lossyLast.Bytes -= 2
	if b, notes := wireBody(lossyLast, nil); string(b) != "data: a\n" || !strings.Contains(strings.Join(notes, ""), "line 2 may not be") {
		t.Errorf("lossy last line: %q %q", b, notes)
	}

	cut := wire("data: a", "LF", "data: xxxx… [cut: 9000 bytes, sha256:0123]", "LF")
	cut.Wire[1].Cut = 8000
	if b, notes := wireBody(cut, nil); string(b) != "data: a\n" || !strings.Contains(strings.Join(notes, ""), "cut line 2") {
		t.Errorf("cut line: %q %q", b, notes)
	}

	some := wire("data: a", "LF", "", "LF")
	some.WireCut, some.Bytes = 10, 500
	if b, notes := wireBody(some, nil); string(b) != "data: a\n\n" || !strings.Contains(strings.Join(notes, ""), "left 10 out") {
		t.Errorf("lines left out: %q %q", b, notes)
	}
}

// wire makes a report recording of lines (text, ending) from offset 0.
func wire(lines ...string) Recording {
	var rec Recording
	for i := 0; i < len(lines); i += 2 {
		rec.Wire = append(rec.Wire, WireLine{Offset: rec.Bytes, Text: lines[i], Ending: lines[i+1]})
		rec.Bytes += int64(len(lines[i]) + map[string]int{"LF": 1, "CRLF": 2, "CR": 1, "": 0}[lines[i+1]])
	}
	return rec
}
