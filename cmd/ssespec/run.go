package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssespec/ssespec"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

func cmdRun(cmd *cobra.Command) runFunc {
	about(cmd, "run --url URL", "Checks the SSE endpoint at URL and writes the reports.")
	fs := cmd.Flags()
	var f runFlags
	fs.StringVarP(&f.cfg.URL, "url", "u", "", "the SSE stream `URL` under test (required), e.g. http://127.0.0.1:8080/events")
	f.register(fs, suite.DefaultTimeouts().KeepaliveMax)
	f.registerPublish(fs)
	f.registerBaseline(fs)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return runSuite(ctx, f.config(), f, stdout, stderr)
	}
}

// runSuite runs the suite and prints each check once: a line as it
// finishes, then the findings of those that did not pass, the totals and
// where the reports are (--quiet: only the totals and the reports). For
// GitHub Actions also the annotations and the job summary (github.go). The
// --baseline file is read before the run, so a malformed one costs no run.
func runSuite(ctx context.Context, cfg suite.Config, f runFlags, rawStdout, rawStderr io.Writer) int {
	quiet, ci, baselinePath := f.quiet, f.ci, f.baseline
	registerSecrets(cfg)
	baseline, err := readBaseline(baselinePath)
	if err != nil {
		fmt.Fprintf(console{w: rawStderr}, "ssespec: %v\n", err)
		return exitUsage
	}
	// Progress goes to the terminal; Ginkgo's own output to its log (GinkgoLog).
	stdout := console{progressWriter{rawStdout}, colorFor(rawStdout)}
	stderr := console{w: rawStderr}
	if err := ci.check(); err != nil {
		fmt.Fprintf(stderr, "ssespec: %v\n", err)
		return exitUsage
	}
	gh := ghRun{ciFlags: ci}
	gh.start(stdout)
	if gh.token != "" {
		stderr = console{w: defused{rawStderr}}
	}
	var r *reports.Report
	defer func() { gh.finish(stdout, stderr, r, cfg.Strict, cfg.ReportDir) }()
	opts := ssespec.Options{Progress: stdout, Interrupted: func() string { return signalName(caughtSignal()) }, InProcess: f.inProcess}
	if quiet {
		opts.Progress = nil
	}
	if cfg.ReportDir != "" {
		opts.GinkgoLog = ssespec.LogPath(cfg.ReportDir)
		defer scrubFile(opts.GinkgoLog)
	} else {
		opts.GinkgoLog = os.DevNull
	}
	if cfg.Via == "" && cfg.Capture == nil {
		if err := cfg.Defaults().Validate(); err != nil { // before "checking URL"
			fmt.Fprintf(stderr, "ssespec: %v\n", err)
			return exitUsage
		}
	}
	switch {
	case quiet:
	case cfg.Capture != nil:
		fmt.Fprintf(stdout, "ssespec: judging %s offline\n", cfg.Capture.Source)
	case cfg.Via == "":
		fmt.Fprintf(stdout, "ssespec: checking %s\n", cfg.URL)
	}
	results := func(r *reports.Report) {
		if !quiet {
			reports.WriteFindings(stdout, r)
		}
		reports.WriteSummary(stdout, r)
	}
	r, err = ssespec.Run(ctx, cfg, opts)
	if sig := caughtSignal(); sig != 0 {
		if r != nil {
			results(r)
		}
		fmt.Fprintf(stderr, "ssespec: interrupted by %s; the run did not finish", signalName(sig))
		if r != nil && cfg.ReportDir != "" && err == nil {
			fmt.Fprintf(stderr, " (the reports say which checks did not run)")
		}
		fmt.Fprintln(stderr)
		return 128 + int(sig)
	}
	switch {
	case errors.Is(err, reports.ErrReportDir):
		fmt.Fprintf(stderr, "ssespec: %v\nPass --report-dir with a directory you can write, or --report-dir '' to write no reports.\n", err)
		return exitHarness
	case errors.Is(err, ssespec.ErrUnreachable):
		why := strings.TrimPrefix(err.Error(), ssespec.ErrUnreachable.Error()+": ")
		fmt.Fprintf(stderr, "ssespec: cannot reach the target: %s\nIs the server running, and is the URL right?\n", why)
		return exitUsage
	case err != nil && r == nil:
		fmt.Fprintf(stderr, "ssespec: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "ssespec: %v\n", err)
		return exitHarness
	}
	if baseline != nil {
		if err := applyBaseline(r, baseline, baselinePath, cfg.ReportDir); err != nil {
			fmt.Fprintf(stderr, "ssespec: writing reports: %v\n", err)
			return exitHarness
		}
	}
	results(r)
	if r.Interrupted == "timeout" {
		fmt.Fprintf(stderr, "ssespec: the run reached --timeout (%v) before every check finished; raise --timeout, or find the check that hangs in the report\n", cfg.Defaults().Timeout)
	}
	if cfg.ReportDir != "" {
		abs, _ := filepath.Abs(filepath.Join(cfg.ReportDir, reports.HTMLFile))
		fmt.Fprintf(stdout, "Reports: %s (and report.json, junit.xml)\n", abs)
	}
	return r.ExitCode(cfg.Strict)
}

type progressWriter struct{ fallback io.Writer }

func (p progressWriter) Write(b []byte) (int, error) {
	if p.fallback != io.Writer(os.Stdout) && p.fallback != nil {
		if _, isFile := p.fallback.(*os.File); !isFile {
			return p.fallback.Write(b) // tests capture output in a buffer
		}
	}
	return os.Stdout.Write(b)
}
