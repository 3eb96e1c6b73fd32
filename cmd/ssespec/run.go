package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
	"github.com/ssespec/ssespec/suite/runner"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var f runFlags
	fs.StringVar(&f.cfg.URL, "url", "", "the SSE stream URL under test (required), e.g. http://127.0.0.1:8080/events")
	f.register(fs, 15*time.Second)
	f.registerPublish(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ssespec run --url URL [flags]\n\nChecks the SSE endpoint at URL and writes the reports.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	return runSuite(ctx, f.config(), stdout, stderr)
}

// runSuite runs the suite, prints the tree and says where the reports are.
func runSuite(ctx context.Context, cfg suite.Config, rawStdout, rawStderr io.Writer) int {
	registerSecrets(cfg)
	// Progress goes to the terminal; Ginkgo's own output to its log (GinkgoLog).
	stdout, stderr := console{progressWriter{rawStdout}}, console{rawStderr}
	opts := runner.Options{Progress: stdout, Interrupted: func() string { return signalName(caughtSignal()) }}
	if cfg.ReportDir != "" {
		opts.GinkgoLog = runner.LogPath(cfg.ReportDir)
		defer scrubFile(opts.GinkgoLog)
	} else {
		opts.GinkgoLog = os.DevNull
	}
	if cfg.Via == "" {
		fmt.Fprintf(stdout, "ssespec: checking %s\n", cfg.URL)
	}
	r, err := runner.Run(ctx, cfg, opts)
	if sig := caughtSignal(); sig != 0 {
		if r != nil {
			reports.WriteText(stdout, r)
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
	case errors.Is(err, runner.ErrUnreachable):
		fmt.Fprintf(stderr, "ssespec: cannot reach the target: %v\nIs the server running, and is the URL right?\n", err)
		return exitUsage
	case err != nil && r == nil:
		fmt.Fprintf(stderr, "ssespec: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "ssespec: %v\n", err)
		return exitHarness
	}
	reports.WriteText(stdout, r)
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
