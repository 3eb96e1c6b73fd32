package reports

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
)

func TestViewRecordingCutsEveryTargetValue(t *testing.T) {
	big := strings.Repeat("v", 200<<10)
	body := "id: " + big + "\nevent: " + big + "\ndata: " + big + "\n\n: " + big + "\ndata: next\n\n"
	rec := &stream.Recording{URL: "http://t/events", Status: 200, Proto: "HTTP/1.1" + big,
		Header: http.Header{"X-Big": {big}, "X-" + big: {"v"}}, Parse: parser.Parse([]byte(body))}
	for i := range 300 {
		rec.Header.Add(fmt.Sprintf("X-Many-%03d", i), "v")
	}
	c := &cutter{}
	v := viewRecording(rec, c)
	b, _ := json.Marshal(v)
	if len(b) > 64<<10 {
		t.Errorf("one recording of 800 KiB of values takes %d bytes", len(b))
	}
	if len(v.Events) != 2 || !strings.Contains(v.Events[1].ID, "[cut: 204800 bytes") || !strings.Contains(v.Events[0].Type, "[cut: ") || !strings.Contains(v.Events[0].Data, "[cut: ") {
		t.Errorf("events not cut: %.200v", v.Events)
	}
	if v.HeadersCut != 302-maxHeaders {
		t.Errorf("headers_truncated = %d, want %d", v.HeadersCut, 302-maxHeaders)
	}
	for _, w := range v.Wire {
		if len(w.Text) > maxLineText+64 {
			t.Errorf("wire line of %d bytes", len(w.Text))
		}
	}
	tr := c.truncation()
	if tr == nil || tr.Longest != len(big)+len("HTTP/1.1") && tr.Longest < len(big) {
		t.Fatalf("truncation = %+v", tr)
	}
	for _, f := range []string{"recordings.events.last_event_id", "recordings.events.type", "recordings.events.data", "recordings.wire", "recordings.headers", "recordings.headers_truncated", "recordings.proto"} {
		if !strings.Contains(strings.Join(tr.Fields, " "), f) {
			t.Errorf("truncation does not name %s: %v", f, tr.Fields)
		}
	}
}

// However many recordings each listing the most it may, report.json stays
// under MaxJSON and says what it left out.
func TestBudgetKeepsReportUnderMaxJSON(t *testing.T) {
	val := strings.Repeat("\x01", MaxValue) // JSON spells each byte \u0001: 6× its size
	r := &Report{Recordings: map[string]Recording{}}
	for i := range 60 {
		rec := Recording{URL: "http://t/", Header: http.Header{}}
		for j := range maxWireLines {
			rec.Wire = append(rec.Wire, WireLine{Text: val, Kind: "field", Offset: int64(j)})
		}
		for range maxEvents {
			rec.Events = append(rec.Events, EventView{Type: val, ID: val, Data: val})
		}
		for j := range maxHeaders {
			rec.Header.Set(fmt.Sprintf("X-%d", j), val)
		}
		r.Recordings[fmt.Sprint("rec-", i)] = rec
	}
	r.Recordings["small"] = Recording{URL: "http://t/", Events: []EventView{{Data: "x"}}}
	c := &cutter{}
	budgetRecordings(r, c)
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > MaxJSON {
		t.Errorf("report.json would be %d MiB, want ≤ %d MiB", len(b)>>20, MaxJSON>>20)
	}
	if len(b) < MaxJSON/2 {
		t.Errorf("report.json would be %d MiB: the budget left out more than it had to", len(b)>>20)
	}
	if c.truncation() == nil || c.truncation().Budget == "" {
		t.Error("the report does not say the budget cut recordings")
	}
	if s := r.Recordings["small"]; len(s.Events) != 1 || s.EventsCut != 0 {
		t.Error("a small recording was cut")
	}
	rec := r.Recordings["rec-0"]
	if len(rec.Events)+rec.EventsCut != maxEvents || rec.EventsCut == 0 || len(rec.Wire)+rec.WireCut != maxWireLines {
		t.Errorf("events %d + %d cut, wire %d + %d cut: counts do not add up", len(rec.Events), rec.EventsCut, len(rec.Wire), rec.WireCut)
	}
}

func TestCutEvidence(t *testing.T) {
	big := strings.Repeat("e", 1<<20)
	c := &cutter{}
	if got := cutEvidence("last_id", big, c).(string); !strings.Contains(got, "[cut: 1048576 bytes") {
		t.Errorf("string evidence not cut: %.100q", got)
	}
	if got := cutEvidence("recordings", []string{"observation", big}, c).([]string); got[0] != "observation" || len(got[1]) > MaxValue+64 {
		t.Errorf("[]string evidence: %.100q", got)
	}
	type pair struct{ ID, Type string }
	got := cutEvidence("pairs", []pair{{big, "t"}, {"1", "t"}}, c)
	if b, _ := json.Marshal(got); len(b) > maxEvidence {
		t.Errorf("struct evidence is %d bytes", len(b))
	}
	ids := make([]string, 5000)
	for i := range ids {
		ids[i] = strings.Repeat("i", 1000)
	}
	got = cutEvidence("ids", map[string]any{"seen": ids}, c)
	if b, _ := json.Marshal(got); len(b) > maxEvidence+64 {
		t.Errorf("a 5 MB list of evidence is %d bytes", len(b))
	}
	small := map[string]int{"a": 1}
	if got := cutEvidence("counts", small, c); fmt.Sprint(got) != fmt.Sprint(small) {
		t.Errorf("small evidence changed: %v", got)
	}
	shot := strings.Repeat("A", 100<<10)
	if cutEvidence(evScreenshot, shot, c) != shot {
		t.Error("a screenshot was cut")
	}
	tr := c.truncation()
	if tr == nil || !strings.Contains(strings.Join(tr.Fields, " "), "results.evidence.ids (list shortened)") {
		t.Errorf("truncation = %+v", tr)
	}
}

// jsonLen is an upper bound of encoding/json's length, for any bytes.
func TestJSONLenBoundsTheEncoding(t *testing.T) {
	samples := []string{"", "plain", "<script>&\"\\", "\x00\x1b\x7f", "é中😀", "\xff\xfe\xc3", "\u2028\u2029", "a\u0085b"}
	buf := make([]byte, 4096)
	for i := range 200 {
		rand.Read(buf[:i*20])
		samples = append(samples, string(buf[:i*20]))
	}
	for _, s := range samples {
		b, _ := json.Marshal(s)
		if n := jsonLen(s); n < len(b) {
			t.Errorf("jsonLen(%.40q) = %d, encoding is %d bytes", s, n, len(b))
		}
	}
}

func TestHTMLSaysWhatWasCut(t *testing.T) {
	r := sampleReport()
	r.Truncated = &Truncation{Values: 3, Longest: 1 << 20, Fields: []string{"recordings.events.last_event_id"}, Budget: "recordings list fewer wire lines"}
	out := renderHTML(t, r)
	for _, want := range []string{`id="truncated"`, "3 long value(s)", "up to 1048576 bytes", "<code>recordings.events.last_event_id</code>", "recordings list fewer wire lines"} {
		if !strings.Contains(out, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(renderHTML(t, sampleReport()), `id="truncated"`) {
		t.Error("report.html says values were cut when none were")
	}
}
