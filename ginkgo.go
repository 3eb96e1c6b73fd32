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
// as before), a labelled It per check, run by suite.Execute.
var _ = declareTree()

func declareTree() bool {
	for _, g := range suite.Groups() {
		args := []any{types.CodeLocation{FileName: g.File, LineNumber: g.Line}}
		if g.Last {
			args = append(args, ginkgo.SpecPriority(-1))
		}
		args = append(args, func() {
			for _, c := range g.Checks {
				// Ginkgo's own timeout only backs up Execute's, which ends
				// the check the same way in both executors.
				limit := suite.SpecTimeout(c.Meta) + suite.GracePeriod + time.Minute
				ginkgo.It(c.ID+" "+c.Title, ginkgo.Label(c.Labels()...), ginkgo.SpecTimeout(limit), func(ctx ginkgo.SpecContext) {
					toGinkgo(suite.Execute(ctx, c))
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

var captured struct {
	sync.Mutex
	report   types.Report
	progress io.Writer
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
func runGinkgo(cfg suite.Config, opts Options) (types.Report, error) {
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.LabelFilter = ModeFilter(cfg.Mode, cfg.LabelFilter)
	sc.RandomSeed = 1 // a stable order between runs
	sc.DryRun = opts.DryRun
	sc.Timeout = cfg.Timeout // each check bounds itself too; see suite.Execute
	if sc.Timeout == 0 {
		sc.Timeout = 24 * time.Hour
	}
	sc.FailFast = false
	rc.NoColor = true
	rc.Succinct = true

	captured.Lock()
	captured.progress = opts.Progress
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
