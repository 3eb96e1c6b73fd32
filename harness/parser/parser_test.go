package parser

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

type lineWant struct {
	Offset int64
	Raw    string
	Ending Ending
	Kind   LineKind
	Block  int
}

func checkLines(t *testing.T, r *Result, want []lineWant) {
	t.Helper()
	if len(r.Lines) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(r.Lines), len(want), r.Lines)
	}
	for i, w := range want {
		ln := r.Lines[i]
		got := lineWant{ln.Offset, string(ln.Raw), ln.Ending, ln.Kind, ln.Block}
		if got != w {
			t.Errorf("line %d = %+v, want %+v", i, got, w)
		}
	}
}

func TestEndingsAndOffsets(t *testing.T) {
	body := []byte("a:1\nb:2\r\nc:3\rd:4")
	r := Parse(body)
	checkConsistent(t, body, r)
	checkLines(t, r, []lineWant{
		{0, "a:1", EndingLF, KindField, 0},
		{4, "b:2", EndingCRLF, KindField, 0},
		{9, "c:3", EndingCR, KindField, 0},
		{13, "d:4", EndingNone, KindField, 0},
	})
	if r.Pending == nil || r.Pending.First != 0 || r.Pending.Last != 3 || r.Pending.End != 0 {
		t.Errorf("Pending = %+v", r.Pending)
	}
}

func TestBOMOffsets(t *testing.T) {
	body := []byte("\uFEFFdata:x\n\n")
	r := Parse(body)
	checkConsistent(t, body, r)
	if !r.BOM || r.StrayBOMs != nil {
		t.Fatalf("BOM %v StrayBOMs %v", r.BOM, r.StrayBOMs)
	}
	checkLines(t, r, []lineWant{
		{3, "data:x", EndingLF, KindField, 0},
		{10, "", EndingLF, KindBlank, 0},
	})
	ev := r.Events[0]
	if ev.Offset != 3 || ev.End != 11 || ev.Data != "x" || r.Blocks[0].End != 11 {
		t.Errorf("event %+v block %+v", ev, r.Blocks[0])
	}
	// A BOM alone is stripped and leaves no line.
	r = Parse([]byte(bom))
	if !r.BOM || len(r.Lines) != 0 {
		t.Errorf("BOM-only body: BOM %v lines %+v", r.BOM, r.Lines)
	}
}

func TestStrayBOM(t *testing.T) {
	body := []byte("data:1\n\uFEFFdata:2\n\n")
	r := Parse(body)
	checkConsistent(t, body, r)
	if r.BOM || !reflect.DeepEqual(r.StrayBOMs, []int64{7}) {
		t.Fatalf("BOM %v StrayBOMs %v", r.BOM, r.StrayBOMs)
	}
	ln := r.Lines[1]
	if ln.Name != "\uFEFFdata" || ln.Known || ln.Value != "2" {
		t.Errorf("stray-BOM line = %+v", ln)
	}
	if len(r.Events) != 1 || r.Events[0].Data != "1" {
		t.Errorf("events %+v", r.Events)
	}
}

// TestArrivalTimes covers At for each kind of ending, including a CRLF
// split across Feed calls: the line is processed (and its block dispatched)
// when the CR arrives; the LF only completes the ending.
func TestArrivalTimes(t *testing.T) {
	p := New(Options{})
	feed := func(s string, at time.Duration) {
		t.Helper()
		if err := p.Feed([]byte(s), at); err != nil {
			t.Fatal(err)
		}
	}
	feed("data:a", 1*time.Second)
	feed("\n", 2*time.Second)
	feed("\r", 3*time.Second)
	r := p.Result()
	if len(r.Events) != 1 || r.Events[0].At != 3*time.Second || r.Events[0].End != 8 {
		t.Fatalf("dispatch at the CR: events %+v", r.Events)
	}
	feed("\n", 4*time.Second)
	feed("data:b\r\n", 5*time.Second)
	feed("id:7", 6*time.Second)
	p.Finish(7 * time.Second)
	body := []byte("data:a\n\r\ndata:b\r\nid:7")
	checkConsistent(t, body, r)
	checkLines(t, r, []lineWant{
		{0, "data:a", EndingLF, KindField, 0},
		{7, "", EndingCRLF, KindBlank, 0},
		{9, "data:b", EndingCRLF, KindField, 1},
		{17, "id:7", EndingNone, KindField, 1},
	})
	for i, want := range []time.Duration{2, 3, 5, 7} {
		if got := r.Lines[i].At; got != want*time.Second {
			t.Errorf("line %d At = %v, want %vs", i, got, want)
		}
	}
	ev, blk := r.Events[0], r.Blocks[0]
	if ev.End != 9 || blk.End != 9 || ev.At != 3*time.Second || blk.At != 3*time.Second {
		t.Errorf("CRLF-completed end: event %+v block %+v", ev, blk)
	}
	if r.Pending != &r.Blocks[1] || r.Pending.End != 0 || r.Pending.At != 0 || r.Pending.Last != 3 || !r.Pending.HasID {
		t.Errorf("Pending = %+v", r.Pending)
	}
	if r.LastEventID != "" {
		t.Errorf("LastEventID %q: a pending id must not become the last event ID string", r.LastEventID)
	}
}

func TestCRAtChunkBoundary(t *testing.T) {
	cases := []struct {
		chunks  []string
		endings []Ending
	}{
		{[]string{"data:x\r", "\n\r", "\n"}, []Ending{EndingCRLF, EndingCRLF}},
		{[]string{"data:x\r", "\r", "\n"}, []Ending{EndingCR, EndingCRLF}},
		{[]string{"data:x\r", "", "\n", "\n"}, []Ending{EndingCRLF, EndingLF}},
		{[]string{"data:x\r"}, []Ending{EndingCR}},
	}
	for _, c := range cases {
		p := New(Options{})
		for _, s := range c.chunks {
			_ = p.Feed([]byte(s), 0)
		}
		r := p.Finish(0)
		var got []Ending
		for _, ln := range r.Lines {
			got = append(got, ln.Ending)
		}
		if !reflect.DeepEqual(got, c.endings) {
			t.Errorf("%q: endings %v, want %v", c.chunks, got, c.endings)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	body := []byte("data:ok\n\ndata:a\xE2\x80b\xFF\n\n")
	r := Parse(body)
	checkConsistent(t, body, r)
	if r.InvalidUTF8 != 15 {
		t.Errorf("InvalidUTF8 = %d, want 15", r.InvalidUTF8)
	}
	if len(r.Events) != 2 || r.Events[1].Data != "a\uFFFDb\uFFFD" {
		t.Errorf("events %+v", r.Events)
	}
	// A sequence cut by a line ending is ill-formed at its first byte.
	if r := Parse([]byte("data:\xF0\x9F\x98\n\n")); r.InvalidUTF8 != 5 || r.Events[0].Data != "\uFFFD" {
		t.Errorf("truncated: InvalidUTF8 %d events %+v", r.InvalidUTF8, r.Events)
	}
	// A valid sequence split across Feed calls is fine.
	p := New(Options{})
	_ = p.Feed([]byte("data:ok\xE2\x80"), 0)
	_ = p.Feed([]byte("\xA6\n\n"), 0)
	if r := p.Finish(0); r.InvalidUTF8 != -1 || r.Events[0].Data != "ok\u2026" {
		t.Errorf("split: InvalidUTF8 %d events %+v", r.InvalidUTF8, r.Events)
	}
}

// TestDecodeMaximalSubparts follows the WHATWG/Unicode "maximal subpart"
// rule: one U+FFFD per maximal subpart, not per byte.
func TestDecodeMaximalSubparts(t *testing.T) {
	const R = "\uFFFD"
	cases := map[string]string{
		"abc":              "abc",
		"\xE2\x80\xA6":     "\u2026",
		"\xE2\x80x":        R + "x",
		"\xF0\x9F\x98x":    R + "x",
		"\xF0\x9F\x98":     R,
		"\xC0\xAF":         R + R, // C0 never starts a sequence
		"\xE0\x80\xAF":     R + R + R,
		"\xED\xA0\x80":     R + R + R, // surrogate
		"\xF4\x90\x80\x80": R + R + R + R,
		"\xFF:\x80":        R + ":" + R,
		"\xE2\xE2\x80\xA6": R + "\u2026",
	}
	for in, want := range cases {
		if got := decode([]byte(in)); got != want {
			t.Errorf("decode(%q) = %q, want %q", in, got, want)
		}
		wantAt := -1
		if in != "abc" && in != "\xE2\x80\xA6" {
			wantAt = 0
		}
		if got := invalidAt([]byte(in)); got != wantAt {
			t.Errorf("invalidAt(%q) = %d, want %d", in, got, wantAt)
		}
	}
}

func TestBlocksAndComments(t *testing.T) {
	body := []byte(":hello\n\n\ndata:1\n: inside\nevent:e\nid:9\nretry:x\n\n:after\nfoo\n\n")
	r := Parse(body)
	checkConsistent(t, body, r)
	checkLines(t, r, []lineWant{
		{0, ":hello", EndingLF, KindComment, -1},
		{7, "", EndingLF, KindBlank, -1},
		{8, "", EndingLF, KindBlank, -1},
		{9, "data:1", EndingLF, KindField, 0},
		{16, ": inside", EndingLF, KindComment, 0},
		{25, "event:e", EndingLF, KindField, 0},
		{33, "id:9", EndingLF, KindField, 0},
		{38, "retry:x", EndingLF, KindField, 0},
		{46, "", EndingLF, KindBlank, 0},
		{47, ":after", EndingLF, KindComment, -1},
		{54, "foo", EndingLF, KindField, 1},
		{58, "", EndingLF, KindBlank, 1},
	})
	if v := r.Lines[4].Value; v != " inside" {
		t.Errorf("comment value %q: the leading space must stay", v)
	}
	b := r.Blocks[0]
	if b.First != 3 || b.Last != 8 || b.Offset != 9 || b.End != 47 || !b.HasData || !b.HasEvent || !b.HasID || !b.HasRetry || !b.Dispatched || b.Event != 0 {
		t.Errorf("block 0 = %+v", b)
	}
	if b := r.Blocks[1]; b.Dispatched || b.Event != -1 || b.HasData {
		t.Errorf("block 1 = %+v", b)
	}
	ev := r.Events[0]
	if ev.Type != "e" || ev.Data != "1" || ev.LastEventID != "9" || ev.ID == nil || *ev.ID != "9" {
		t.Errorf("event = %+v", ev)
	}
	if r.RetrySet || r.LastEventID != "9" || r.Lines[10].Known || r.Lines[10].Name != "foo" || r.Lines[10].Value != "" {
		t.Errorf("RetrySet %v LastEventID %q line %+v", r.RetrySet, r.LastEventID, r.Lines[10])
	}
}

func TestFieldSplitting(t *testing.T) {
	r := Parse([]byte("data:  two\ndata\nDATA:x\nevent:a:b\n\n"))
	want := []struct{ name, value string }{{"data", " two"}, {"data", ""}, {"DATA", "x"}, {"event", "a:b"}}
	for i, w := range want {
		if ln := r.Lines[i]; ln.Name != w.name || ln.Value != w.value || ln.Known != (w.name != "DATA") {
			t.Errorf("line %d = %+v, want %+v", i, ln, w)
		}
	}
	if ev := r.Events[0]; ev.Type != "a:b" || ev.Data != " two\n" {
		t.Errorf("event %+v", ev)
	}
}

func TestRetry(t *testing.T) {
	r := Parse([]byte("retry:0\n"))
	if !r.RetrySet || r.Retry != 0 {
		t.Errorf("retry:0 -> %v set %v", r.Retry, r.RetrySet)
	}
	r = Parse([]byte("retry: 1500\nretry:-1\nretry:1e3\nretry: \n"))
	if r.Retry != 1500*time.Millisecond {
		t.Errorf("retry = %v, want 1.5s", r.Retry)
	}
	r = Parse([]byte("retry:99999999999999999999999\n"))
	if r.Retry != time.Duration(math.MaxInt64/int64(time.Millisecond))*time.Millisecond {
		t.Errorf("huge retry = %v, want saturation", r.Retry)
	}
	// An unterminated final line is never a line to a browser.
	r = Parse([]byte("retry:500\n\nretry:700"))
	if r.Retry != 500*time.Millisecond || r.Lines[2].Name != "retry" || r.Pending == nil || !r.Pending.HasRetry {
		t.Errorf("unterminated retry: %v pending %+v", r.Retry, r.Pending)
	}
}

func TestIDNullIgnored(t *testing.T) {
	r := Parse([]byte("id:1\ndata:a\n\nid:x\x00y\ndata:b\n\n"))
	if r.Events[1].LastEventID != "1" || r.Events[1].ID != nil || !r.Blocks[1].HasID {
		t.Errorf("events %+v blocks %+v", r.Events, r.Blocks)
	}
}

func TestLineTooLong(t *testing.T) {
	p := New(Options{MaxLine: 8})
	if err := p.Feed([]byte("data:1\n"), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := p.Feed([]byte("data:123"), time.Second); err != nil {
		t.Fatalf("a line of exactly MaxLine bytes: %v", err)
	}
	if err := p.Feed([]byte("4\n\n"), time.Second); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("err = %v", err)
	}
	if err := p.Feed([]byte("data:z\n\n"), time.Second); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("after the error: %v", err)
	}
	r := p.Finish(2 * time.Second)
	if r.Err != ErrLineTooLong || len(r.Lines) != 1 || len(r.Events) != 0 || r.Bytes != 7+8+3+8 {
		t.Errorf("Err %v lines %+v events %+v bytes %d", r.Err, r.Lines, r.Events, r.Bytes)
	}
	if r.Pending == nil || r.Pending.Last != 0 {
		t.Errorf("the block open at the error should be pending: %+v", r.Pending)
	}
	// A whole over-long line in one chunk fails just the same.
	if err := New(Options{MaxLine: 8}).Feed([]byte("data:1234\n"), 0); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("complete long line: %v", err)
	}
	if err := New(Options{MaxLine: 8}).Feed([]byte("data:123\r\n"), 0); err != nil {
		t.Errorf("exact line: %v", err)
	}
}

func TestRawIsCopied(t *testing.T) {
	buf := []byte("data:abc\n")
	p := New(Options{})
	_ = p.Feed(buf, 0)
	copy(buf, "XXXXXXXX")
	if got := string(p.Result().Lines[0].Raw); got != "data:abc" {
		t.Errorf("Raw aliases the caller's buffer: %q", got)
	}
}

func TestEmptyAndFinishTwice(t *testing.T) {
	p := New(Options{})
	r := p.Finish(time.Second)
	if !r.Finished || len(r.Lines) != 0 || r.Pending != nil || r.InvalidUTF8 != -1 {
		t.Errorf("empty: %+v", r)
	}
	_ = p.Feed([]byte("data:x\n\n"), 2*time.Second)
	if r2 := p.Finish(3 * time.Second); r2 != r || len(r.Lines) != 0 || r.Bytes != 0 {
		t.Errorf("input after Finish was used: %+v", r)
	}
}

func TestMaxLinesStopsAFirehoseOfTinyLines(t *testing.T) {
	p := New(Options{MaxLines: 100})
	body := bytes.Repeat([]byte("data:x\n\n"), 1000)
	err := p.Feed(body, 0)
	if err != ErrTooManyLines {
		t.Fatalf("Feed: %v, want ErrTooManyLines", err)
	}
	r := p.Finish(0)
	if len(r.Lines) != 100 || r.Err != ErrTooManyLines || r.Bytes != int64(len(body)) {
		t.Fatalf("lines %d, err %v, bytes %d", len(r.Lines), r.Err, r.Bytes)
	}
}

// The data buffer grows across lines until a blank line, so a line limit
// alone does not bound it: a stream of long data lines with no blank line
// must stop at MaxData, while events of up to MaxData each keep passing.
func TestMaxDataBoundsTheDataBufferAcrossLines(t *testing.T) {
	p := New(Options{MaxData: 8}) // "abc\ndef\n" fits exactly
	for range 3 {
		if err := p.Feed([]byte("data:abc\ndata:def\n\n"), 0); err != nil {
			t.Fatalf("an event of exactly MaxData: %v", err)
		}
	}
	if err := p.Feed([]byte("data:abc\ndata:def\ndata:g\n"), time.Second); !errors.Is(err, ErrDataTooLong) {
		t.Fatalf("err = %v, want ErrDataTooLong", err)
	}
	if err := p.Feed([]byte("\ndata:x\n\n"), time.Second); !errors.Is(err, ErrDataTooLong) {
		t.Fatalf("after the error: %v", err)
	}
	r := p.Finish(2 * time.Second)
	if r.Err != ErrDataTooLong || len(r.Events) != 3 || r.Events[2].Data != "abc\ndef" {
		t.Fatalf("err %v events %+v", r.Err, r.Events)
	}
	if r.Pending == nil {
		t.Error("the block open at the error should be pending")
	}
	// The default bound holds too.
	d := New(Options{})
	line := append(append([]byte("data:"), bytes.Repeat([]byte("A"), DefaultMaxLine-6)...), '\n')
	var err error
	for i := 0; err == nil && i < 2*DefaultMaxData/len(line); i++ {
		err = d.Feed(line, 0)
	}
	if !errors.Is(err, ErrDataTooLong) {
		t.Fatalf("default: err = %v after %d bytes", err, d.Result().Bytes)
	}
	if b := d.Result().Bytes; b > DefaultMaxData+int64(len(line)) {
		t.Errorf("stopped only after %d bytes", b)
	}
}
