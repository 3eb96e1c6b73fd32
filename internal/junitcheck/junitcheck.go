// Package junitcheck proves a run's junit.xml says what its report.json
// says (the same checks, the same verdicts, counts that add up) and that it
// validates against the JUnit schema CI reporters read
// (testdata/junit/junit.xsd). For tests; it judges the files as a CI
// reporter would read them, not through the code that wrote them.
package junitcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ssespec/ssespec/reports"
)

// Verify checks dir's junit.xml against its report.json and the schema.
func Verify(t testing.TB, dir string) {
	t.Helper()
	rep, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, reports.JUnitFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Compare(rep, b); err != nil {
		t.Errorf("junit.xml disagrees with report.json: %v", err)
	}
	Validate(t, path)
}

// Root is the module's directory (where the schema is).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Schema is the vendored JUnit schema's path.
func Schema() string { return filepath.Join(Root(), "testdata", "junit", "junit.xsd") }

var noXmllint sync.Once

// Validate runs xmllint --schema on path. Without xmllint it says so (once
// per process) and goes on; in CI a missing xmllint is a failure.
func Validate(t testing.TB, path string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Errorf("CI must have xmllint to validate junit.xml (Debian: apt-get install libxml2-utils): %v", err)
			return
		}
		noXmllint.Do(func() {
			t.Logf("xmllint not found: junit.xml is not validated against %s; install libxml2-utils", Schema())
		})
		return
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", Schema(), path).CombinedOutput()
	if err != nil {
		t.Errorf("junit.xml does not validate against the JUnit schema: %v\n%s", err, tail(out))
	}
}

// HaveXmllint reports whether xmllint is on PATH.
func HaveXmllint() bool {
	_, err := exec.LookPath("xmllint")
	return err == nil
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return b[len(b)-4000:]
	}
	return b
}

type junitDoc struct {
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string     `xml:"name,attr"`
	Classname string     `xml:"classname,attr"`
	Skipped   []struct{} `xml:"skipped"`
	Errors    []struct{} `xml:"error"`
	Failures  []struct{} `xml:"failure"`
	SystemOut string     `xml:"system-out"`
}

// kind is what a test case shows a CI reporter.
func (c junitCase) kind() string {
	switch {
	case len(c.Skipped)+len(c.Errors)+len(c.Failures) > 1:
		return "several outcomes"
	case len(c.Skipped) == 1:
		return "skipped"
	case len(c.Errors) == 1:
		return "error"
	case len(c.Failures) == 1:
		return "failure"
	}
	return "passed"
}

// want is the outcome a result must show: a failure only when it fails the
// run, as the README's exit status table says (MUST; SHOULD with --strict).
func want(res reports.Result, strict bool) string {
	if res.Baselined && (res.Verdict == reports.Fail || res.Verdict == reports.Error) {
		return "passed" // a known failure does not fail the run
	}
	switch res.Verdict {
	case reports.Skip:
		return "skipped"
	case reports.Error:
		return "error"
	case reports.Fail:
		if res.Level == "MUST" || strict && res.Level == "SHOULD" {
			return "failure"
		}
	}
	return "passed"
}

// Compare checks junit against rep: one test case per result (and per
// check an interrupt left unrun), in the suite of its area, with the
// outcome its verdict means; counts that match the cases and report.json's
// summary; no absolute path in any attribute.
func Compare(rep *reports.Report, junit []byte) error {
	var doc junitDoc
	if err := xml.Unmarshal(junit, &doc); err != nil {
		return fmt.Errorf("not XML: %v", err)
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	cases := map[string]junitCase{}
	suiteOf := map[string]string{}
	skipped := 0
	for _, s := range doc.Suites {
		var n, f, e, sk int
		for _, c := range s.Cases {
			id, _, _ := strings.Cut(c.Name, " ")
			if _, dup := cases[id]; dup {
				bad("%s is listed twice", id)
			}
			cases[id], suiteOf[id] = c, s.Name
			n++
			switch c.kind() {
			case "failure":
				f++
			case "error":
				e++
			case "skipped":
				sk++
			}
		}
		if s.Tests != n || s.Failures != f || s.Errors != e || s.Skipped != sk {
			bad("suite %s says tests=%d failures=%d errors=%d skipped=%d, its cases are %d/%d/%d/%d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, n, f, e, sk)
		}
		skipped += sk
	}
	for _, res := range rep.Results {
		c, ok := cases[res.ID]
		if !ok {
			bad("%s (%s) is not in junit.xml", res.ID, res.Verdict)
			continue
		}
		delete(cases, res.ID)
		if w := want(res, rep.Strict); c.kind() != w {
			bad("%s %s %s is %s in junit.xml, want %s", res.ID, res.Level, res.Verdict, c.kind(), w)
		}
		if res.Verdict == reports.Fail && c.kind() == "passed" && !strings.Contains(c.SystemOut, res.ID+" "+res.Level+": fail") {
			bad("%s: a %s failure that does not fail the run is not in its output: %q", res.ID, res.Level, c.SystemOut)
		}
		if c.Name != res.ID+" "+reports.Printable(res.Title) || suiteOf[res.ID] != res.Area || c.Classname != "ssespec."+res.Area {
			bad("%s: named %q, classname %q in suite %q; want its ID and title in its area %s", res.ID, c.Name, c.Classname, suiteOf[res.ID], res.Area)
		}
	}
	for _, id := range rep.NotRun {
		if c, ok := cases[id]; !ok || c.kind() != "error" {
			bad("%s did not run (%s): want an error test case, got %v", id, rep.Interrupted, ok)
		}
		delete(cases, id)
	}
	staleFails := 0
	if b := rep.Baseline; b != nil && rep.Strict && len(b.Stale) > 0 {
		staleFails = 1 // the run fails on them: one <failure> names them
		if c, ok := cases[reports.StaleCaseName]; !ok || c.kind() != "failure" || suiteOf[reports.StaleCaseName] != reports.StaleCaseSuite {
			bad("a --strict run with %d stale baseline entries has no %s <failure> in suite %s", len(b.Stale), reports.StaleCaseName, reports.StaleCaseSuite)
		}
		delete(cases, reports.StaleCaseName)
	}
	for id := range cases {
		bad("%s is in junit.xml but not in report.json", id)
	}
	s := rep.Summary
	wantFailures := s.MustFailed
	if rep.Strict {
		wantFailures += s.ShouldFailed
	}
	wantErrors := s.Error + len(rep.NotRun)
	for _, res := range rep.Results { // known failures are passing cases
		switch {
		case !res.Baselined:
		case res.Verdict == reports.Error:
			wantErrors--
		case res.Verdict == reports.Fail && (res.Level == "MUST" || rep.Strict && res.Level == "SHOULD"):
			wantFailures--
		}
	}
	wantFailures += staleFails
	total := len(rep.Results) + len(rep.NotRun) + staleFails
	if doc.Tests != total || doc.Failures != wantFailures || doc.Errors != wantErrors || skipped != s.Skip {
		bad("totals tests=%d failures=%d errors=%d skipped=%d; report.json: %d checks (%d not run), %d failing the run, %d error (baselined ones aside), %d skip",
			doc.Tests, doc.Failures, doc.Errors, skipped, total, len(rep.NotRun), wantFailures, wantErrors, s.Skip)
	}
	if err := noPaths(junit); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// noPaths fails an attribute that names a file, or holds an absolute path
// (the working directory, $HOME or the module's source tree): junit.xml is
// published from CI machines, and CI reporters link file attributes.
func noPaths(junit []byte) error {
	wd, _ := os.Getwd()
	roots := []string{wd, os.Getenv("HOME"), Root()}
	if abs, err := filepath.Abs(Root()); err == nil {
		roots = append(roots, abs)
	}
	dec := xml.NewDecoder(bytes.NewReader(junit))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range el.Attr {
			n := a.Name.Local
			if n == "file" || n == "filepath" || n == "line" {
				return fmt.Errorf("<%s> has a %s attribute: %q", el.Name.Local, n, a.Value)
			}
			if (n == "classname" || n == "name") && strings.HasPrefix(a.Value, "/") {
				return fmt.Errorf("<%s %s=%q> is an absolute path", el.Name.Local, n, a.Value)
			}
			for _, r := range roots {
				if len(r) > 1 && strings.Contains(a.Value, r) {
					return fmt.Errorf("<%s %s=%q> contains the local path %s", el.Name.Local, n, a.Value, r)
				}
			}
		}
	}
}
