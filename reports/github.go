package reports

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/ssespec/ssespec/internal/redact"
)

// GitHub Actions output: workflow-command annotations (--format github) and
// the job summary's Markdown (GITHUB_STEP_SUMMARY). Both carry the target's
// text, so both escape it: an annotation's data as the runner unescapes it
// (actions/runner ActionCommand.cs: %25, %0D, %0A; properties also %3A,
// %2C), the summary by keeping the target's text inside fenced code blocks.

// Annotation kinds, by what a finding does to the run.
const (
	AnnotateError   = "error"   // fails the run: MUST fail/error, SHOULD fail with --strict
	AnnotateWarning = "warning" // a SHOULD finding that leaves the exit status 0
	AnnotateNotice  = "notice"  // a best practice (BP) finding
)

// maxGitHubValue is the bytes kept of one value (message, Expected, Actual)
// in an annotation or the summary, after Printable.
const maxGitHubValue = MaxValue

// summaryBudget bounds the detailed part of the summary; checks past it are
// listed one line each. GitHub takes at most 1 MiB per step's summary.
const summaryBudget = 128 << 10

// AnnotationKind is the workflow command for res ("" when it passed or
// was skipped): severity follows the exit status, as the text output does.
func AnnotationKind(res Result, strict bool) string {
	if res.Verdict != Fail && res.Verdict != Error {
		return ""
	}
	if res.Baselined {
		return AnnotateNotice // a known failure the --baseline file lists
	}
	switch res.Level {
	case "MUST":
		return AnnotateError
	case "SHOULD":
		if strict && res.Verdict == Fail {
			return AnnotateError
		}
		return AnnotateWarning
	}
	return AnnotateNotice
}

// WriteAnnotations prints one workflow command per failed or errored check:
// ::error title=SSE-…::title, Expected and Actual (or the message).
// GitHub shows the first 10 of each kind per step.
func WriteAnnotations(w io.Writer, r *Report, strict bool) {
	for _, res := range r.Results {
		kind := AnnotationKind(res, strict)
		if kind == "" {
			continue
		}
		title := fmt.Sprintf("%s (%s %s)", res.ID, res.Level, res.Verdict)
		if res.Baselined {
			title = fmt.Sprintf("%s (%s %s, known: baselined)", res.ID, res.Level, res.Verdict)
		}
		msg := Printable(res.Title) + "\n" + findingText(res)
		fmt.Fprintf(w, "::%s title=%s::%s\n", kind, escapeProperty(Printable(title)), escapeData(msg))
	}
	if bl := r.Baseline; bl != nil && strict && len(bl.Stale) > 0 {
		var ids []string
		for _, e := range bl.Stale {
			ids = append(ids, e.ID)
		}
		msg := fmt.Sprintf("these baseline entries now pass; delete them from %s: %s", bl.File, strings.Join(ids, " "))
		fmt.Fprintf(w, "::%s title=%s::%s\n", AnnotateError, escapeProperty("ssespec baseline: stale entries (--strict)"), escapeData(ghValue(msg)))
	}
}

// findingText is a finding's Expected/Actual, or its message, bounded,
// with secrets redacted and control characters shown.
func findingText(res Result) string {
	if res.Verdict == Fail && res.Expected != "" {
		return "Expected: " + ghValue(res.Expected) + "\nActual:   " + ghValue(res.Actual)
	}
	return ghValue(res.Message)
}

// ghValue redacts s (before any escaping changes a secret's form), cuts
// each line and the whole, and makes it printable. A report's values are
// already at most maxMessage bytes, so they are redacted whole; a longer
// one (a hand-edited report.json) is cut first to bound the work.
func ghValue(s string) string {
	return Cut(Printable(consoleText(redact.String(Cut(s, maxMessage)))), maxGitHubValue)
}

// escapeData escapes an annotation's message as actions/toolkit's
// escapeData does: the runner reads one command per line, so no CR or LF
// may stay (it splits lines at either), and % must round-trip.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty also escapes the property separators : and ,.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// GitHubSummary is the job summary's Markdown for r: the outcome, a table of
// verdict counts, each failed or errored check with Expected/Actual, and a
// link to the full report when link is an http(s) URL. Text from the
// target is only ever inside code spans or fenced blocks (no Markdown or
// HTML of its own renders), and the whole stays under ~160 KiB.
func GitHubSummary(r *Report, strict bool, link string) string {
	var b strings.Builder
	s := r.Summary
	fmt.Fprintf(&b, "### ssespec: %s (%s mode)\n\n", codeSpan(redact.URL(r.Target)), mdEscape(r.Mode))
	if r.ExitCode(strict) == 0 {
		b.WriteString("**Passed**: no check that fails the run failed.\n\n")
	} else {
		fmt.Fprintf(&b, "**Failed**: %d MUST failed, %d MUST errored", s.MustFailed, s.MustErrored)
		if strict {
			fmt.Fprintf(&b, ", %d SHOULD failed (--strict)", s.ShouldFailed)
		}
		if bl := r.Baseline; bl != nil && strict && len(bl.Stale) > 0 {
			fmt.Fprintf(&b, ", %d stale baseline entr%s (--strict: now passing, delete them)", len(bl.Stale), map[bool]string{true: "y", false: "ies"}[len(bl.Stale) == 1])
		}
		if r.Interrupted != "" {
			fmt.Fprintf(&b, "; the run was cut short (%s)", mdEscape(r.Interrupted))
		}
		b.WriteString(".\n\n")
	}
	b.WriteString("| checks | pass | fail | skip | error | MUST failed | MUST errored | SHOULD failed |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n\n", len(r.Results), s.Pass, s.Fail, s.Skip, s.Error, s.MustFailed, s.MustErrored, s.ShouldFailed)
	if u := SafeLink(link); u != "" {
		fmt.Fprintf(&b, "Full report (report.html, report.json, junit.xml): [%s](<%s>)\n\n", mdEscape(linkText(u)), u)
	}
	writeNotes(&b, r)
	writeFindings(&b, r, strict)
	return b.String()
}

func linkText(u string) string {
	if strings.Contains(u, "/actions/runs/") {
		return "this run's artifacts"
	}
	return "the report"
}

// writeNotes lists what the run says outside any check.
func writeNotes(b *strings.Builder, r *Report) {
	var notes []string
	if line := BaselineLine(r); line != "" {
		notes = append(notes, ghValue(line))
	}
	if r.TargetStopped != "" {
		notes = append(notes, "TARGET DOWN: "+ghValue(r.TargetStopped))
	}
	if r.HookStopped != "" {
		notes = append(notes, "PUBLISH HOOK DOWN: "+ghValue(r.HookStopped))
	}
	if r.Interrupted != "" {
		notes = append(notes, fmt.Sprintf("INTERRUPTED (%s): %d selected check(s) did not run: %s", ghValue(r.Interrupted), len(r.NotRun), ghValue(strings.Join(r.NotRun, " "))))
	}
	for i, w := range r.Warnings {
		if i == 10 {
			notes = append(notes, fmt.Sprintf("(%d more warnings in the report)", len(r.Warnings)-i))
			break
		}
		notes = append(notes, "Warning: "+ghValue(w))
	}
	if len(notes) > 0 {
		b.WriteString(fenced(strings.Join(notes, "\n")) + "\n")
	}
}

// writeFindings lists the failed and errored checks, MUST first; past the
// budget, one line each.
func writeFindings(b *strings.Builder, r *Report, strict bool) {
	header := false
	start, compact := b.Len(), 0
	for _, level := range []string{"MUST", "SHOULD", "BP", ""} {
		for _, res := range r.Results {
			if AnnotationKind(res, strict) == "" || !levelIs(res.Level, level) {
				continue
			}
			if !header {
				b.WriteString("#### Findings\n\n")
				header = true
			}
			line := fmt.Sprintf("**%s** · %s · %s: %s", mdEscape(res.ID), mdEscape(res.Level), mdEscape(res.Verdict), mdEscape(res.Title))
			if b.Len()-start > summaryBudget {
				compact++
				fmt.Fprintf(b, "- %s\n", line)
				continue
			}
			fmt.Fprintf(b, "%s\n\n%s\n", line, fenced(findingText(res)))
		}
	}
	if compact > 0 {
		fmt.Fprintf(b, "\n%d more finding(s) listed without details to keep this summary short: see the report.\n", compact)
	}
}

// levelIs matches level, or ("" ) any level other than the three known.
func levelIs(l, want string) bool {
	if want == "" {
		return l != "MUST" && l != "SHOULD" && l != "BP"
	}
	return l == want
}

// fenced puts s in a fenced code block whose backtick fence is longer than
// any backtick run in s, so no line of s can close it: inside, Markdown
// and HTML are shown, not rendered.
func fenced(s string) string {
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + "text\n" + strings.TrimRight(s, "\n") + "\n" + fence + "\n"
}

// codeSpan is s on one line as an inline code span, delimited by more
// backticks than any run in s.
func codeSpan(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(Printable(s))
	tick := strings.Repeat("`", longestRun(s, '`')+1)
	return tick + " " + s + " " + tick // the spaces are stripped by the renderer
}

func longestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

// mdEscape backslash-escapes every ASCII punctuation character (CommonMark
// allows it for all of them), so s renders as the text it is, on one line.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range Printable(s) {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SafeLink returns raw as a link destination for the summary: an absolute
// http(s) URL with registered secrets redacted (the user publishes this
// URL, so its own query stays) and the characters that could end a
// <…> link destination percent-encoded; "" when raw is not such a URL.
func SafeLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2048 {
		return ""
	}
	for _, c := range raw {
		if c <= ' ' || c == 0x7f {
			return ""
		}
	}
	// Inside <…> only < > and a backslash escape could end or bend it.
	return strings.NewReplacer("<", "%3C", ">", "%3E", "\\", "%5C").Replace(redact.String(u.String()))
}
