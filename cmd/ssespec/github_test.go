package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/internal/ghrunner"
)

// ghInjection is a Content-Type a hostile target sends: the runner would
// run the legacy ##[…] command wherever it sits in a line of the log.
const ghInjection = `text/html; x="##[set-output name=pwned;]yes ::add-mask::z 100%0A"`

func ghTarget(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ghInjection)
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("data: x\n\n"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/events"
}

func ghEnv(t *testing.T, summary string) {
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	t.Setenv("GITHUB_SERVER_URL", "https://github.com")
	t.Setenv("GITHUB_REPOSITORY", "octo/app")
	t.Setenv("GITHUB_RUN_ID", "1234")
}

// TestFormatGitHubAnnotatesAndSummarizes: with --format github the log
// runs exactly one command per finding (the fence keeps the tree's copy of
// the target's text inert), and the job summary is appended.
func TestFormatGitHubAnnotatesAndSummarizes(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "step_summary.md")
	os.WriteFile(summary, []byte("earlier step\n"), 0o644)
	ghEnv(t, summary)
	t.Setenv("GITHUB_ACTIONS", "true")
	r := cli(t, "run", "--url", ghTarget(t), "--format", "github", "--label-filter", "id:SSE-HTTP-002",
		"--keepalive-max", "1s", "--window", "1s", "--browser", "off", "--report-dir", t.TempDir())
	if r.code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "##[set-output name=pwned;]yes") {
		t.Fatalf("the tree does not show the Content-Type, so this test proves nothing:\n%s", r.stdout)
	}
	cmds := ghrunner.Commands(r.stdout + r.stderr)
	if len(cmds) != 1 || cmds[0].Name != "error" || cmds[0].Properties["title"] != "SSE-HTTP-002 (MUST fail)" || !strings.Contains(cmds[0].Data, "##[set-output") {
		t.Fatalf("the runner would process %+v; want one ::error for SSE-HTTP-002\n%s", cmds, r.stdout)
	}
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{"earlier step\n### ssespec: ", "**Failed**: 1 MUST failed", "| 1 | 0 | 1 | 0 | 0 | 1 | 0 | 0 |",
		"**SSE\\-HTTP\\-002** · MUST · fail", "](<https://github.com/octo/app/actions/runs/1234>)", "##[set-output name=pwned;]yes ::add-mask::z 100%0A"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
}

// TestGitHubTextFormatAndSummaryFailure: on GitHub Actions without
// --format github the log is still fenced and runs no command; a summary
// that cannot be written is a warning, not another exit status.
func TestGitHubTextFormatAndSummaryFailure(t *testing.T) {
	ghEnv(t, filepath.Join(t.TempDir(), "missing", "summary.md"))
	t.Setenv("GITHUB_ACTIONS", "true")
	r := cli(t, "run", "--url", ghTarget(t), "--label-filter", "id:SSE-HTTP-002",
		"--keepalive-max", "1s", "--window", "1s", "--browser", "off", "--report-dir", "")
	if r.code != exitFailed || !strings.Contains(r.stderr, "warning: could not write the GitHub job summary") {
		t.Fatalf("exit %d, want 1 with a warning\n%s%s", r.code, r.stdout, r.stderr)
	}
	if cmds := ghrunner.Commands(r.stdout + r.stderr); len(cmds) != 0 || !strings.Contains(r.stdout, "##[set-output") {
		t.Errorf("the runner would process %+v, want none\n%s", cmds, r.stdout)
	}
}

func TestGitHubFlagErrorsExit2(t *testing.T) {
	for _, tc := range [][]string{
		{"--format", "xml"}, {"--report-url", "javascript:alert(1)"}, {"--report-url", "https://x/a b"},
	} {
		r := cli(t, append([]string{"run", "--url", "http://127.0.0.1:9/"}, tc...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc[0]) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming the flag", tc, r.code, r.stderr)
		}
	}
}

// TestDefusedStderrRunsNoCommand: what stderr carries while the log is
// fenced runs nothing even if the runner reads it after the fence.
func TestDefusedStderrRunsNoCommand(t *testing.T) {
	in := "ssespec: x509: certificate is valid for evil\n \u3000::set-output name=a::b ##[warning]w\n::error::e\n"
	var out strings.Builder
	defused{&out}.Write([]byte(in))
	if cmds := ghrunner.Commands(out.String()); len(cmds) != 0 {
		t.Errorf("the runner would process %+v", cmds)
	}
	if got := strings.ReplaceAll(out.String(), "\u200b", ""); got != in {
		t.Errorf("the text changed beyond zero-width spaces: %q", got)
	}
	if cmds := ghrunner.Commands(in); len(cmds) != 2 {
		t.Errorf("undefused, the runner would process %d commands, want 2: %+v", len(cmds), cmds)
	}
}
