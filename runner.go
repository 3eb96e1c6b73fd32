// Package ssespec is the entry to the Server-Sent Events conformance suite:
// it runs the checks (package cases) against a target and builds the reports
// (package reports), as Ginkgo specs for the CLI (Run, once per process,
// Ginkgo's rule) or in-process, any number of times, for ssespectest
// (Start). Both execute the same check values through suite.Run's Execute. It
// sits above every other package: cmd/ssespec and ssespectest import it,
// nothing it imports imports it.
package ssespec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/ssespec/ssespec/cases" // registers every check; proxy mode's origin
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// Options control how a run talks to its caller.
type Options struct {
	Progress  io.Writer // a line per finished check; nil for none
	GinkgoLog string    // file that receives Ginkgo's own console output; "" leaves it on stdout
	DryRun    bool      // build the tree only (list)
	// InProcess runs the checks with Start's executor instead of as
	// Ginkgo specs, which Ginkgo allows once per process: for a caller that
	// runs the suite several times (judge with several files). Same
	// verdicts and reports; Ginkgo's log (GinkgoLog) is not written.
	InProcess bool
	// Interrupted names the signal that cut the run short ("SIGINT"), or
	// "" — the CLI's signal handler; nil when the caller has none.
	Interrupted func() string
}

// selected counts the checks cfg's mode and label filter select.
func selected(cfg suite.Config) int {
	match, err := types.ParseLabelFilter(ModeFilter(cfg.Mode, cfg.LabelFilter))
	if err != nil {
		return -1
	}
	n := 0
	for _, c := range suite.Checks() {
		if match(c.Labels()) {
			n++
		}
	}
	return n
}

// ErrUnreachable means the target could not be reached at all.
var ErrUnreachable = errors.New("target unreachable")

// prepare completes cfg and makes sure the run can start: the proxy mode's
// origin (closed by done), the configuration, the report directory, the
// target answering.
func prepare(ctx context.Context, cfg suite.Config, opts Options) (_ suite.Config, done func(), err error) {
	done = func() {}
	cfg = cfg.Defaults()
	if _, err := types.ParseLabelFilter(cfg.LabelFilter); err != nil {
		return cfg, done, fmt.Errorf("--label-filter: %w", err)
	}
	if n := selected(cfg); n == 0 && cfg.LabelFilter != "" {
		// A typo in a CI job's filter must not pass forever with 0 checks.
		return cfg, done, fmt.Errorf("--label-filter %q selects no check this mode (%s) makes; ssespec list shows the IDs, areas and levels", cfg.LabelFilter, cfg.Mode)
	}
	if cfg.Mode == suite.Proxy && cfg.URL == "" && !opts.DryRun {
		// The suite is the origin: start it, point the run at the proxy. (A
		// caller that started the origin itself passes the URL
		// cases.ProxyConfig derived.)
		o, err := cases.StartOrigin(cfg)
		if err != nil {
			return cfg, done, err
		}
		done = func() { o.Close() }
		cfg = cases.ProxyConfig(cfg, o)
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "ssespec: origin on %s; the proxy at %s must forward to it\n", o.URL(), cfg.Via)
		}
		if err := cases.ProbeProxy(ctx, cfg, o, opts.Progress); err != nil {
			return cfg, done, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, done, err
	}
	if cfg.ReportDir != "" && !opts.DryRun {
		if err := reports.CheckDir(cfg.ReportDir); err != nil {
			return cfg, done, err
		}
	}
	if cfg.Offline() {
		cfg.Browser = "off" // no check that needs one runs on a capture
	}
	if !opts.DryRun && cfg.Mode != suite.Proxy && !cfg.Offline() {
		if err := Probe(ctx, cfg); err != nil {
			return cfg, done, err
		}
	}
	return cfg, done, nil
}

// Run checks the target cfg names as Ginkgo specs and writes the reports
// into cfg.ReportDir (when set). Ginkgo allows it once per process; Start
// runs the same checks in-process, as often as needed, and so does Run
// with opts.InProcess.
func Run(ctx context.Context, cfg suite.Config, opts Options) (*reports.Report, error) {
	if opts.InProcess && !opts.DryRun {
		return runInProcess(ctx, cfg, opts)
	}
	cfg, done, err := prepare(ctx, cfg, opts)
	defer done()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	run := suite.BeginRun(cfg, ModeFilter(cfg.Mode, cfg.LabelFilter), !opts.DryRun)
	gr, err := runGinkgo(run, opts)
	end := run.End()
	if err != nil {
		return nil, err
	}
	gr.RunTime = time.Since(start)
	return finish(cfg, opts, gr, end)
}

// runInProcess is Run with Start's executor: every selected check, until
// ctx ends.
func runInProcess(ctx context.Context, cfg suite.Config, opts Options) (*reports.Report, error) {
	s, err := Start(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	for _, c := range s.Checks() {
		if ctx.Err() != nil {
			break // interrupted: the report says the run was
		}
		s.Exec(c)
	}
	return s.Finish()
}

// finish builds the report of a finished run and writes it.
func finish(cfg suite.Config, opts Options, gr types.Report, end suite.RunEnd) (*reports.Report, error) {
	info := reports.RunInfo{Mode: string(cfg.Mode), Target: cfg.URL, Filter: ModeFilter(cfg.Mode, cfg.LabelFilter),
		Strict: cfg.Strict, LabelFilter: cfg.LabelFilter,
		Implementation: reports.Implementation{Name: cfg.ImplName, Version: cfg.ImplVersion, URL: cfg.ImplURL}}
	if cfg.Offline() {
		info.Mode, info.Target = OfflineMode, cfg.Capture.Source
	}
	if opts.Interrupted != nil {
		info.Interrupted = opts.Interrupted()
	}
	r := reports.BuildRun(gr, info, end.RecordingNames, end.Recordings)
	r.TargetStopped = reports.CutText(end.TargetDown)
	r.HookStopped = reports.CutText(end.HookDown)
	if cfg.Offline() {
		r.Warnings = append(r.Warnings, offlineWarnings(cfg.Capture, end.Recordings)...)
	} else if end.SerialHint != "" {
		r.Warnings = append(r.Warnings, end.SerialHint)
	}
	if cfg.ReportDir != "" && !opts.DryRun {
		if _, err := reports.WriteAll(r, cfg.ReportDir); err != nil {
			return r, fmt.Errorf("writing reports: %w", err)
		}
	}
	return r, nil
}

// ModeFilter narrows the user's label filter to the checks the run's mode
// can make: proxy runs make the PROXY checks (and the browser checks through
// the proxy); direct runs make every other check.
func ModeFilter(mode suite.Mode, user string) string {
	base := "!area:PROXY"
	if mode == suite.Proxy {
		base = "(mode:proxy || mode:browser)"
	}
	if user == "" {
		return base
	}
	return base + " && (" + user + ")"
}

// LogPath is where the CLI keeps Ginkgo's console output.
func LogPath(reportDir string) string { return filepath.Join(reportDir, "ginkgo.log") }
