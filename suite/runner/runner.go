// Package runner runs the conformance cases with Ginkgo, in-process, once per
// process (Ginkgo's rule), and builds the reports. The CLI and the Go library
// entry both call it.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
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
	// Interrupted names the signal that cut the run short ("SIGINT"), or
	// "" — the CLI's signal handler; nil when the caller has none.
	Interrupted func() string
}

// ErrUnreachable means the target could not be reached at all.
var ErrUnreachable = errors.New("target unreachable")

var captured struct {
	sync.Mutex
	report   types.Report
	progress io.Writer
}

var _ = ReportAfterEach(func(sr SpecReport) {
	captured.Lock()
	w := captured.progress
	captured.Unlock()
	if w == nil || sr.LeafNodeType != types.NodeTypeIt {
		return
	}
	if res, ok := reports.ResultOf(sr); ok {
		fmt.Fprintln(w, reports.ProgressLine(res))
	}
})

var _ = ReportAfterSuite("ssespec", func(r types.Report) {
	captured.Lock()
	captured.report = r
	captured.Unlock()
})

type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }

// Run checks the target cfg names and writes the reports into
// cfg.ReportDir (when set).
func Run(ctx context.Context, cfg suite.Config, opts Options) (*reports.Report, error) {
	cfg = cfg.Defaults()
	if _, err := types.ParseLabelFilter(cfg.LabelFilter); err != nil {
		return nil, fmt.Errorf("--label-filter: %w", err)
	}
	if cfg.Mode == suite.Proxy && cfg.URL == "" && !opts.DryRun {
		// The suite is the origin: start it, point the run at the proxy. (A
		// caller that started the origin itself passes the URL
		// cases.ProxyConfig derived.)
		o, err := cases.StartOrigin(cfg)
		if err != nil {
			return nil, err
		}
		defer o.Close()
		cfg = cases.ProxyConfig(cfg, o)
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "ssespec: origin on %s; the proxy at %s must forward to it\n", o.URL(), cfg.Via)
		}
		if err := cases.ProbeProxy(ctx, cfg, o, opts.Progress); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.ReportDir != "" && !opts.DryRun {
		if err := reports.CheckDir(cfg.ReportDir); err != nil {
			return nil, err
		}
	}
	if cfg.Offline() {
		cfg.Browser = "off" // no check that needs one runs on a capture
	}
	if !opts.DryRun && cfg.Mode != suite.Proxy && !cfg.Offline() {
		if err := Probe(ctx, cfg); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	gr, err := runGinkgo(cfg, opts)
	if err != nil {
		return nil, err
	}
	gr.RunTime = time.Since(start)
	names, recs := suite.Recordings()
	info := reports.RunInfo{Mode: string(cfg.Mode), Target: cfg.URL, Filter: ModeFilter(cfg.Mode, cfg.LabelFilter),
		Strict: cfg.Strict, LabelFilter: cfg.LabelFilter,
		Implementation: reports.Implementation{Name: cfg.ImplName, Version: cfg.ImplVersion, URL: cfg.ImplURL}}
	if cfg.Offline() {
		info.Mode, info.Target = OfflineMode, cfg.Capture.Source
	}
	if opts.Interrupted != nil {
		info.Interrupted = opts.Interrupted()
	}
	r := reports.BuildRun(gr, info, names, recs)
	r.TargetStopped = reports.CutText(suite.TargetDown())
	r.HookStopped = reports.CutText(suite.HookDown())
	if cfg.Offline() {
		r.Warnings = append(r.Warnings, offlineWarnings(cfg.Capture, recs)...)
	} else if hint := suite.SerialHint(); hint != "" {
		r.Warnings = append(r.Warnings, hint)
	}
	if cfg.ReportDir != "" && !opts.DryRun {
		if _, err := reports.WriteAll(r, cfg.ReportDir); err != nil {
			return r, fmt.Errorf("writing reports: %w", err)
		}
	}
	return r, nil
}

func runGinkgo(cfg suite.Config, opts Options) (types.Report, error) {
	suite.SetConfig(cfg)
	suite.ResetHealth()
	sc, rc := GinkgoConfiguration()
	sc.LabelFilter = ModeFilter(cfg.Mode, cfg.LabelFilter)
	sc.RandomSeed = 1 // a stable order between runs
	sc.DryRun = opts.DryRun
	sc.Timeout = cfg.Timeout // each check bounds itself too; see suite.Check
	if sc.Timeout == 0 {
		sc.Timeout = 24 * time.Hour
	}
	sc.FailFast = false
	rc.NoColor = true
	rc.Succinct = true

	captured.Lock()
	captured.progress = opts.Progress
	captured.Unlock()
	if !opts.DryRun {
		suite.StartObservation()
		defer suite.StopObservation()
	}
	if opts.GinkgoLog != "" {
		restore, err := redirectStdout(opts.GinkgoLog)
		if err != nil {
			return types.Report{}, err
		}
		defer restore()
	}
	waitStart := func() {}
	cancelStart := func() {}
	if !opts.DryRun {
		var ctx context.Context
		ctx, cancelStart = context.WithCancel(context.Background())
		waitStart = suite.StartRun(ctx, sc.LabelFilter)
	}
	RunSpecs(&testingT{}, "ssespec", sc, rc)
	// The run-start work ends before the browser stops, so none of it
	// starts anything the stop would miss.
	cancelStart()
	waitStart()
	suite.StopObservation()
	suite.StopBrowser()
	captured.Lock()
	defer captured.Unlock()
	return captured.report, nil
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
