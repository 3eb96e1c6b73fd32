package reports

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCutKeepsTheBeginningWithLengthAndHash(t *testing.T) {
	s := strings.Repeat("x", 1<<20)
	sum := sha256.Sum256([]byte(s))
	got := Cut(s, 16)
	want := fmt.Sprintf("xxxxxxxxxxxxxxxx… [cut: 1048576 bytes, sha256:%x]", sum[:8])
	if got != want {
		t.Errorf("Cut = %q, want %q", got, want)
	}
	if Cut("short", 16) != "short" {
		t.Error("a short value was changed")
	}
	if again := Cut(got, 16); again != got {
		t.Errorf("cutting a cut value changed it: %q", again)
	}
	if Cut(s+"y", 16) == got {
		t.Error("two different values cut the same")
	}
}

func TestCutStopsOnARuneBoundary(t *testing.T) {
	got := Cut(strings.Repeat("é", 100), 5) // 2-byte runes: byte 5 is mid-rune
	if head, _, _ := strings.Cut(got, cutMark); head != "éé" || !utf8.ValidString(got) {
		t.Errorf("Cut = %q, want it to start with whole runes", got)
	}
	// Invalid UTF-8 is cut at the byte limit, not walked back forever.
	if got := Cut(strings.Repeat("\x80", 100), 5); !strings.HasPrefix(got, "\x80\x80") || len(got) > 5+64 {
		t.Errorf("Cut = %q", got)
	}
}

func TestCutLinesBoundsEachLineAndTheWhole(t *testing.T) {
	big := strings.Repeat("i", 1<<20)
	msg := fmt.Sprintf("event id %q was not resent\nsecond line", big)
	got := cutLines(msg)
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || lines[1] != "second line" || !strings.HasPrefix(lines[0], `event id "iii`) || !strings.Contains(lines[0], fmt.Sprintf("[cut: %d bytes", strings.Index(msg, "\n"))) {
		t.Errorf("cutLines = %.300q", got)
	}
	if len(lines[0]) > maxMessageLine+64 {
		t.Errorf("first line is %d bytes", len(lines[0]))
	}
	many := strings.Repeat("a line of a long message\n", 10000)
	if n := len(cutLines(many)); n > maxMessage+64 {
		t.Errorf("a 10000-line message kept %d bytes", n)
	}
}

// The console's longest line stays bounded even when every byte of a cut
// value is a control byte that Printable spells out.
func TestConsoleLinesStayBounded(t *testing.T) {
	hostile := strings.Repeat("\x1b", 1<<20)
	r := &Report{Results: []Result{
		{ID: "SSE-X-001", Verdict: Fail, Expected: "id " + hostile, Actual: hostile + "\n" + hostile},
		{ID: "SSE-X-002", Verdict: Error, Message: "got " + hostile},
	}, Warnings: []string{hostile}}
	c := &cutter{}
	for i := range r.Results {
		cutResult(&r.Results[i], c)
	}
	for i, w := range r.Warnings {
		r.Warnings[i] = c.lines("warnings", w)
	}
	r.Truncated = c.truncation()
	var b strings.Builder
	WriteText(&b, r)
	b.WriteString(ProgressLine(Result{ID: "SSE-X-002", Verdict: Fail, Message: hostile}))
	longest := 0
	for line := range strings.Lines(Printable(b.String())) {
		longest = max(longest, len(line))
	}
	if longest > 4<<10 {
		t.Errorf("longest console line %d bytes, want ≤ 4 KiB", longest)
	}
	if !strings.Contains(b.String(), "[cut: 1048579 bytes") { // the console shows the whole value's length, not the report's cut
		t.Errorf("the console does not give the value's length:\n%.2000s", b.String())
	}
	if !strings.Contains(b.String(), "long value(s)") {
		t.Errorf("the console does not say values were cut:\n%.2000s", b.String())
	}
}
