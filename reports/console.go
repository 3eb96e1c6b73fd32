package reports

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable makes text safe for a terminal: what a target or a hook sent
// must not move the cursor, recolour or retitle it. C0 controls other than
// LF and tab, and DEL, become their ASCII names (<ESC>), invalid UTF-8 bytes
// <\xNN>, and C1 controls, bidi overrides and other invisible characters
// <U+XXXX>: the wire log's stand-ins, in brackets.
func Printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `<\x%02X>`, s[i])
		case r == '\n', r == '\t':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString("<" + c0Names[r] + ">")
		case r == 0x7f:
			b.WriteString("<DEL>")
		case r == utf8.RuneError, invisible(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
