// Package reports turns Ginkgo's report of a run into ssespec's reports:
// report.json (a public, stable schema), junit.xml and report.html.
package reports

import (
	"slices"
	"strings"
	"time"
)

// Verdicts a check can end with.
const (
	Pass  = "pass"
	Fail  = "fail"
	Skip  = "skip"
	Error = "error"
)

// Report is the report.json schema. It is a public interface: CI scripts
// read it, so fields are only ever added, never renamed or removed.
type Report struct {
	// SchemaVersion is this schema's version, SchemaVersion: within a
	// version fields are only added; renaming or removing one, or giving it
	// another meaning, would make a new version.
	SchemaVersion string `json:"schema_version"`
	// Implementation is the server or proxy under test as the user named it
	// (--impl-name, --impl-version, --impl-url); absent when not named.
	Implementation *Implementation `json:"implementation,omitempty"`
	// Strict says SHOULD failures fail the run (--strict); LabelFilter is
	// the --label-filter that selected the checks ("" for all).
	Strict      bool   `json:"strict"`
	LabelFilter string `json:"label_filter,omitempty"`

	Tool       string               `json:"tool"`
	Version    string               `json:"version"`
	Mode       string               `json:"mode"`
	Target     string               `json:"target"`
	Started    time.Time            `json:"started"`
	DurationMS int64                `json:"duration_ms"`
	Summary    Summary              `json:"summary"`
	Results    []Result             `json:"results"`
	Recordings map[string]Recording `json:"recordings,omitempty"` // referenced by results[].evidence.recording
	// Interrupted says why the run stopped before every selected check ran
	// ("SIGINT", "SIGTERM", "SIGHUP", "timeout"); NotRun lists those checks.
	Interrupted string   `json:"interrupted,omitempty"`
	NotRun      []string `json:"not_run,omitempty"`
	// TargetStopped says when the target stopped answering mid-run (the
	// checks after it were not run and say so), or "".
	TargetStopped string `json:"target_stopped,omitempty"`
	// HookStopped says when the publish hook stopped answering, or "".
	HookStopped string   `json:"publish_hook_stopped,omitempty"`
	Warnings    []string `json:"warnings,omitempty"` // findings outside any check, e.g. a redirect to another origin
	// Truncated says what was cut to keep the report readable and under
	// MaxJSON (20 MiB) whatever the target sent; absent when nothing was.
	Truncated *Truncation `json:"truncated,omitempty"`
	// Baseline says how the run's --baseline file was applied; absent
	// without one (see baseline.go).
	Baseline *BaselineOutcome `json:"baseline,omitempty"`
}

// SchemaVersion is the version of the Report schema this build writes.
const SchemaVersion = "1"

// Implementation names what was tested, as Gateway API's conformance report
// does, so a report can be filed without the command line that made it.
type Implementation struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Label is the implementation's name and version, "" when unnamed.
func (im *Implementation) Label() string {
	if im == nil {
		return ""
	}
	return strings.TrimSpace(im.Name + " " + im.Version)
}

// Summary counts verdicts; must_failed decides the exit status.
type Summary struct {
	Pass         int `json:"pass"`
	Fail         int `json:"fail"`
	Skip         int `json:"skip"`
	Error        int `json:"error"`
	MustFailed   int `json:"must_failed"`
	MustErrored  int `json:"must_errored"`
	ShouldFailed int `json:"should_failed"`
}

// Result is one check's outcome.
type Result struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Level       string         `json:"level"`
	Area        string         `json:"area"`
	Verdict     string         `json:"verdict"`
	Message     string         `json:"message"`
	DurationMS  int64          `json:"duration_ms"`
	Evidence    map[string]any `json:"evidence"`
	Requirement string         `json:"requirement,omitempty"`
	Source      string         `json:"source,omitempty"`
	SpecURL     string         `json:"spec_url,omitempty"`
	Expected    string         `json:"expected,omitempty"`
	Actual      string         `json:"actual,omitempty"`
	// Baselined marks a failure the run's baseline lists as known: its
	// verdict stands, but it does not decide the exit status.
	Baselined bool `json:"baselined,omitempty"`
}

// Verdict returns the verdict of check id, or "" when it did not run.
func (r *Report) Verdict(id string) string {
	if res := r.Result(id); res != nil {
		return res.Verdict
	}
	return ""
}

// Result returns check id's result, or nil.
func (r *Report) Result(id string) *Result {
	for i := range r.Results {
		if r.Results[i].ID == id {
			return &r.Results[i]
		}
	}
	return nil
}

// ExitCode is the process status a CI gate reads: 1 when a MUST check failed
// or could not be judged (or, with strict, a SHOULD check failed) or the run
// was cut short, else 0. (The CLI exits 128+signal after a signal.) With a
// baseline applied, baselined failures do not count, and under strict a
// stale entry does (so baselines shrink).
func (r *Report) ExitCode(strict bool) int {
	if r.Interrupted != "" {
		return 1 // a run cut short verified less than it was asked to
	}
	s := r.Summary
	if r.Baseline != nil {
		s = summarize(slices.DeleteFunc(slices.Clone(r.Results), func(res Result) bool { return res.Baselined }))
		if strict && len(r.Baseline.Stale) > 0 {
			return 1
		}
	}
	if s.MustFailed > 0 || s.MustErrored > 0 || (strict && s.ShouldFailed > 0) {
		return 1
	}
	return 0
}
