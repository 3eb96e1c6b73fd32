package reports

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// seg is a run of text; Ctl marks a stand-in for a byte or character that
// would otherwise be invisible or misleading (the template highlights it).
type seg struct {
	S   string
	Ctl bool
}

// maxShownText bounds any one string the page shows.
const maxShownText = 16 << 10

// visible makes a string from the target safe to read: C0 controls become
// their ASCII names (NUL, ESC), invalid UTF-8 bytes \xNN, and invisible or
// text-reordering characters (BOM, bidi overrides, zero-width spaces, C1
// controls) U+XXXX, each a highlighted stand-in. In wire mode line breaks
// and tabs are shown too (LF, CR, →); otherwise LF and tab stay as layout.
// ASCII names rather than Control Pictures (␀ ␊): many fonts, DejaVu and
// Liberation among them, have no glyphs for U+2400…, which shows as boxes.
func visible(s string, wire bool) []seg {
	var out []seg
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, seg{S: b.String()})
			b.Reset()
		}
	}
	ctl := func(s string) {
		flush()
		out = append(out, seg{S: s, Ctl: true})
	}
	cut := 0
	if len(s) > maxShownText {
		cut, s = len(s)-maxShownText, s[:maxShownText]
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			ctl(fmt.Sprintf(`\x%02X`, s[i-1]))
		case r == '\n' && !wire, r == '\t' && !wire:
			b.WriteRune(r)
		case r == '\t':
			ctl("→")
		case r == '\r' && strings.HasPrefix(s[i:], "\n"):
			i++
			ctl("CRLF")
		case r < 0x20:
			ctl(c0Names[r])
		case r == 0x7f:
			ctl("DEL")
		case r == 0xFEFF:
			ctl("BOM")
		case r == utf8.RuneError, invisible(r):
			ctl(fmt.Sprintf("U+%04X", r))
		default:
			b.WriteRune(r)
		}
	}
	flush()
	if cut > 0 {
		out = append(out, seg{S: fmt.Sprintf("… %d more bytes", cut), Ctl: true})
	}
	return out
}

// invisible reports characters that render as nothing or reorder the text
// around them, so a hostile value could look like something it is not.
func invisible(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f, // C1 controls
		r == 0xad,                  // soft hyphen
		r == 0x061c,                // Arabic letter mark
		r >= 0x200b && r <= 0x200f, // zero-width spaces, LRM, RLM
		r >= 0x2028 && r <= 0x202e, // line/paragraph separators, bidi embeddings
		r >= 0x2060 && r <= 0x206f, // word joiner, bidi isolates, deprecated format chars
		r >= 0xfff9 && r <= 0xfffb: // interlinear annotations
		return true
	}
	return false
}

// plain is visible text as one string, for short labels.
func plain(s string) string {
	var b strings.Builder
	for _, sg := range visible(s, false) {
		b.WriteString(sg.S)
	}
	return b.String()
}

var c0Names = [0x20]string{
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO", "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
}

// endingMarks shows how a wire line ended; EOF marks a final line the
// stream ended without terminating.
var endingMarks = map[string]string{"LF": "LF", "CRLF": "CRLF", "CR": "CR", "": "EOF"}

func endingMark(e string) string {
	if m, ok := endingMarks[e]; ok {
		return m
	}
	return plain(e)
}
