package ci

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"
)

// The README shows each job whole, as the file holds it.
func TestREADMEEmbedsTheJobs(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"github-actions.yml", "gitlab-ci.yml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(readme, append(append([]byte("```yaml\n"), b...), "```\n"...)) {
			t.Errorf("README.md has no ```yaml block equal to docs/ci/%s", f)
		}
	}
}

// TestGitHubWorkflowLints runs actionlint (workflow syntax, expressions,
// the inputs of the actions used, and shellcheck on run: scripts when
// shellcheck is installed).
func TestGitHubWorkflowLints(t *testing.T) {
	b, err := os.ReadFile("github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	opts := &actionlint.LinterOptions{}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI must have shellcheck to check the run: scripts (Debian: apt-get install shellcheck; .ci/run installs it)")
	} else {
		t.Log("shellcheck not installed: the run: scripts are not shellchecked")
	}
	l, err := actionlint.NewLinter(io.Discard, opts)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint("github-actions.yml", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s", e.Error())
	}
	// The linter must catch what it is here for.
	bad := bytes.Replace(b, []byte("name: ssespec-report"), []byte("nmae: ssespec-report"), 1)
	if errs, _ := l.Lint("bad.yml", bad, nil); len(errs) == 0 {
		t.Error("actionlint accepted an unknown input of actions/upload-artifact")
	}
	if opts.Shellcheck != "" {
		bad = bytes.Replace(b, []byte("run: ssespec run --url"), []byte("run: cd $HOME/x y && ssespec run --url"), 1)
		if errs, _ := l.Lint("bad.yml", bad, nil); len(errs) == 0 {
			t.Error("shellcheck accepted an unquoted expansion")
		}
	}
}

// GitLab's keywords, from the CI/CD YAML syntax reference
// (docs.gitlab.com/ci/yaml/). GitLab's own JSON schema is not vendored
// here: these checks cover the keys and shapes the job uses.
var (
	gitlabGlobal = []string{"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
		"before_script", "after_script", "spec"}
	gitlabJob = []string{"after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage",
		"dast_configuration", "dependencies", "environment", "extends", "hooks", "identity", "id_tokens", "image",
		"inherit", "interruptible", "manual_confirmation", "needs", "pages", "parallel", "release", "resource_group",
		"retry", "rules", "run", "script", "secrets", "services", "stage", "tags", "timeout", "trigger", "variables",
		"when", "only", "except", "start_in"}
	gitlabArtifacts = []string{"paths", "exclude", "expire_in", "expose_as", "name", "public", "access", "reports", "untracked", "when"}
	gitlabReports   = []string{"accessibility", "annotations", "api_fuzzing", "browser_performance", "coverage_report",
		"codequality", "container_scanning", "coverage_fuzzing", "cyclonedx", "dast", "dependency_scanning", "dotenv",
		"junit", "load_performance", "metrics", "requirements", "repository_xray", "sast", "secret_detection", "terraform"}
)

func TestGitLabJobShape(t *testing.T) {
	doc := readGitLab(t)
	if errs := gitlabErrors(doc); len(errs) > 0 {
		t.Errorf("gitlab-ci.yml:\n%s", strings.Join(errs, "\n"))
	}
	// The checks must catch what they are here for.
	for name, mutate := range map[string]func(job map[string]any){
		"misspelt keyword":       func(j map[string]any) { j["scripts"] = j["script"] },
		"unknown stage":          func(j map[string]any) { j["stage"] = "tset" },
		"junit not a path":       func(j map[string]any) { j["artifacts"].(map[string]any)["reports"] = map[string]any{"junit": 1} },
		"artifacts:when unknown": func(j map[string]any) { j["artifacts"].(map[string]any)["when"] = "sometimes" },
	} {
		bad := readGitLab(t)
		mutate(bad["ssespec"].(map[string]any))
		if len(gitlabErrors(bad)) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

func readGitLab(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func gitlabErrors(doc map[string]any) []string {
	var errs []string
	fail := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	stages := []string{".pre", "build", "test", "deploy", ".post"}
	if s, ok := doc["stages"]; ok {
		list, ok := strings_(s)
		if !ok || len(list) == 0 {
			fail("stages: want a list of names")
		}
		stages = append(list, ".pre", ".post")
	}
	jobs := 0
	for key, v := range doc {
		if slices.Contains(gitlabGlobal, key) || strings.HasPrefix(key, ".") {
			continue
		}
		jobs++
		job, ok := v.(map[string]any)
		if !ok {
			fail("%s: a job must be a mapping", key)
			continue
		}
		for k := range job {
			if !slices.Contains(gitlabJob, k) {
				fail("%s: unknown keyword %q", key, k)
			}
		}
		for _, k := range []string{"script", "before_script", "after_script"} {
			if s, ok := job[k]; ok {
				if list, ok := strings_(s); !ok || len(list) == 0 {
					fail("%s.%s: want a non-empty list of commands", key, k)
				}
			} else if k == "script" && job["trigger"] == nil && job["extends"] == nil {
				fail("%s: no script", key)
			}
		}
		if s, ok := job["stage"].(string); ok && !slices.Contains(stages, s) {
			fail("%s.stage %q is not in stages %v", key, s, stages)
		}
		if a, ok := job["artifacts"]; ok {
			errs = append(errs, artifactErrors(key, a)...)
		}
	}
	if jobs == 0 {
		fail("no job")
	}
	return errs
}

func artifactErrors(job string, v any) []string {
	var errs []string
	fail := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	a, ok := v.(map[string]any)
	if !ok {
		return []string{job + ".artifacts: want a mapping"}
	}
	for k := range a {
		if !slices.Contains(gitlabArtifacts, k) {
			fail("%s.artifacts: unknown keyword %q", job, k)
		}
	}
	if p, ok := a["paths"]; ok {
		if list, ok := strings_(p); !ok || len(list) == 0 {
			fail("%s.artifacts.paths: want a list of paths", job)
		}
	}
	if w, ok := a["when"]; ok && !slices.Contains([]any{"on_success", "on_failure", "always"}, w) {
		fail("%s.artifacts.when %v: want on_success, on_failure or always", job, w)
	}
	if r, ok := a["reports"]; ok {
		reports, ok := r.(map[string]any)
		if !ok {
			fail("%s.artifacts.reports: want a mapping", job)
		}
		for k, v := range reports {
			if !slices.Contains(gitlabReports, k) {
				fail("%s.artifacts.reports: unknown report %q", job, k)
			}
			if _, isString := v.(string); !isString {
				if _, ok := strings_(v); !ok {
					fail("%s.artifacts.reports.%s: want a path or a list of paths", job, k)
				}
			}
		}
	}
	return errs
}

// strings_ is v as a list of strings.
func strings_(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
