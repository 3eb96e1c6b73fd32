package reports_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/junitcheck"
	"github.com/ssespec/ssespec/internal/redact"
	"github.com/ssespec/ssespec/reports"
)

// junitRun is a report as a run would make it: every verdict at every
// level, in three areas, with the summary the run would count.
func junitRun(strict bool) *reports.Report {
	r := &reports.Report{
		SchemaVersion: reports.SchemaVersion, Tool: "ssespec", Version: reports.Version, Mode: "publish",
		Target: "http://127.0.0.1:8080/events", Strict: strict, LabelFilter: "!slow",
		Implementation: &reports.Implementation{Name: "myapp", Version: "1.2.3", URL: "https://example.com/myapp"},
		Started:        time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), DurationMS: 7012,
	}
	r.Results = []reports.Result{
		{ID: "SSE-HTTP-001", Title: "A stream request answers 200", Level: "MUST", Area: "HTTP", Verdict: reports.Pass, DurationMS: 12},
		{ID: "SSE-HTTP-002", Title: "Content-Type is text/event-stream", Level: "MUST", Area: "HTTP", Verdict: reports.Fail,
			Message: "Content-Type is application/json", Expected: "text/event-stream", Actual: "application/json", SpecURL: "https://html.spec.whatwg.org/"},
		{ID: "SSE-HTTP-005", Title: "Cache-Control has no-cache or no-store", Level: "SHOULD", Area: "HTTP", Verdict: reports.Fail,
			Message: "no Cache-Control", Expected: "no-cache", Actual: "(absent)"},
		{ID: "SSE-HTTP-007", Title: "X-Accel-Buffering: no", Level: "BP", Area: "HTTP", Verdict: reports.Fail, Message: "absent"},
		{ID: "SSE-HTTP-011", Title: "No connection-specific header fields over HTTP/2", Level: "MUST", Area: "HTTP", Verdict: reports.Skip,
			Message: "plain HTTP/1.1: no HTTP/2 response to judge"},
		{ID: "SSE-FRAME-005", Title: "Every event is terminated by a blank line", Level: "MUST", Area: "FRAME", Verdict: reports.Error,
			Message: "the recording ended at --max-bytes"},
		{ID: "SSE-FRAME-006", Title: "Every event block carries a data line", Level: "SHOULD", Area: "FRAME", Verdict: reports.Error, Message: "timeout"},
		{ID: "SSE-KEEP-001", Title: "Something is sent at least every --keepalive-max", Level: "SHOULD", Area: "KEEP", Verdict: reports.Pass},
	}
	r.Summary = reports.Summary{Pass: 2, Fail: 3, Skip: 1, Error: 2, MustFailed: 1, MustErrored: 1, ShouldFailed: 1}
	return r
}

func writeJUnit(t *testing.T, r *reports.Report) (string, string) {
	t.Helper()
	dir := t.TempDir()
	if err := reports.WriteJSON(r, filepath.Join(dir, reports.JSONFile)); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteJUnit(r, filepath.Join(dir, reports.JUnitFile)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, reports.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	return dir, string(b)
}

// TestJUnitFollowsTheVerdictsAndTheExitStatus: skip is <skipped message>,
// error <error>, a MUST failure <failure>; a SHOULD failure is a <failure>
// only with --strict, a BP failure never (exit 0 means no red test).
func TestJUnitFollowsTheVerdictsAndTheExitStatus(t *testing.T) {
	for _, strict := range []bool{false, true} {
		r := junitRun(strict)
		dir, x := writeJUnit(t, r)
		junitcheck.Verify(t, dir)
		wantFailures := map[bool]string{false: `failures="1"`, true: `failures="2"`}[strict]
		for _, want := range []string{
			`<testsuites name="ssespec" tests="8" ` + wantFailures + ` errors="2" time="7.012">`,
			`<testsuite name="HTTP" tests="5" ` + wantFailures + ` errors="0" skipped="1"`,
			`<testsuite name="FRAME" tests="2" failures="0" errors="2" skipped="0"`,
			`<testcase name="SSE-HTTP-002 Content-Type is text/event-stream" classname="ssespec.HTTP" time="0.000">`,
			`<failure message="Content-Type is application/json" type="MUST">`,
			`<skipped message="plain HTTP/1.1: no HTTP/2 response to judge"></skipped>`,
			`<error message="timeout" type="SHOULD">`,
			`Expected: text/event-stream`,
			`SSE-HTTP-007 BP: fail (a BP failure does not fail the run)`,
			`<property name="implementation.name" value="myapp"></property>`,
			`<property name="strict" value="` + map[bool]string{false: "false", true: "true"}[strict] + `"></property>`,
			`<property name="label_filter" value="!slow"></property>`,
		} {
			if !strings.Contains(x, want) {
				t.Errorf("strict=%v: junit.xml lacks %s\n%s", strict, want, x)
			}
		}
		should := strings.Contains(x, `<failure message="no Cache-Control" type="SHOULD">`)
		if should != strict {
			t.Errorf("strict=%v: the SHOULD failure is a <failure>: %v", strict, should)
		}
		if strings.Contains(x, `type="BP">`) && strings.Contains(x, `<failure message="absent"`) {
			t.Errorf("a BP failure is a <failure>")
		}
	}
}

// TestJUnitCountsACheckAnInterruptLeftUnrun: a check the run selected but
// never ran is an <error> saying so, not missing and not skipped.
func TestJUnitCountsACheckAnInterruptLeftUnrun(t *testing.T) {
	r := junitRun(false)
	r.Interrupted, r.NotRun = "SIGINT", []string{"SSE-HTTP-013", "SSE-KEEP-002"}
	dir, x := writeJUnit(t, r)
	junitcheck.Verify(t, dir)
	if !strings.Contains(x, `<testcase name="SSE-HTTP-013`) || !strings.Contains(x, `<testsuite name="HTTP" tests="6"`) ||
		!strings.Contains(x, `not run: the run was stopped (SIGINT) before this check ran`) {
		t.Errorf("the unrun check is missing or unexplained:\n%s", x)
	}
}

// TestJUnitCarriesNoTargetControlsOrSecrets: what a hostile target put in
// a message reaches junit.xml as the wire log's stand-ins, secrets as
// REDACTED, values cut, and the file still validates.
func TestJUnitCarriesNoTargetControlsOrSecrets(t *testing.T) {
	defer redact.Reset()
	redact.RegisterURL("http://u:s3cr3t-pass@127.0.0.1:8080/events?token=tok-123456")
	r := junitRun(false)
	big := strings.Repeat("j", 1<<20)
	r.Results[1].Message = "id \x1b[31mred\x00\u202e ]]> </failure><x> \xff s3cr3t-pass & <b>" + big
	r.Results[1].Actual = "tok-123456 " + big
	r.Results[4].Message = "skip \x07 s3cr3t-pass"
	dir, x := writeJUnit(t, r)
	junitcheck.Verify(t, dir)
	for _, bad := range []string{"\x1b", "\x00", "\x07", "\u202e", "\xff", "s3cr3t-pass", "tok-123456"} {
		if strings.Contains(x, bad) {
			t.Errorf("junit.xml contains %q", bad)
		}
	}
	var doc struct {
		Cases []struct {
			Failure struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.Unmarshal([]byte(x), &doc); err != nil || len(doc.Cases) < 2 {
		t.Fatalf("junit.xml: %v", err)
	}
	f := doc.Cases[1].Failure
	for _, want := range []string{"id <ESC>[31mred<NUL><U+202E> ]]> </failure><x> <\\xFF> REDACTED & <b>jjj", "[cut: 1048", "Actual:   REDACTED jjj"} {
		if !strings.Contains(f.Text, want) {
			t.Errorf("the failure's text lacks %q: %.300q", want, f.Text)
		}
	}
	if !strings.HasPrefix(f.Message, "id <ESC>[31mred") {
		t.Errorf("the failure's message is %.100q", f.Message)
	}
	if len(x) > 100<<10 {
		t.Errorf("junit.xml is %d bytes for 2 MiB of target values", len(x))
	}
}

// TestJUnitOfAnEmptyRunValidates: a filter that selected nothing gives an
// empty, valid document, not a pseudo-case.
func TestJUnitOfAnEmptyRunValidates(t *testing.T) {
	r := &reports.Report{SchemaVersion: reports.SchemaVersion, Tool: "ssespec", Results: []reports.Result{}}
	dir, x := writeJUnit(t, r)
	junitcheck.Verify(t, dir)
	if strings.Contains(x, "<testcase") {
		t.Errorf("an empty run lists test cases:\n%s", x)
	}
}

// TestJUnitSchemaRejectsWhatReportersMisread proves the validation is not
// vacuous: documents CI reporters would misread fail the schema.
func TestJUnitSchemaRejectsWhatReportersMisread(t *testing.T) {
	if !junitcheck.HaveXmllint() {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must have xmllint (Debian: libxml2-utils)")
		}
		t.Skip("xmllint not found: install libxml2-utils to validate junit.xml against the schema")
	}
	for name, doc := range map[string]string{
		"failure before skipped": `<testsuites><testsuite name="a" tests="1" failures="1" errors="0"><testcase name="x"><failure/><skipped/></testcase></testsuite></testsuites>`,
		"no errors count":        `<testsuites><testsuite name="a" tests="1" failures="0"><testcase name="x"/></testsuite></testsuites>`,
		"a file attribute":       `<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" file="/src/a.go"/></testsuite></testsuites>`,
		"properties after cases": `<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"/><properties><property name="a" value="b"/></properties></testsuite></testsuites>`,
		"negative time":          `<testsuites><testsuite name="a" tests="1" failures="0" errors="0" time="-1"><testcase name="x"/></testsuite></testsuites>`,
	} {
		path := filepath.Join(t.TempDir(), "junit.xml")
		os.WriteFile(path, []byte(doc), 0o644)
		ft := &fakeT{TB: t}
		junitcheck.Validate(ft, path)
		if !ft.failed {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}

// TestReportJSONHasSchemaVersionAndImplementation: the fields issue 13
// adds, under the names the README documents.
func TestReportJSONHasSchemaVersionAndImplementation(t *testing.T) {
	dir, _ := writeJUnit(t, junitRun(true))
	b, err := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	im, _ := m["implementation"].(map[string]any)
	if m["schema_version"] != "1" || m["strict"] != true || m["label_filter"] != "!slow" ||
		im["name"] != "myapp" || im["version"] != "1.2.3" || im["url"] != "https://example.com/myapp" {
		t.Errorf("report.json: schema_version %v, strict %v, label_filter %v, implementation %v", m["schema_version"], m["strict"], m["label_filter"], m["implementation"])
	}
}

// TestJUnitComparisonCatchesDisagreement proves junitcheck.Compare is not
// vacuous: junit.xml that differs from report.json in a check, a verdict, a
// count or a path is caught.
func TestJUnitComparisonCatchesDisagreement(t *testing.T) {
	var b strings.Builder
	if err := reports.RenderJUnit(junitRun(false), &b); err != nil {
		t.Fatal(err)
	}
	good := b.String()
	if err := junitcheck.Compare(junitRun(false), []byte(good)); err != nil {
		t.Fatalf("the written junit.xml disagrees: %v", err)
	}
	strict := junitRun(true) // report.json says --strict: the SHOULD failure must be red
	missing := junitRun(false)
	missing.Results = append(missing.Results, reports.Result{ID: "SSE-KEEP-002", Level: "MUST", Area: "KEEP", Verdict: reports.Pass})
	missing.Summary.Pass++
	for name, tc := range map[string]struct {
		rep *reports.Report
		doc string
	}{
		"strict run, SHOULD failure passing": {strict, good},
		"a check missing":                    {missing, good},
		"a skip shown as a pass":             {junitRun(false), strings.Replace(good, `<skipped message="plain HTTP/1.1: no HTTP/2 response to judge"></skipped>`, "", 1)},
		"a wrong count":                      {junitRun(false), strings.Replace(good, `tests="8"`, `tests="68"`, 1)},
		"a source path":                      {junitRun(false), strings.Replace(good, `classname="ssespec.KEEP"`, `classname="ssespec.KEEP" file="/src/cases/keep.go"`, 1)},
	} {
		if err := junitcheck.Compare(tc.rep, []byte(tc.doc)); err == nil {
			t.Errorf("%s: not caught", name)
		} else {
			t.Logf("%s: %v", name, strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
}

// TestHTMLHeaderNamesTheImplementation: report.html's header shows what
// was tested, as text (the URL is the user's, shown, not linked).
func TestHTMLHeaderNamesTheImplementation(t *testing.T) {
	r := junitRun(false)
	r.Implementation.URL = `https://example.com/"><script>x</script>`
	var b strings.Builder
	if err := reports.RenderHTML(r, &b); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	if !strings.Contains(h, "<dt>Implementation</dt><dd>myapp 1.2.3 · <span class=\"mono\">https://example.com/&#34;&gt;&lt;script&gt;") || strings.Contains(h, "<script>x") {
		t.Errorf("report.html's header: %.400s", h[strings.Index(h, "<header"):])
	}
	r.Implementation = nil
	b.Reset()
	reports.RenderHTML(r, &b)
	if strings.Contains(b.String(), "<dt>Implementation</dt>") {
		t.Error("report.html names an implementation nobody named")
	}
}
