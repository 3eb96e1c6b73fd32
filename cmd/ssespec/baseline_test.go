package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/internal/junitcheck"
	"github.com/ssespec/ssespec/reports"
)

// TestBaselineAndDiff is issue 13's promise, end to end: a run against a
// server with known failures exits 0 with its baseline and 1 when a new
// failure appears; a fixed failure shows as stale (exit 1 under --strict);
// diff lists exactly the checks whose verdict changed. Three checks, short
// windows, four runs.
func TestBaselineAndDiff(t *testing.T) {
	t.Parallel()
	const filter = "id:SSE-HTTP-002 || id:SSE-HTTP-004 || id:SSE-HTTP-005"
	// known fails SSE-HTTP-004 (MUST) and SSE-HTTP-005 (SHOULD); worse
	// fails SSE-HTTP-002 (MUST) as well.
	known := casetest.Serve(t, faults.Stream{Header: map[string]string{"Content-Length": "100000", "Cache-Control": "-"}}) + "/events"
	worse := casetest.Serve(t, faults.Stream{Header: map[string]string{"Content-Length": "100000", "Cache-Control": "-", "Content-Type": "application/json"}}) + "/events"
	fixed, _ := casetest.Reference(t)
	dir := t.TempDir()
	run := func(name, url string, extra ...string) (result, string) {
		t.Helper()
		reportDir := filepath.Join(dir, name)
		args := append([]string{"run", "--url", url, "--label-filter", filter, "--keepalive-max", "1s", "--window", "2s", "--report-dir", reportDir}, extra...)
		return cli(t, args...), filepath.Join(reportDir, reports.JSONFile)
	}
	baseline := filepath.Join(dir, "ssespec-baseline.json")

	r, first := run("first", known)
	if r.code != exitFailed {
		t.Fatalf("without a baseline: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	var out, errb strings.Builder
	if code := dispatch(context.Background(), []string{"baseline", "--from", first, "-o", baseline}, &out, &errb); code != exitOK {
		t.Fatalf("baseline: exit %d: %s", code, errb.String())
	}
	b, err := reports.ReadBaseline(baseline)
	if err != nil || len(b.Entries) != 2 || b.Entries[0].ID != "SSE-HTTP-004" || b.Entries[1].ID != "SSE-HTTP-005" {
		t.Fatalf("baseline %+v, %v", b, err)
	}

	r, again := run("again", known, "--baseline", baseline, "--strict")
	if r.code != exitOK || !strings.Contains(r.stdout, "2 known failure(s), 0 new, 0 stale") || !strings.Contains(r.stdout, "(known: baselined)") {
		t.Fatalf("known failures with their baseline, --strict: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	rep := readReportT(t, again)
	if rep.Baseline == nil || !rep.Result("SSE-HTTP-004").Baselined || rep.Result("SSE-HTTP-002").Baselined || rep.Summary.MustFailed != 1 {
		t.Errorf("report.json: baseline %+v, summary %+v: want SSE-HTTP-004 baselined and still counted as failed", rep.Baseline, rep.Summary)
	}
	html, _ := os.ReadFile(filepath.Join(filepath.Dir(again), reports.HTMLFile))
	if !strings.Contains(string(html), "known (baselined)") {
		t.Error("report.html shows no baselined badge")
	}
	// junit.xml follows the exit status: known failures are passing cases.
	junitcheck.Verify(t, filepath.Dir(again))
	if junit, _ := os.ReadFile(filepath.Join(filepath.Dir(again), reports.JUnitFile)); strings.Contains(string(junit), "<failure") {
		t.Errorf("junit.xml of a run that exits 0 with its baseline has a <failure>:\n%s", junit)
	}

	r, worseReport := run("worse", worse, "--baseline", baseline)
	if r.code != exitFailed || !strings.Contains(r.stdout, "1 new") || !strings.Contains(r.stdout, "new: SSE-HTTP-002") {
		t.Fatalf("a new failure: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}

	r, fixedReport := run("fixed", fixed, "--baseline", baseline, "--strict")
	if r.code != exitFailed || !strings.Contains(r.stdout, "stale (now pass; delete them from the baseline): SSE-HTTP-004 SSE-HTTP-005") {
		t.Fatalf("fixed failures under --strict: exit %d, want 1 with both entries stale\n%s%s", r.code, r.stdout, r.stderr)
	}
	// junit.xml says why the run failed: one <failure> naming the stale entries.
	junitcheck.Verify(t, filepath.Dir(fixedReport))
	if junit, _ := os.ReadFile(filepath.Join(filepath.Dir(fixedReport), reports.JUnitFile)); !strings.Contains(string(junit), "SSE-HTTP-004 SSE-HTTP-005; delete them") {
		t.Errorf("junit.xml of a --strict run failed by stale entries does not name them:\n%s", junit)
	}
	if rep := readReportT(t, fixedReport); rep.ExitCode(false) != exitOK || len(rep.Baseline.Stale) != 2 {
		t.Errorf("without --strict stale entries must not fail the run: exit %d, stale %+v", rep.ExitCode(false), rep.Baseline.Stale)
	}

	// diff: the reference run against the worst one, and the first two
	// runs of the same server.
	for _, tc := range []struct{ old, new string }{{fixedReport, worseReport}, {first, again}} {
		want := changedIDs(readReportT(t, tc.old), readReportT(t, tc.new))
		out.Reset()
		if code := dispatch(context.Background(), []string{"diff", "--exit-code", tc.old, tc.new}, &out, &errb); code != map[bool]int{true: exitFailed, false: exitOK}[len(want) > 0] {
			t.Errorf("diff --exit-code: exit %d with %d changes\n%s", code, len(want), out.String())
		}
		var listed []string
		for _, l := range strings.Split(out.String(), "\n") {
			if f := strings.Fields(l); len(f) > 2 && strings.HasPrefix(f[1], "SSE-") {
				listed = append(listed, f[1])
			}
		}
		if !slices.Equal(listed, want) {
			t.Errorf("diff lists %v, want exactly the changed %v\n%s", listed, want, out.String())
		}
	}
	if len(changedIDs(readReportT(t, fixedReport), readReportT(t, worseReport))) != 3 {
		t.Error("the reference and the faulty run should differ in all three checks")
	}
}

func TestBaselineFileErrorsExit2BeforeTheRun(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(bad, []byte(`{"version":1,"entries":[{"id":"SSE-HTTP-002","verdict":"flaky"}]}`), 0o644)
	var out, errb strings.Builder
	// Port 9 is closed: an exit 2 naming the baseline shows it was read first.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--url", "http://127.0.0.1:9/", "--report-dir", "", "--baseline", bad}, `verdict "flaky": want fail or error`},
		{[]string{"run", "--url", "http://127.0.0.1:9/", "--report-dir", "", "--baseline", bad + ".missing"}, "no such file"},
		{[]string{"proxy", "--via", "http://127.0.0.1:9/sse", "--origin-addr", "127.0.0.1:9", "--report-dir", "", "--baseline", bad}, "want fail or error"},
		{[]string{"baseline", "--from", bad}, "not an ssespec report.json"},
		{[]string{"diff", bad, bad}, "not an ssespec report.json"},
		{[]string{"diff", "only-one.json"}, "want two report.json files"},
		{[]string{"diff", "--format", "html", bad, bad}, "want text or markdown"},
	} {
		errb.Reset()
		if code := dispatch(context.Background(), tc.args, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 mentioning %q", tc.args, code, errb.String(), tc.want)
		}
	}
}

func readReportT(t *testing.T, path string) *reports.Report {
	t.Helper()
	r, err := reports.ReadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// changedIDs is computed here, independently of reports.Compare.
func changedIDs(old, new *reports.Report) []string {
	var out []string
	for _, res := range new.Results {
		if old.Verdict(res.ID) != res.Verdict {
			out = append(out, res.ID)
		}
	}
	for _, res := range old.Results {
		if new.Result(res.ID) == nil {
			out = append(out, res.ID)
		}
	}
	return out
}

func TestBaselineOfARunCutShortWarns(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), reports.JSONFile)
	r := &reports.Report{Tool: "ssespec", TargetStopped: "no answer for 10s", Results: []reports.Result{{ID: "SSE-HTTP-002", Level: "MUST", Verdict: reports.Error, Message: "not run"}}}
	if err := reports.WriteJSON(r, path); err != nil {
		t.Fatal(err)
	}
	var out, errb strings.Builder
	code := dispatch(context.Background(), []string{"baseline", "--from", path}, &out, &errb)
	if code != exitOK || !strings.Contains(errb.String(), "cut short") || !strings.Contains(out.String(), `"id": "SSE-HTTP-002"`) {
		t.Errorf("exit %d, stdout %q, stderr %q: want the baseline and a warning", code, out.String(), errb.String())
	}
}
