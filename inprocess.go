package ssespec

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// Session is an in-process run: the caller executes the selected checks
// one at a time (ssespectest, as subtests) and then calls Finish. Any
// number of sessions can be open in one process at once; each keeps its
// state in its own suite.Run.
type Session struct {
	cfg    suite.Config
	opts   Options
	done   func()
	run    *suite.Run
	ctx    context.Context
	cancel context.CancelFunc
	start  time.Time
	checks []suite.CheckDef
	specs  []types.SpecReport
	cutBy  error // why the run's context ended, once a check ended in error by it
}

// Start prepares a run like Run (probe, proxy origin) and begins it: the
// shared observation and the run-start work start now.
func Start(ctx context.Context, cfg suite.Config, opts Options) (*Session, error) {
	cfg, done, err := prepare(ctx, cfg, opts)
	if err != nil {
		done()
		return nil, err
	}
	filter := ModeFilter(cfg.Mode, cfg.LabelFilter)
	match, err := types.ParseLabelFilter(filter)
	if err != nil {
		done()
		return nil, err
	}
	s := &Session{cfg: cfg, opts: opts, done: done}
	for _, c := range suite.Checks() {
		if match(c.Labels()) {
			s.checks = append(s.checks, c)
		}
	}
	s.run = suite.BeginRun(cfg, filter, true)
	s.start = time.Now()
	// The run's deadline, as Ginkgo's suite timeout is for Run.
	limit := cfg.Timeout
	if limit == 0 {
		limit = 24 * time.Hour
	}
	s.ctx, s.cancel = context.WithTimeout(ctx, limit)
	return s, nil
}

// Checks are the checks the run's label filter selects, in run order.
func (s *Session) Checks() []suite.CheckDef { return s.checks }

// Exec runs one check and returns its result as the report will show it.
func (s *Session) Exec(c suite.CheckDef) reports.Result {
	o := s.run.Execute(s.ctx, c)
	if o.Verdict == suite.VerdictError && s.ctx.Err() != nil && s.cutBy == nil {
		s.cutBy = s.ctx.Err()
	}
	sr := SpecReportOf(c, o)
	s.specs = append(s.specs, sr)
	res, _ := reports.ResultOf(sr)
	if s.opts.Progress != nil {
		fmt.Fprintln(s.opts.Progress, reports.ProgressLine(res))
	}
	return res
}

// Finish ends the run, builds the report of the checks executed and writes
// the reports into cfg.ReportDir (when set).
func (s *Session) Finish() (*reports.Report, error) {
	// A run its deadline (cfg.Timeout, the test's) or its caller cut short
	// says so in the report, as Ginkgo's report does for Run: when a check
	// ended in error because the run's context ended (Exec notes it), not
	// when the deadline merely passed after the last check.
	var cut []string
	switch {
	case s.cutBy == nil:
	case errors.Is(s.cutBy, context.DeadlineExceeded):
		cut = []string{"Suite Timeout Elapsed"}
	default:
		cut = []string{"Interrupted by User"}
	}
	end := s.run.End()
	s.cancel()
	s.done()
	gr := types.Report{
		SuiteDescription: "ssespec", SuiteSucceeded: len(cut) == 0,
		StartTime: s.start, EndTime: time.Now(), RunTime: time.Since(s.start),
		SpecReports: s.specs, SpecialSuiteFailureReasons: cut,
	}
	for _, sr := range s.specs {
		if sr.State.Is(types.SpecStateFailureStates) {
			gr.SuiteSucceeded = false
		}
	}
	return finish(s.cfg, s.opts, gr, end)
}

// SpecReportOf is the Ginkgo spec report the CLI's executor would have
// produced for o: the reports package reads both the same way.
func SpecReportOf(c suite.CheckDef, o suite.Outcome) types.SpecReport {
	sr := types.SpecReport{
		ContainerHierarchyTexts: []string{c.Area()},
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeText:            c.ID + " " + c.Title,
		LeafNodeLabels:          c.Labels(),
		StartTime:               o.Start,
		EndTime:                 o.Start.Add(o.RunTime),
		RunTime:                 o.RunTime,
		NumAttempts:             1,
	}
	for _, e := range o.Entries {
		sr.ReportEntries = append(sr.ReportEntries, entry(e.Name, e.Value, o.Start))
	}
	switch o.Verdict {
	case suite.VerdictPass:
		sr.State = types.SpecStatePassed
	case suite.VerdictSkip:
		sr.State = types.SpecStateSkipped
	case suite.VerdictError:
		sr.ReportEntries = append(sr.ReportEntries, entry(suite.EntryVerdict, suite.VerdictError, o.Start))
		sr.State = types.SpecStateFailed
	default:
		sr.State = types.SpecStateFailed
	}
	if o.Verdict != suite.VerdictPass {
		sr.Failure = types.Failure{Message: o.Message, FailureNodeType: types.NodeTypeIt}
	}
	return sr
}

func entry(name string, v any, at time.Time) types.ReportEntry {
	return types.ReportEntry{Name: name, Value: types.WrapEntryValue(v), Visibility: types.ReportEntryVisibilityNever, Time: at}
}
