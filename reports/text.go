package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/ssespec/ssespec/suite"
)

var marks = map[string]string{Pass: "✔", Fail: "✖", Skip: "-", Error: "!"}

// ProgressLine is the one line printed as a check finishes.
func ProgressLine(r Result) string {
	line := fmt.Sprintf("%s %-15s %-6s %-5s %s (%dms)", marks[r.Verdict], r.ID, r.Level, r.Verdict, r.Title, r.DurationMS)
	if r.Verdict != Pass && r.Message != "" {
		line += "\n    " + consoleText(firstLine(cutLines(r.Message)))
	}
	return line
}

// WriteText prints the concise tree: checks grouped by area, Expected and
// Actual under each failure, then totals.
func WriteText(w io.Writer, r *Report) {
	writeTree(w, r, true)
	WriteSummary(w, r)
}

// WriteFindings prints the tree without the checks that passed: what a
// console that already printed a line per check adds (the CLI).
func WriteFindings(w io.Writer, r *Report) { writeTree(w, r, false) }

func writeTree(w io.Writer, r *Report, passes bool) {
	impl := ""
	if name := r.Implementation.Label(); name != "" {
		impl = consoleText(name) + " — "
	}
	fmt.Fprintf(w, "\nssespec %s — %s%s (%s mode)\n", r.Version, impl, r.Target, r.Mode)
	area := ""
	var live []string // offline skips for want of a live target, each already on the console
	for _, res := range r.Results {
		if !passes && res.Verdict == Pass {
			continue
		}
		if !passes && res.Verdict == Skip && strings.HasPrefix(res.Message, suite.NeedsLiveTarget) {
			live = append(live, res.ID)
			continue
		}
		if res.Area != area {
			area = res.Area
			fmt.Fprintf(w, "\n%s\n", area)
		}
		known := ""
		if res.Baselined {
			known = "  (known: baselined)"
		}
		fmt.Fprintf(w, "  %s %-15s %-6s %s%s\n", marks[res.Verdict], res.ID, res.Level, res.Title, known)
		switch {
		case res.Verdict == Fail && res.Expected != "":
			fmt.Fprintf(w, "      Expected: %s\n      Actual:   %s\n", consoleText(res.Expected), indent(consoleText(res.Actual)))
		case res.Verdict != Pass && res.Message != "":
			fmt.Fprintf(w, "      %s: %s\n", res.Verdict, indent(consoleText(res.Message)))
		}
	}
	if len(live) > 0 {
		fmt.Fprintf(w, "\n%s skipped: they need a live target (`ssespec run --url URL` judges them): %s\n", plural(len(live), "check"), strings.Join(live, " "))
	}
	if t := r.Truncated; t != nil {
		fmt.Fprintf(w, "\nNote: the report shows %d long value(s) (up to %d bytes) cut, with their length and SHA-256; cut: %s\n", t.Values, t.Longest, strings.Join(t.Fields, ", "))
		if t.Budget != "" {
			fmt.Fprintf(w, "Note: %s\n", t.Budget)
		}
	}
}

// WriteSummary prints the totals and what cut the run short.
func WriteSummary(w io.Writer, r *Report) {
	// Warnings are the summary's, so --quiet (the summary alone) shows them.
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "\nWarning: %s\n", consoleText(warn))
	}
	s := r.Summary
	fmt.Fprintf(w, "\n%d checks: %d pass, %d fail, %d skip, %d error — %d MUST failed, %d MUST errored, %d SHOULD failed (%.1fs)\n",
		len(r.Results), s.Pass, s.Fail, s.Skip, s.Error, s.MustFailed, s.MustErrored, s.ShouldFailed, r.Duration().Seconds())
	if line := BaselineLine(r); line != "" {
		fmt.Fprintln(w, line)
	}
	if r.TargetStopped != "" {
		fmt.Fprintf(w, "TARGET DOWN: %s; the checks after it were not run\n", consoleText(r.TargetStopped))
	}
	if r.HookStopped != "" {
		fmt.Fprintf(w, "PUBLISH HOOK DOWN: %s\n", consoleText(r.HookStopped))
	}
	if r.Interrupted != "" {
		fmt.Fprintf(w, "INTERRUPTED (%s): %d selected check(s) did not run: %s\n", r.Interrupted, len(r.NotRun), strings.Join(r.NotRun, " "))
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func indent(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n                ")
}
