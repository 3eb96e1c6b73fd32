package ssespec

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// The spec tree is built from the registered check values: a container per
// suite.Area (at the Area's code location, so Ginkgo orders and reports them
// as before), a labelled It per check, run by the run's Execute. The
// containers' bodies run when RunSpecs builds the tree, inside runGinkgo,
// so they read that run.
var _ = declareTree()

func declareTree() bool {
	for _, g := range suite.Groups() {
		args := []any{types.CodeLocation{FileName: g.File, LineNumber: g.Line}}
		if g.Last {
			args = append(args, ginkgo.SpecPriority(-1))
		}
		args = append(args, func() {
			run := ginkgoRun()
			for _, c := range g.Checks {
				// Ginkgo's own timeout only backs up Execute's, which ends
				// the check the same way in both executors.
				limit := suite.SpecTimeout(run.Config(), c.Meta) + suite.GracePeriod + time.Minute
				ginkgo.It(c.ID+" "+c.Title, ginkgo.Label(c.Labels()...), ginkgo.SpecTimeout(limit), func(ctx ginkgo.SpecContext) {
					toGinkgo(run.Execute(ctx, c))
				})
			}
		})
		ginkgo.Describe(g.Name, args...)
	}
	return true
}

// toGinkgo hands an outcome to Ginkgo: its entries as report entries, its
// verdict as Ginkgo's spec state (reports.ResultOf reads both back).
func toGinkgo(o suite.Outcome) {
	for _, e := range o.Entries {
		ginkgo.AddReportEntry(e.Name, e.Value, ginkgo.ReportEntryVisibilityNever)
	}
	switch o.Verdict {
	case suite.VerdictFail:
		ginkgo.Fail(o.Message)
	case suite.VerdictError:
		ginkgo.AddReportEntry(suite.EntryVerdict, suite.VerdictError, ginkgo.ReportEntryVisibilityNever)
		ginkgo.Fail(o.Message)
	case suite.VerdictSkip:
		ginkgo.Skip(o.Message)
	}
}

// captured is what runGinkgo hands the spec tree and gets back. Ginkgo runs
// its tree once per process, so this is the one run it can serve.
var captured struct {
	sync.Mutex
	run      *suite.Run
	report   types.Report
	progress io.Writer
}

func ginkgoRun() *suite.Run {
	captured.Lock()
	defer captured.Unlock()
	return captured.run
}

var _ = ginkgo.ReportAfterEach(func(sr ginkgo.SpecReport) {
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

var _ = ginkgo.ReportAfterSuite("ssespec", func(r types.Report) {
	captured.Lock()
	captured.report = r
	captured.Unlock()
})

type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }

// runGinkgo runs the spec tree once (inside a suite run). Ginkgo's console
// reporter writes to formatter.ColorableStdOut, which RunSpecs reads when it
// creates the reporter: pointing it at opts.GinkgoLog keeps that output in
// the log and off the CLI's own, with no file descriptor swapped.
func runGinkgo(run *suite.Run, opts Options) (types.Report, error) {
	cfg := run.Config()
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.LabelFilter = ModeFilter(cfg.Mode, cfg.LabelFilter)
	sc.RandomSeed = 1 // a stable order between runs
	sc.DryRun = opts.DryRun
	sc.Timeout = cfg.Timeout // each check bounds itself too; see suite.Run's Execute
	if sc.Timeout == 0 {
		sc.Timeout = 24 * time.Hour
	}
	sc.FailFast = false
	rc.NoColor = true
	rc.Succinct = true

	captured.Lock()
	captured.run, captured.progress = run, opts.Progress
	captured.Unlock()
	if opts.GinkgoLog != "" {
		if err := os.MkdirAll(filepath.Dir(opts.GinkgoLog), 0o755); err != nil {
			return types.Report{}, err
		}
		f, err := os.Create(opts.GinkgoLog)
		if err != nil {
			return types.Report{}, err
		}
		defer f.Close()
		saved := formatter.ColorableStdOut
		formatter.ColorableStdOut = f
		defer func() { formatter.ColorableStdOut = saved }()
	}
	ginkgo.RunSpecs(&testingT{}, "ssespec", sc, rc)
	captured.Lock()
	defer captured.Unlock()
	return captured.report, nil
}
