package ci

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// installLine is the jobs' install step: it needs the published module, so
// here a wrapper around the CLI built from this tree stands in for it.
const installLine = "go install github.com/ssespec/ssespec/cmd/ssespec@latest"

// quickFlags are what the wrapper adds: a short window and three checks,
// one of which (SSE-KEEP-001, SHOULD) fails against the example started
// with keepalives every 30 s, so the annotations and summary have a finding.
const quickFlags = "--keepalive-max 1s --window 3s --browser off --label-filter 'id:SSE-HTTP-001 || id:SSE-HTTP-002 || id:SSE-KEEP-001'"

type jobEnv struct {
	root, dir, bin string
	replacer       *strings.Replacer
	env            []string
}

// newJobEnv builds the CLI, puts an ssespec wrapper first on PATH and
// picks a free loopback port for the example server.
func newJobEnv(t *testing.T) *jobEnv {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir, bin := t.TempDir(), filepath.Join(t.TempDir(), "ssespec-cli")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ssespec")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	wrapperDir := t.TempDir()
	wrapper := "#!/bin/sh\nexec " + bin + ` "$@" ` + quickFlags + "\n"
	if err := os.WriteFile(filepath.Join(wrapperDir, "ssespec"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := append(os.Environ(), "PATH="+wrapperDir+":"+os.Getenv("PATH"), "SSE_KEEPALIVE=30", "SSE_TICK=30",
		"GITHUB_ACTIONS=", "GITHUB_STEP_SUMMARY=")
	return &jobEnv{root: root, dir: dir, bin: bin, env: env,
		replacer: strings.NewReplacer("127.0.0.1:8080", addr, "examples/go/serve", filepath.Join(root, "examples/go/serve"))}
}

// run runs one shell script as the CI would (bash -eo pipefail) in the job's
// directory; whatever it leaves running (the server) is ended with the test.
func (j *jobEnv) run(t *testing.T, script string, extraEnv ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", j.replacer.Replace(script))
	cmd.Dir, cmd.Env = j.dir, append(append([]string{}, j.env...), extraEnv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	t.Cleanup(func() {
		syscall.Kill(-pgid, syscall.SIGTERM)
		time.Sleep(100 * time.Millisecond)
		syscall.Kill(-pgid, syscall.SIGKILL)
	})
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
		t.Fatalf("script did not finish in 3 min:\n%s\n%s", script, out.String())
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// TestGitHubJobRunsHere runs the workflow's run: steps in order (the
// install step stood in for): the server starts, ssespec annotates its
// finding and appends the job summary, and the uploaded paths exist.
func TestGitHubJobRunsHere(t *testing.T) {
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name, Run, Uses string
				With            map[string]string
			}
		}
	}
	b, err := os.ReadFile("github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	j := newJobEnv(t)
	summary := filepath.Join(j.dir, "step_summary")
	gh := []string{"GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY=" + summary, "GITHUB_SERVER_URL=https://github.com",
		"GITHUB_REPOSITORY=octo/app", "GITHUB_RUN_ID=99"}
	var uploads []string
	ran, suite := 0, ""
	for _, s := range wf.Jobs["ssespec"].Steps {
		switch {
		case s.Run == installLine:
			continue
		case s.Run != "":
			out, code := j.run(t, s.Run, gh...)
			if code != 0 {
				t.Fatalf("step %q exited %d:\n%s", s.Name, code, out)
			}
			if strings.Contains(s.Run, "ssespec run") {
				suite = out
			}
			ran++
		case strings.HasPrefix(s.Uses, "actions/upload-artifact@"):
			uploads = append(uploads, strings.Fields(s.With["path"])...)
		}
	}
	if ran != 2 || suite == "" {
		t.Fatalf("ran %d steps, want the server's and ssespec's", ran)
	}
	if !strings.HasPrefix(suite, "::stop-commands::") || !strings.Contains(suite, "\n::warning title=SSE-KEEP-001 (SHOULD fail)::") {
		t.Errorf("ssespec's log lacks the fence or the KEEP-001 annotation:\n%s", suite)
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatalf("no job summary: %v", err)
	}
	for _, want := range []string{"**Passed**", "| 3 | 2 | 1 | 0 | 0 | 0 | 0 | 1 |", "**SSE\\-KEEP\\-001** · SHOULD · fail",
		"(<https://github.com/octo/app/actions/runs/99>)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("job summary lacks %q:\n%s", want, md)
		}
	}
	if len(uploads) == 0 {
		t.Fatal("no upload-artifact step")
	}
	for _, p := range append(uploads, "ssespec-report/report.html", "ssespec-report/junit.xml") {
		if _, err := os.Stat(filepath.Join(j.dir, p)); err != nil {
			t.Errorf("upload path: %v", err)
		}
	}
}

// TestGitLabJobRunsHere runs the job's before_script and script in one
// shell, as the GitLab runner does: the reports its artifacts name exist.
func TestGitLabJobRunsHere(t *testing.T) {
	b, err := os.ReadFile("gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var job struct {
		BeforeScript []string `yaml:"before_script"`
		Script       []string
		Artifacts    struct {
			Paths   []string
			Reports struct{ Junit string }
		}
	}
	node := doc["ssespec"]
	if err := node.Decode(&job); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range append(job.BeforeScript, job.Script...) {
		if l != installLine {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(job.BeforeScript)+len(job.Script)-1 {
		t.Fatalf("the job does not install ssespec with %q", installLine)
	}
	j := newJobEnv(t)
	out, code := j.run(t, strings.Join(lines, "\n"))
	if code != 0 || !strings.Contains(out, "3 checks: 2 pass, 1 fail") {
		t.Fatalf("exit %d, want 0 with KEEP-001 failed:\n%s", code, out)
	}
	if strings.Contains(out, "::") {
		t.Errorf("workflow commands outside GitHub Actions:\n%s", out)
	}
	for _, p := range append(job.Artifacts.Paths, job.Artifacts.Reports.Junit) {
		if _, err := os.Stat(filepath.Join(j.dir, p)); err != nil {
			t.Errorf("artifact: %v", err)
		}
	}
}
