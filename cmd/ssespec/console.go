package main

import (
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/ssespec/ssespec/internal/redact"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// registerSecrets registers the credentials of every URL and header the
// user passed, so that nothing the run writes repeats them (redact).
func registerSecrets(cfg suite.Config) {
	for _, u := range []string{cfg.URL, cfg.PublishURL, cfg.DoneURL, cfg.Via, cfg.BrowserURL, cfg.Origin} {
		redact.RegisterURL(u)
	}
	redact.RegisterHeader(cfg.Header)
}

// console is what the CLI prints a run through: registered secrets are
// replaced, and control characters (the target's or a hook's ANSI escapes)
// are shown, not sent to the terminal. With color, the verdict marks are
// coloured afterwards, so the only escape sequences written are those.
type console struct {
	w     io.Writer
	color bool
}

func (c console) Write(b []byte) (int, error) {
	s := reports.Printable(redact.String(string(b)))
	if c.color {
		s = colorMarks.Replace(s)
	}
	if _, err := io.WriteString(c.w, s); err != nil {
		return 0, err
	}
	return len(b), nil
}

var colorMarks = strings.NewReplacer(
	"✔ SSE-", "\x1b[32m✔\x1b[0m SSE-",
	"✖ SSE-", "\x1b[31m✖\x1b[0m SSE-",
	"! SSE-", "\x1b[33m!\x1b[0m SSE-",
)

// colorFor reports whether output to w is coloured: only on a terminal,
// and not when NO_COLOR is set (no-color.org) or TERM is dumb.
func colorFor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// scrubFile rewrites a file the run wrote outside the CLI's control (Ginkgo's
// log) with the registered secrets replaced.
func scrubFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if out := redact.Bytes(b); len(out) != len(b) || string(out) != string(b) {
		return os.WriteFile(path, out, 0o644)
	}
	return nil
}
