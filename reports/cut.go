package reports

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits on what a target can put into a report (issue 9: 1 MiB event ids
// copied into 200 events made a 210 MB report.json).
const (
	MaxValue       = 2048     // bytes kept of one target-derived value: an event field, a header, an evidence string
	maxMessageLine = MaxValue // bytes kept of one line of a message, Expected or Actual
	maxConsoleLine = 512      // bytes of one such line printed on the console: ≤ 3 KiB after Printable
	maxMessage     = 8 << 10  // bytes kept of a whole message
	maxEvidence    = 16 << 10 // JSON bytes of one evidence value before its strings and lists are cut harder
	maxScreenshot  = 2 << 20  // a screenshot larger than this is replaced by its cut text
	maxHeaders     = 100      // header lines a recording lists
	maxListItems   = 1000     // items an evidence list keeps
	// MaxJSON is the size report.json is kept under, whatever the target sent.
	MaxJSON = 20 << 20
)

const cutMark = "… [cut: "

// Cut returns s when it is at most max bytes, else its first max bytes (on
// a UTF-8 boundary) followed by its full length and the start of its
// SHA-256, so a reader sees how it began and can tell two cut values apart:
//
//	xxxx… [cut: 1048576 bytes, sha256:8f990ba0b577b51c]  (1 MiB of "x")
//
// A value Cut already returned is returned unchanged.
func Cut(s string, max int) string {
	if len(s) <= max || isCut(s, max) {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%s%s%d bytes, sha256:%x]", s[:cutPoint(s, max)], cutMark, len(s), sum[:8])
}

// cutPoint is max, or the start of a rune straddling it.
func cutPoint(s string, max int) int {
	n := max
	for i := 0; i < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	if r, size := utf8.DecodeRuneInString(s[n:]); r == utf8.RuneError && size <= 1 || n+size <= max {
		return max // not a rune straddling the limit: invalid bytes are cut where they are
	}
	return n
}

// consoleText cuts each line of s to maxConsoleLine bytes for the
// terminal. A line the report already cut keeps that cut's length and
// hash, which describe the whole value.
func consoleText(s string) string {
	if len(s) <= maxConsoleLine {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) <= maxConsoleLine {
			continue
		}
		if m := strings.LastIndex(l, cutMark); m > maxConsoleLine && isCut(l, m) {
			lines[i] = l[:cutPoint(l, maxConsoleLine)] + l[m:]
		} else {
			lines[i] = Cut(l, maxConsoleLine)
		}
	}
	return strings.Join(lines, "\n")
}

// isCut tells whether s is Cut's output for max.
func isCut(s string, max int) bool {
	i := strings.LastIndex(s, cutMark)
	return i >= 0 && i <= max && strings.HasSuffix(s, "]") && len(s)-i < 64
}

// cutLines cuts each line of a message and the whole.
func cutLines(s string) string {
	if len(s) <= maxMessageLine && !strings.Contains(s, "\n") {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		body := strings.TrimSuffix(l, "\n")
		lines[i] = Cut(body, maxMessageLine) + l[len(body):]
	}
	return Cut(strings.Join(lines, ""), maxMessage)
}

// CutText is how a message from the harness (not from a check's result)
// enters a report: each line and the whole cut.
func CutText(s string) string { return cutLines(s) }

// Truncation is report.json's account of what was cut to keep the report
// readable and under MaxJSON.
type Truncation struct {
	Values  int      `json:"values"`        // values shown as their beginning, full length and SHA-256
	Longest int      `json:"longest_bytes"` // the longest of them before the cut
	Fields  []string `json:"fields"`        // where they were, e.g. "recordings.events.last_event_id"
	// Budget says what was left out to keep report.json under MaxJSON
	// (recordings' wire lines, events and headers; see their *_truncated counts).
	Budget string `json:"budget,omitempty"`
}

// cutter cuts values and remembers what it cut.
type cutter struct {
	values, longest int
	fields          map[string]bool
	budget          string
}

func (c *cutter) cut(field, s string, max int) string {
	out := Cut(s, max)
	if out != s {
		c.note(field, len(s))
	}
	return out
}

func (c *cutter) lines(field, s string) string {
	out := cutLines(s)
	if out != s {
		c.note(field, len(s))
	}
	return out
}

func (c *cutter) note(field string, n int) {
	c.values++
	c.longest = max(c.longest, n)
	c.mark(field)
}

// mark records that field lost something other than a value's tail.
func (c *cutter) mark(field string) {
	if c.fields == nil {
		c.fields = map[string]bool{}
	}
	c.fields[field] = true
}

func (c *cutter) truncation() *Truncation {
	if len(c.fields) == 0 && c.budget == "" {
		return nil
	}
	t := &Truncation{Values: c.values, Longest: c.longest, Fields: []string{}, Budget: c.budget}
	for f := range c.fields {
		t.Fields = append(t.Fields, f)
	}
	sort.Strings(t.Fields)
	return t
}
