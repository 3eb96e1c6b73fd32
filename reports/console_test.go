package reports

import "testing"

func TestPrintableShowsControlsInsteadOfSendingThem(t *testing.T) {
	for in, want := range map[string]string{
		"plain ✔ text\n\tindented":           "plain ✔ text\n\tindented",
		"\x1b[31mred\x1b[0m\r\x07":           "<ESC>[31mred<ESC>[0m<CR><BEL>",
		"\x1b]0;title\x07 \u009b2J \u202eab": "<ESC>]0;title<BEL> <U+009B>2J <U+202E>ab",
		"bad \xff byte \x7f":                 `bad <\xFF> byte <DEL>`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
