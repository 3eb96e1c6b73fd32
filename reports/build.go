package reports

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/internal/redact"
	"github.com/ssespec/ssespec/suite"
)

// Version is ssespec's version, stamped into every report.
var Version = "0.1.0"

// Build turns Ginkgo's report into ssespec's. Specs the label filter left
// out are not results; recordings are the run's shared recordings.
func Build(gr types.Report, mode, target string, recNames []string, recs map[string]*stream.Recording) *Report {
	return BuildRun(gr, RunInfo{Mode: mode, Target: target}, recNames, recs)
}

// RunInfo is what Build needs beyond Ginkgo's report.
type RunInfo struct {
	Mode, Target string
	Filter       string // the run's Ginkgo label filter, to tell checks an interrupt skipped from checks it excluded
	Interrupted  string // why the run was cut short, when the caller knows (a signal's name); "" asks Ginkgo's report
	Strict       bool   // --strict: SHOULD failures fail the run
	LabelFilter  string // the user's --label-filter, as given
	// Implementation names what is tested (--impl-*); zero for unnamed.
	Implementation Implementation
}

// BuildRun is Build with the run's filter and interrupt cause.
func BuildRun(gr types.Report, info RunInfo, recNames []string, recs map[string]*stream.Recording) *Report {
	mode, target := info.Mode, info.Target
	r := &Report{
		Tool: "ssespec", Version: Version, Mode: mode, Target: redact.URL(target),
		Started: gr.StartTime, DurationMS: gr.RunTime.Milliseconds(),
		Results: []Result{}, Recordings: map[string]Recording{},
	}
	r.SchemaVersion, r.Strict, r.LabelFilter = SchemaVersion, info.Strict, redact.String(info.LabelFilter)
	if im := info.Implementation; im != (Implementation{}) {
		im.URL = redact.URL(im.URL)
		r.Implementation = &im
	}
	for _, sr := range gr.SpecReports {
		res, ok := ResultOf(sr)
		if !ok {
			continue
		}
		r.Results = append(r.Results, res)
	}
	sort.SliceStable(r.Results, func(i, j int) bool { return suite.Less(r.Results[i].ID, r.Results[j].ID) })
	c := &cutter{}
	for _, name := range recNames {
		redact.RegisterCookies(recs[name].Header)
	}
	for _, name := range recNames {
		for _, hop := range redirects(recs[name]) {
			if hop.CrossOrigin {
				r.Warnings = append(r.Warnings, fmt.Sprintf("recording %s: the target redirected to another origin, %s; none of the --header values or URL credentials were sent there", name, hop.To))
			}
		}
		if referenced(r, name) {
			r.Recordings[name] = viewRecording(recs[name], c)
		}
	}
	for i := range r.Results {
		cutResult(&r.Results[i], c)
	}
	for i, w := range r.Warnings {
		r.Warnings[i] = c.lines("warnings", w)
	}
	r.Summary = summarize(r.Results)
	r.Interrupted = interruptCause(gr, info.Interrupted)
	if r.Interrupted != "" {
		r.NotRun = notRun(gr, info.Filter)
	}
	budgetRecordings(r, c)
	r.Truncated = c.truncation()
	return r
}

// interruptCause is why Ginkgo stopped early: the caller's cause (a signal
// it caught), or Ginkgo's own (its suite timeout, an interrupt).
func interruptCause(gr types.Report, cause string) string {
	for _, reason := range gr.SpecialSuiteFailureReasons {
		switch {
		case cause != "":
			return cause
		case strings.Contains(reason, "Timeout"):
			return "timeout"
		case strings.Contains(reason, "Interrupted"):
			return "interrupted"
		}
	}
	return cause
}

// notRun lists the checks the filter selected that never ran: after an
// interrupt Ginkgo reports them skipped with no message, like the ones the
// filter left out.
func notRun(gr types.Report, filter string) []string {
	match, err := types.ParseLabelFilter(filter)
	if err != nil {
		return nil
	}
	var out []string
	for _, sr := range gr.SpecReports {
		id := specID(sr)
		if sr.LeafNodeType != types.NodeTypeIt || id == "" || sr.State != types.SpecStateSkipped || sr.Failure.Message != "" {
			continue
		}
		if match(sr.Labels()) {
			out = append(out, id)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return suite.Less(out[i], out[j]) })
	return out
}

func referenced(r *Report, name string) bool {
	for _, res := range r.Results {
		if res.Evidence["recording"] == name {
			return true
		}
		if names, ok := res.Evidence["recordings"].([]string); ok {
			for _, n := range names {
				if n == name {
					return true
				}
			}
		}
	}
	return false
}

// ResultOf is one finished spec's result; ok is false for specs that are
// not checks or that the label filter excluded.
func ResultOf(sr types.SpecReport) (Result, bool) {
	if sr.LeafNodeType != types.NodeTypeIt {
		return Result{}, false
	}
	id := specID(sr)
	if id == "" {
		return Result{}, false
	}
	// A spec the label filter excluded is reported skipped with no message.
	if sr.State == types.SpecStateSkipped && sr.Failure.Message == "" {
		return Result{}, false
	}
	meta, _ := suite.Lookup(id)
	res := Result{
		ID: id, Title: meta.Title, Level: string(meta.Level), Area: meta.Area(),
		Requirement: meta.Requirement, Source: meta.Source, SpecURL: meta.SpecURL(),
		DurationMS: sr.RunTime.Milliseconds(), Evidence: map[string]any{},
	}
	res.Verdict, res.Message = verdict(sr)
	for _, e := range sr.ReportEntries {
		switch {
		case e.Name == suite.EntryExpected:
			res.Expected = e.StringRepresentation()
		case e.Name == suite.EntryNote && res.Message == "":
			res.Message = e.StringRepresentation()
		case e.Name == suite.EntryActual:
			res.Actual = e.StringRepresentation()
		case strings.HasPrefix(e.Name, suite.EntryEvidence):
			res.Evidence[strings.TrimPrefix(e.Name, suite.EntryEvidence)] = e.GetRawValue()
		}
	}
	return res, true
}

func specID(sr types.SpecReport) string {
	for _, l := range sr.Labels() {
		if id, ok := strings.CutPrefix(l, "id:"); ok {
			return id
		}
	}
	return ""
}

func verdict(sr types.SpecReport) (string, string) {
	msg := sr.Failure.Message
	for _, e := range sr.ReportEntries {
		if e.Name == suite.EntryVerdict && e.StringRepresentation() == Error {
			return Error, msg
		}
	}
	switch sr.State {
	case types.SpecStatePassed:
		return Pass, ""
	case types.SpecStateSkipped, types.SpecStatePending:
		return Skip, msg
	case types.SpecStateFailed:
		return Fail, msg
	case types.SpecStateTimedout:
		return Error, "the check did not finish in time: " + msg
	default: // panicked, interrupted, aborted: the harness broke, not the target
		return Error, sr.State.String() + ": " + msg
	}
}

func summarize(results []Result) Summary {
	var s Summary
	for _, r := range results {
		switch r.Verdict {
		case Pass:
			s.Pass++
		case Fail:
			s.Fail++
			switch r.Level {
			case string(suite.MUST):
				s.MustFailed++
			case string(suite.SHOULD):
				s.ShouldFailed++
			}
		case Skip:
			s.Skip++
		case Error:
			s.Error++
			if r.Level == string(suite.MUST) {
				s.MustErrored++
			}
		}
	}
	return s
}

// Duration is the run's wall time.
func (r *Report) Duration() time.Duration { return time.Duration(r.DurationMS) * time.Millisecond }
