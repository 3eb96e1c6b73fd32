package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteDiffText prints d for a terminal. Text from the reports (messages,
// warnings) went through the target's hands: it is printed with controls
// shown (Printable), never sent to the terminal.
func WriteDiffText(w io.Writer, d *Diff) {
	fmt.Fprintf(w, "ssespec diff\n  old: %s\n  new: %s\n", Printable(runLine(d.Old)), Printable(runLine(d.New)))
	fmt.Fprintf(w, "  pass %s, fail %s, skip %s, error %s\n",
		arrow(d.Old.Summary.Pass, d.New.Summary.Pass), arrow(d.Old.Summary.Fail, d.New.Summary.Fail),
		arrow(d.Old.Summary.Skip, d.New.Summary.Skip), arrow(d.Old.Summary.Error, d.New.Summary.Error))
	if len(d.Verdicts) == 0 {
		fmt.Fprintln(w, "\nNo verdict changed.")
	} else {
		fmt.Fprintf(w, "\nVerdicts changed: %d (%d regressed, %d fixed, %d other)\n", len(d.Verdicts), d.Count(Regressed), d.Count(Fixed), d.Count(Changed))
		for _, c := range d.Verdicts {
			mark := marks[c.New]
			if mark == "" {
				mark = "·" // the new run does not have the check
			}
			fmt.Fprintf(w, "  %s %-15s %-6s %5s → %-5s %-9s %s\n", mark, Printable(c.ID), Printable(c.Level), Printable(orNone(c.Old)), Printable(orNone(c.New)), c.Kind, Printable(c.Title))
			if c.Message != "" {
				fmt.Fprintf(w, "      %s\n", Printable(c.Message))
			}
		}
	}
	notable, rest := splitFigures(d.Figures)
	if len(notable) > 0 {
		fmt.Fprintf(w, "\nFigures that moved (by ≥ 1 ms and ≥ 20%%; %d others did not):\n", rest)
		for _, f := range notable {
			fmt.Fprintf(w, "  %-15s %-32s %10s → %-10s (%s)\n", f.ID, Printable(f.Name), fmtMS(f.Old), fmtMS(f.New), signedMS(f.New-f.Old))
		}
	} else if rest > 0 {
		fmt.Fprintf(w, "\nFigures: none of the %d measured in both runs moved by ≥ 1 ms and ≥ 20%%.\n", rest)
	}
	for _, sec := range []struct {
		title string
		lines []string
	}{{"New findings", d.Findings}, {"Findings gone", d.Gone}} {
		if len(sec.lines) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", sec.title)
		for _, l := range sec.lines {
			fmt.Fprintf(w, "  %s\n", indent(Printable(l)))
		}
	}
}

// WriteDiffMarkdown writes d as GitHub-flavoured Markdown, for a pull
// request comment or a job summary. Every text from the reports is escaped:
// a target's message cannot add HTML, links, tables or @mentions.
func WriteDiffMarkdown(w io.Writer, d *Diff) {
	fmt.Fprintf(w, "## ssespec diff\n\n- old: %s\n- new: %s\n\n", md(runLine(d.Old)), md(runLine(d.New)))
	fmt.Fprintln(w, "| | pass | fail | skip | error |\n|---|---:|---:|---:|---:|")
	for _, r := range []struct {
		name string
		s    Summary
	}{{"old", d.Old.Summary}, {"new", d.New.Summary}} {
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d |\n", r.name, r.s.Pass, r.s.Fail, r.s.Skip, r.s.Error)
	}
	if len(d.Verdicts) == 0 {
		fmt.Fprintln(w, "\nNo verdict changed.")
	} else {
		fmt.Fprintf(w, "\n### Verdicts changed: %d (%d regressed, %d fixed, %d other)\n\n", len(d.Verdicts), d.Count(Regressed), d.Count(Fixed), d.Count(Changed))
		fmt.Fprintln(w, "| Check | Level | Old | New | Change | Title | Message |\n|---|---|---|---|---|---|---|")
		for _, c := range d.Verdicts {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", md(c.ID), md(c.Level), md(orNone(c.Old)), md(orNone(c.New)), c.Kind, md(c.Title), md(c.Message))
		}
	}
	notable, rest := splitFigures(d.Figures)
	if len(notable) > 0 {
		fmt.Fprintf(w, "\n### Figures that moved\n\nBy ≥ 1 ms and ≥ 20%%; %d others did not.\n\n| Check | Figure | Old | New | Change |\n|---|---|---:|---:|---:|\n", rest)
		for _, f := range notable {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", md(f.ID), md(f.Name), fmtMS(f.Old), fmtMS(f.New), signedMS(f.New-f.Old))
		}
	} else if rest > 0 {
		fmt.Fprintf(w, "\nFigures: none of the %d measured in both runs moved by ≥ 1 ms and ≥ 20%%.\n", rest)
	}
	for _, sec := range []struct {
		title string
		lines []string
	}{{"New findings", d.Findings}, {"Findings gone", d.Gone}} {
		if len(sec.lines) > 0 {
			fmt.Fprintf(w, "\n### %s\n\n", sec.title)
			for _, l := range sec.lines {
				fmt.Fprintf(w, "- %s\n", md(l))
			}
		}
	}
}

func runLine(r DiffRun) string {
	s := fmt.Sprintf("%s (%s mode, ssespec %s, %d checks", r.Target, r.Mode, r.Version, r.Checks)
	if !r.Started.IsZero() {
		s += ", " + r.Started.UTC().Format("2006-01-02 15:04 UTC")
	}
	return s + ")"
}

func splitFigures(fs []FigureChange) (notable []FigureChange, rest int) {
	for _, f := range fs {
		if f.Notable {
			notable = append(notable, f)
		} else {
			rest++
		}
	}
	return notable, rest
}

func arrow(old, new int) string {
	if old == new {
		return fmt.Sprint(new)
	}
	return fmt.Sprintf("%d→%d", old, new)
}

func orNone(v string) string {
	if v == "" {
		return "—"
	}
	return v
}

func signedMS(v float64) string {
	if v >= 0 {
		return "+" + fmtMS(v)
	}
	return "−" + fmtMS(-v)
}

// mdEscaper neutralises Markdown and HTML in a table cell or list item.
var mdEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "@", "&#64;",
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"|", "\\|", "~", "\\~", "#", "\\#", "!", "\\!",
	"\n", " ", "\r", " ",
)

// md is s as inert Markdown text on one line: controls shown, markup
// escaped (a bare URL may still be linkified, as any text's would).
func md(s string) string {
	return mdEscaper.Replace(Printable(s))
}
