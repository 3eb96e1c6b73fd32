package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

// TestJudgeReportTimesSilences: a report.json keeps when each body read
// arrived, so judging it gives SSE-KEEP-001 the live run's verdict: a
// stream silent past --keepalive-max fails it offline as it did live, one
// that sends keepalives passes, and a curl capture, which has no times,
// skips it saying where times are kept.
func TestJudgeReportTimesSilences(t *testing.T) {
	t.Parallel()
	ref, _ := casetest.Reference(t)
	for _, tc := range []struct{ name, url, want, detail string }{
		{"silent", casetest.Fault(t, "silent-30s"), reports.Fail, "silent for"},
		{"reference", ref, reports.Pass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := filepath.Join(t.TempDir(), "live")
			r := cli(t, "run", "--url", tc.url, "--report-dir", live, "--keepalive-max", "1s", "--window", "2500ms",
				"--label-filter", "id:SSE-KEEP-001", "--browser", "off")
			if r.code == exitUsage {
				t.Fatalf("live run: exit %d; stderr:\n%s", r.code, r.stderr)
			}
			liveRep, err := reports.ReadJSON(filepath.Join(live, reports.JSONFile))
			if err != nil {
				t.Fatal(err)
			}
			was := verdicts(liveRep)["SSE-KEEP-001"]
			if was.Verdict != tc.want {
				t.Fatalf("live: SSE-KEEP-001 %s %q; want %s", was.Verdict, was.Message, tc.want)
			}
			// No --keepalive-max: the report kept the run's 1 s.
			_, rep := judgeFile(t, filepath.Join(live, reports.JSONFile))
			if rep == nil {
				t.Fatal("judging the live report wrote no report")
			}
			if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "--keepalive-max 1s, the run's") }) {
				t.Errorf("no warning says the run's --keepalive-max was used: %q", rep.Warnings)
			}
			got := verdicts(rep)["SSE-KEEP-001"]
			t.Logf("live: %s %q; offline: %s %q", was.Verdict, was.Message, got.Verdict, got.Message)
			if got.Verdict != tc.want || !strings.Contains(got.Message, tc.detail) {
				t.Errorf("offline: SSE-KEEP-001 %s %q; want %s mentioning %q", got.Verdict, got.Message, tc.want, tc.detail)
			}
			// The flag overrides it: 10 s is longer than all 2.5 s seen.
			_, rep = judgeFile(t, filepath.Join(live, reports.JSONFile), "--keepalive-max", "10s")
			if got := verdicts(rep)["SSE-KEEP-001"]; got.Verdict != reports.Skip || !strings.Contains(got.Message, "10s") {
				t.Errorf("with --keepalive-max 10s: SSE-KEEP-001 %s %q; want skip naming 10s", got.Verdict, got.Message)
			}
		})
	}
	t.Run("curl", func(t *testing.T) {
		dir := t.TempDir()
		file, judgedDir := filepath.Join(dir, "capture"), filepath.Join(dir, "judged")
		if err := os.WriteFile(file, captureBody(t, ref, time.Second, true), 0o644); err != nil {
			t.Fatal(err)
		}
		cli(t, "judge", "--report-dir", judgedDir, file)
		// The capture, and the report of judging it (whose recording has
		// no times either), both skip SSE-KEEP-001.
		for _, f := range []string{file, filepath.Join(judgedDir, reports.JSONFile)} {
			_, rep := judgeFile(t, f)
			if rep == nil {
				t.Fatalf("%s: no report", f)
			}
			if got := verdicts(rep)["SSE-KEEP-001"]; got.Verdict != reports.Skip || !strings.Contains(got.Message, "report.json") {
				t.Errorf("%s: SSE-KEEP-001 %s %q; want skip naming report.json", f, got.Verdict, got.Message)
			}
		}
	})
}
