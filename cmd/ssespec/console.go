package main

import (
	"io"
	"os"

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
// are shown, not sent to the terminal. The CLI itself prints no colour.
type console struct{ w io.Writer }

func (c console) Write(b []byte) (int, error) {
	if _, err := io.WriteString(c.w, reports.Printable(redact.String(string(b)))); err != nil {
		return 0, err
	}
	return len(b), nil
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
