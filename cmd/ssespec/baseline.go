package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// cmdBaseline writes an expected-failures file from a run's report.json.
func cmdBaseline(cmd *cobra.Command) runFunc {
	about(cmd, "baseline --from report.json [-o ssespec-baseline.json]",
		"Writes the run's failures as an expected-failures file for run/proxy --baseline: each entry",
		"has the check's ID, level, verdict and message, and a \"reason\" for you to fill in.")
	var from, out string
	var mustOnly bool
	cmd.Flags().StringVar(&from, "from", "", "`report.json` of the run whose failures become the baseline (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the baseline to `FILE` instead of stdout")
	cmd.Flags().BoolVar(&mustOnly, "must-only", false, "list only MUST failures and errors, which fail any run (default: SHOULD failures too, which fail --strict runs)")
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return baseline(&from, out, mustOnly, stdout, stderr)
	}
}

func baseline(from *string, out string, mustOnly bool, stdout, stderr io.Writer) int {
	if *from == "" {
		fmt.Fprintln(stderr, "ssespec baseline: pass --from with a run's report.json")
		return exitUsage
	}
	r, err := readReport(*from)
	if err != nil {
		fmt.Fprintf(console{w: stderr}, "ssespec baseline: %v\n", err)
		return exitUsage
	}
	if r.Interrupted != "" || r.TargetStopped != "" || r.HookStopped != "" {
		// Its errors say "not run", not how the server behaves: a baseline of
		// them would hide real failures until they turn stale.
		fmt.Fprintf(console{w: stderr}, "ssespec baseline: warning: %s was a run cut short (interrupted %q, target stopped %q, publish hook stopped %q); baseline a complete run\n",
			*from, r.Interrupted, r.TargetStopped, r.HookStopped)
	}
	b := reports.NewBaseline(r, mustOnly)
	var buf bytes.Buffer
	if err := reports.WriteBaseline(&buf, b); err != nil {
		fmt.Fprintf(stderr, "ssespec baseline: %v\n", err)
		return exitHarness
	}
	if out == "" {
		stdout.Write(buf.Bytes())
		return exitOK
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(console{w: stderr}, "ssespec baseline: %v\n", err)
		return exitHarness
	}
	fmt.Fprintf(console{w: stderr}, "ssespec baseline: %d known failure(s) written to %s; fill in each \"reason\"\n", len(b.Entries), out)
	return exitOK
}

// readBaseline reads --baseline, or returns nil without one.
func readBaseline(path string) (*reports.Baseline, error) {
	if path == "" {
		return nil, nil
	}
	return reports.ReadBaseline(path)
}

// applyBaseline marks the run's known failures and rewrites report.json and
// report.html (the runner wrote them before the baseline applied).
func applyBaseline(r *reports.Report, b *reports.Baseline, path, reportDir string) error {
	reports.ApplyBaseline(r, b, path, func(id string) bool {
		_, ok := suite.Lookup(id) // the run registered every check
		return ok
	})
	if reportDir == "" {
		return nil
	}
	if err := reports.WriteJSON(r, filepath.Join(reportDir, reports.JSONFile)); err != nil {
		return err
	}
	if err := reports.WriteJUnit(r, filepath.Join(reportDir, reports.JUnitFile)); err != nil {
		return err
	}
	return reports.WriteHTML(r, filepath.Join(reportDir, reports.HTMLFile))
}
