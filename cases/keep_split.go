package cases

import (
	"fmt"
	"strings"

	"github.com/ssespec/ssespec/harness/parser"
)

// keepCommentSplits finds events a comment keepalive split (SSE-KEEP-002,
// rule 1): an event block whose last line before its blank line is a
// comment the target also sends as a keepalive of its own, followed
// at once by a block with event fields, the rest of the split event.
func keepCommentSplits(res *parser.Result) []string {
	// The target's keepalives: a comment outside any event block (the
	// parser starts a block at its first field line) right before a blank
	// line that ends no block.
	keepalives := map[string]bool{}
	for i := 1; i < len(res.Lines); i++ {
		c, ln := res.Lines[i-1], res.Lines[i]
		if c.Kind == parser.KindComment && c.Block < 0 && ln.Kind == parser.KindBlank && ln.Block < 0 {
			keepalives[keepShape(c.Value)] = true
		}
	}
	var splits []string
	for bi, b := range res.Blocks {
		if b.End == 0 || b.Last-1 <= b.First || !(b.HasData || b.HasEvent || b.HasID) {
			continue
		}
		c := res.Lines[b.Last-1]
		if c.Kind != parser.KindComment || !keepalives[keepShape(c.Value)] {
			continue
		}
		next := b.Last + 1
		if next >= len(res.Lines) || res.Lines[next].Block < 0 {
			continue // nothing after it, or a blank line: the event's own end
		}
		nb := res.Blocks[res.Lines[next].Block]
		if nb.First != next || !(nb.HasData || nb.HasEvent || nb.HasID) {
			continue
		}
		upto := nb.Last
		if nb.End != 0 {
			upto-- // not its blank line
		}
		splits = append(splits, fmt.Sprintf("keepalive comment %s at byte %d (%d ms) and its blank line ended the event block that began at byte %d (%s); the event's next lines arrived as a separate block at byte %d (%s)",
			quoteWire(c.Raw), c.Offset, c.At.Milliseconds(), b.Offset, keepBlockText(res, bi, b.Last-1),
			nb.Offset, keepBlockText(res, res.Lines[next].Block, upto)))
	}
	return splits
}

// keepShape is a comment's text with surrounding space trimmed and each run
// of digits as one '0', so keepalives carrying a counter or a timestamp
// (": ping 17", ": 1733150000") are the same keepalive.
func keepShape(s string) string {
	var b strings.Builder
	digit := false
	for _, r := range strings.TrimSpace(s) {
		if r >= '0' && r <= '9' {
			if !digit {
				b.WriteByte('0')
			}
			digit = true
			continue
		}
		digit = false
		b.WriteRune(r)
	}
	return b.String()
}
