package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ssespec/ssespec/internal/redact"
	"github.com/ssespec/ssespec/suite"
)

// junit.xml is written from the Report, the model report.json holds, so the
// two always count the same checks with the same verdicts. Its shape is the
// one CI test reporters read (Jenkins' junit plugin, GitLab, the GitHub
// JUnit actions): testdata/junit/junit.xsd, which the tests validate it
// against. No element carries a file or a source path.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	ID         int             `xml:"id,attr"`
	Package    string          `xml:"package,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase's children come in the order the schema requires.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitSkipped `xml:"skipped"`
	Error     *junitProblem `xml:"error"`
	Failure   *junitProblem `xml:"failure"`
	SystemOut *junitCDATA   `xml:"system-out"`
}

// junitCDATA keeps multi-line text readable in the file (encoding/xml
// escapes every newline of character data); junitText made it valid XML.
type junitCDATA struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// JUnitFails says whether a check's result is a <failure> in junit.xml: when
// it alone fails the run (exit 1), as ExitCode judges it. A SHOULD failure
// without strict, and a BP failure always, is a passing test case whose
// output carries the finding, so CI shows red exactly when the run failed.
// (An error is an <error> at every level: nothing was judged.)
func JUnitFails(res Result, strict bool) bool {
	return !res.Baselined && res.Verdict == Fail && (res.Level == string(suite.MUST) || strict && res.Level == string(suite.SHOULD))
}

// WriteJUnit writes junit.xml.
func WriteJUnit(r *Report, path string) error {
	var b strings.Builder
	if err := RenderJUnit(r, &b); err != nil {
		return err
	}
	return writeFile(path, []byte(b.String()))
}

// RenderJUnit writes r as JUnit XML: one <testsuite> per area, one
// <testcase> per check the run selected (those an interrupt left unrun are
// <error>s saying so).
func RenderJUnit(r *Report, w io.Writer) error {
	doc := junitSuites{Name: "ssespec", Time: seconds(r.DurationMS)}
	props := junitProperties(r)
	var timestamp string
	if !r.Started.IsZero() {
		timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
	}
	index := map[string]int{}
	add := func(area string, c junitCase) *junitSuite {
		i, ok := index[area]
		if !ok {
			i = len(doc.Suites)
			index[area] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: area, ID: i, Package: "ssespec", Timestamp: timestamp, Properties: props})
		}
		s := &doc.Suites[i]
		s.Cases = append(s.Cases, c)
		s.Tests++
		doc.Tests++
		return s
	}
	suiteMS := map[string]int64{}
	for _, res := range r.Results {
		c := junitCaseOf(res, r.Strict)
		s := add(areaName(res.Area), c)
		suiteMS[s.Name] += res.DurationMS
		switch {
		case c.Failure != nil:
			s.Failures++
			doc.Failures++
		case c.Error != nil:
			s.Errors++
			doc.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	for _, id := range r.NotRun {
		meta, ok := suite.Lookup(id)
		if !ok {
			meta = suite.Meta{ID: id}
		}
		msg := fmt.Sprintf("not run: the run was stopped (%s) before this check ran", r.Interrupted)
		s := add(areaName(meta.Area()), junitCase{
			Name: junitText(strings.TrimSpace(id + " " + meta.Title)), Classname: "ssespec." + areaName(meta.Area()), Time: seconds(0),
			Error: &junitProblem{Message: junitText(msg), Type: string(meta.Level), Text: junitText(msg)},
		})
		s.Errors++
		doc.Errors++
	}
	if b := r.Baseline; b != nil && r.Strict && len(b.Stale) > 0 {
		// Under --strict stale entries fail the run: junit.xml says so, so
		// its <failure>s stay exactly what makes the exit status 1.
		var ids []string
		for _, e := range b.Stale {
			ids = append(ids, e.ID)
		}
		msg := fmt.Sprintf("%d baseline entr%s now pass (stale): %s; delete them from %s (--strict fails the run on them)",
			len(ids), map[bool]string{true: "y", false: "ies"}[len(ids) == 1], strings.Join(ids, " "), b.File)
		s := add(StaleCaseSuite, junitCase{Name: StaleCaseName, Classname: "ssespec." + StaleCaseSuite, Time: seconds(0),
			Failure: &junitProblem{Message: junitText(msg), Type: "baseline", Text: junitText(msg)}})
		s.Failures++
		doc.Failures++
	}
	for i := range doc.Suites {
		doc.Suites[i].Time = seconds(suiteMS[doc.Suites[i].Name])
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// The test case a --strict run with stale baseline entries adds.
const (
	StaleCaseSuite = "baseline"
	StaleCaseName  = "stale-baseline-entries"
)

func junitCaseOf(res Result, strict bool) junitCase {
	area := areaName(res.Area)
	c := junitCase{Name: junitText(res.ID + " " + res.Title), Classname: "ssespec." + area, Time: seconds(res.DurationMS)}
	detail := junitText(junitDetail(res, strict))
	lead := junitText(firstLine(cutLines(res.Message)))
	switch {
	case res.Verdict == Skip:
		c.Skipped = &junitSkipped{Message: lead}
	case res.Verdict == Error && !res.Baselined:
		c.Error = &junitProblem{Message: lead, Type: res.Level, Text: detail}
	case JUnitFails(res, strict):
		c.Failure = &junitProblem{Message: lead, Type: res.Level, Text: detail}
	}
	if c.Error == nil && c.Failure == nil && (res.Verdict != Pass || res.Message != "") {
		c.SystemOut = &junitCDATA{detail} // a <failure> or <error> carries it as its text
	}
	return c
}

// junitDetail is a result as text: the verdict (and why a failure does not
// fail the run), the message, Expected/Actual, the requirement and its source.
func junitDetail(res Result, strict bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", res.ID, res.Level, res.Verdict)
	if res.Baselined {
		b.WriteString(" (a known failure the run's --baseline lists: it does not fail the run)")
	} else if res.Verdict == Fail && !JUnitFails(res, strict) {
		if res.Level == string(suite.SHOULD) {
			b.WriteString(" (a SHOULD failure fails the run only with --strict)")
		} else {
			b.WriteString(" (a " + res.Level + " failure does not fail the run)")
		}
	}
	b.WriteString("\n")
	if res.Message != "" {
		b.WriteString(strings.TrimRight(cutLines(res.Message), "\n") + "\n")
	}
	if res.Expected != "" || res.Actual != "" {
		fmt.Fprintf(&b, "Expected: %s\nActual:   %s\n", cutLines(res.Expected), cutLines(res.Actual))
	}
	if res.Requirement != "" {
		fmt.Fprintf(&b, "Requirement: %s\n", res.Requirement)
	}
	if res.SpecURL != "" {
		fmt.Fprintf(&b, "Spec: %s\n", res.SpecURL)
	}
	return b.String()
}

// junitProperties describe the run; every <testsuite> carries them, since
// the schema gives <testsuites> none.
func junitProperties(r *Report) []junitProperty {
	ps := []junitProperty{{"tool", r.Tool}, {"version", r.Version}, {"target", r.Target}, {"mode", r.Mode}, {"strict", strconv.FormatBool(r.Strict)}}
	if r.LabelFilter != "" {
		ps = append(ps, junitProperty{"label_filter", r.LabelFilter})
	}
	if im := r.Implementation; im != nil {
		for _, p := range []junitProperty{{"implementation.name", im.Name}, {"implementation.version", im.Version}, {"implementation.url", im.URL}} {
			if p.Value != "" {
				ps = append(ps, p)
			}
		}
	}
	for _, p := range []junitProperty{{"interrupted", r.Interrupted}, {"not_run", strings.Join(r.NotRun, " ")}, {"target_stopped", r.TargetStopped}, {"publish_hook_stopped", r.HookStopped}} {
		if p.Value != "" {
			ps = append(ps, p)
		}
	}
	for _, w := range r.Warnings {
		ps = append(ps, junitProperty{"warning", w})
	}
	for i := range ps {
		ps[i].Value = junitText(ps[i].Value)
	}
	return ps
}

// junitText is text as junit.xml carries it: secrets replaced before XML
// escaping can change their form, and control characters shown as the wire
// log names them (XML 1.0 cannot carry most of them, and CI pages and
// terminals show this text).
func junitText(s string) string {
	s = Printable(redact.String(s))
	if strings.IndexFunc(s, notXMLChar) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if notXMLChar(r) {
			fmt.Fprintf(&b, "<U+%04X>", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// notXMLChar is a character XML 1.0 cannot carry that Printable lets
// through (U+FFFE, U+FFFF).
func notXMLChar(r rune) bool {
	return r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r >= 0xd800 && r <= 0xdfff || r == 0xfffe || r == 0xffff || r > 0x10ffff
}

func areaName(area string) string {
	if area == "" {
		return "OTHER"
	}
	return area
}

func seconds(ms int64) string {
	return strconv.FormatFloat(time.Duration(ms*int64(time.Millisecond)).Seconds(), 'f', 3, 64)
}
