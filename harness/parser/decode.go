package parser

import (
	"unicode/utf8"
	"unsafe"
)

// bom is U+FEFF in UTF-8.
const bom = "\xEF\xBB\xBF"

// decode turns b into a string the way a browser's UTF-8 decoder would: each
// maximal subpart of an ill-formed sequence becomes one U+FFFD (WHATWG
// Encoding, "UTF-8 decoder"). Go's own conversions use one U+FFFD per byte,
// which differs for truncated sequences such as "\xE2\x80x".
func decode(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		n, ok := nextRune(b, i)
		if ok {
			out = append(out, b[i:i+n]...)
		} else {
			out = append(out, "\uFFFD"...)
		}
		i += n
	}
	return string(out)
}

// view is decode for bytes the parser owns and never changes (kept line
// copies): valid UTF-8 becomes a string sharing them, with no copy.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if utf8.Valid(b) {
		return unsafe.String(&b[0], len(b))
	}
	return decode(b)
}

// invalidAt returns the index of the first byte of the first ill-formed
// subsequence in b, or -1 when b is valid UTF-8.
func invalidAt(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		n, ok := nextRune(b, i)
		if !ok {
			return i
		}
		i += n
	}
	return -1 // unreachable: utf8.Valid and nextRune agree
}

// nextRune measures the sequence starting at b[i]. It reports the length of
// a well-formed character (ok) or of the maximal subpart to replace with one
// U+FFFD (!ok); the byte that broke a sequence is not consumed, so it is
// examined again as the start of the next one, as the WHATWG decoder does.
func nextRune(b []byte, i int) (n int, ok bool) {
	c := b[i]
	if c < 0x80 {
		return 1, true
	}
	need := 0
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c >= 0xE0 && c <= 0xEF:
		need = 2
		if c == 0xE0 {
			lo = 0xA0 // no overlongs
		} else if c == 0xED {
			hi = 0x9F // no surrogates
		}
	case c >= 0xF0 && c <= 0xF4:
		need = 3
		if c == 0xF0 {
			lo = 0x90 // no overlongs
		} else if c == 0xF4 {
			hi = 0x8F // nothing above U+10FFFF
		}
	default:
		return 1, false
	}
	j := i + 1
	for k := 0; k < need; k++ {
		if j >= len(b) || b[j] < lo || b[j] > hi {
			return j - i, false
		}
		lo, hi = 0x80, 0xBF
		j++
	}
	return j - i, true
}
