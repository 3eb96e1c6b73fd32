package main

import (
	"strings"
	"testing"
)

// TestWarnUnknownEnv: a set SSESPEC_ variable no flag reads is named, with
// the nearest flag's variable when one is two edits away; the flags'
// variables, the project's own switches and other variables pass quietly.
func TestWarnUnknownEnv(t *testing.T) {
	known := map[string]bool{"url": true, "latency-budget": true, "help": true}
	var b strings.Builder
	warnUnknownEnv(&b, known, []string{
		"SSESPEC_URL=http://x", "SSESPEC_URLL=http://x", "SSESPEC_LATENCY_BUDGT=1s", "SSESPEC_ZZZZ=1",
		"SSESPEC_PUBLISH=1", "HOME=/root", "SSESPEC_HELP=1", "SSESPEC_\x1b[31m=1",
	})
	out := b.String()
	for _, want := range []string{
		"SSESPEC_URLL is set but no flag reads it (did you mean SSESPEC_URL, --url?)",
		"SSESPEC_LATENCY_BUDGT is set but no flag reads it (did you mean SSESPEC_LATENCY_BUDGET, --latency-budget?)",
		"SSESPEC_ZZZZ is set but no flag reads it; it is ignored",
		"SSESPEC_HELP is set but no flag reads it",
		"SSESPEC_<ESC>[31m",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("warnings lack %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 5 {
		t.Errorf("%d warnings, want 5:\n%s", n, out)
	}
	if strings.Contains(out, "\x1b") {
		t.Error("a variable's name reached the terminal with its escape sequence")
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"URL", "URLL", 1}, {"BUDGT", "BUDGET", 1}, {"abc", "xyz", 3}, {"kitten", "sitting", 3}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
