package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/junitcheck"
	"github.com/ssespec/ssespec/reports"
)

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	sync.Mutex
	b strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.Lock()
	defer s.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.Lock()
	defer s.Unlock()
	return s.b.String()
}

// TestInterruptNeverPasses is issue 9's promise: a run stopped by SIGINT,
// SIGTERM or SIGHUP exits 128+signal, its reports say it was interrupted and
// which checks did not run, and it leaves no browser profile behind.
func TestInterruptNeverPasses(t *testing.T) {
	t.Parallel()
	url, _ := casetest.Reference(t)
	browserArgs, withBrowser := []string{"--browser", "off"}, false
	if _, err := browser.Find(os.Getenv("SSESPEC_BROWSER")); err == nil {
		browserArgs, withBrowser = []string{"--browser", "on"}, true
	} else if os.Getenv("CI") != "" {
		t.Fatalf("CI must have Chromium: %v", err)
	} else {
		t.Logf("no Chromium (%v): interrupts are tested without the browser", err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		want int
		name string
	}{
		{syscall.SIGINT, 130, "SIGINT"},
		{syscall.SIGTERM, 143, "SIGTERM"},
		{syscall.SIGHUP, 129, "SIGHUP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, tmp := t.TempDir(), t.TempDir()
			args := append([]string{"run", "--url", url, "--keepalive-max", "5s", "--report-dir", dir}, browserArgs...)
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "SSESPEC_CLI=1", "TMPDIR="+tmp)
			var out, errb syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait (bounded) until checks are running (the first progress
			// line) and Chromium has its profile, so the cleanup is tested.
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) && (!strings.Contains(out.String(), "SSE-") || withBrowser && len(profiles(tmp)) == 0) {
				time.Sleep(20 * time.Millisecond)
			}
			if withBrowser && len(profiles(tmp)) == 0 {
				t.Fatalf("Chromium's profile never appeared in TMPDIR\n%s%s", out.String(), errb.String())
			}
			took := signalAndWait(t, cmd, tc.sig, tc.name, &out, &errb)
			if code := cmd.ProcessState.ExitCode(); code != tc.want {
				t.Fatalf("exit %d after %s, want %d\n%s%s", code, tc.name, tc.want, out.String(), errb.String())
			}
			t.Logf("%s: exit %d, %v after the signal", tc.name, tc.want, took.Round(time.Millisecond))
			rep, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
			if err != nil {
				t.Fatalf("no report after %s: %v\n%s", tc.name, err, errb.String())
			}
			if rep.Interrupted != tc.name || len(rep.NotRun) == 0 {
				t.Errorf("report: interrupted %q, not_run %v; want %q and the checks that did not run", rep.Interrupted, rep.NotRun, tc.name)
			}
			junitcheck.Verify(t, dir)
			if html, _ := os.ReadFile(filepath.Join(dir, reports.HTMLFile)); !strings.Contains(string(html), "Run interrupted ("+tc.name+")") {
				t.Errorf("report.html does not say the run was interrupted")
			}
			if !strings.Contains(errb.String(), "interrupted by "+tc.name) {
				t.Errorf("stderr does not say why: %q", errb.String())
			}
			if left := profiles(tmp); len(left) > 0 {
				t.Errorf("browser profile left behind: %v", left)
			}
		})
	}
}

// TestInterruptAgainstASilentTarget: a target that accepts connections and
// never answers holds each stream in its header wait; SIGINT ends the run
// at once all the same (it waited out the 10 s header timeout before).
func TestInterruptAgainstASilentTarget(t *testing.T) {
	t.Parallel()
	url, _ := silentListener(t)
	cmd := exec.Command(os.Args[0], "run", "--url", url, "--browser", "off", "--report-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "SSESPEC_CLI=1")
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(out.String(), "SSE-") {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // into a check's header wait
	took := signalAndWait(t, cmd, syscall.SIGINT, "SIGINT", &out, &errb)
	if code := cmd.ProcessState.ExitCode(); code != 130 || took > 5*time.Second {
		t.Fatalf("exit %d %v after SIGINT, want 130 within 5 s\n%s%s", code, took, out.String(), errb.String())
	}
	t.Logf("exit 130, %v after SIGINT", took.Round(time.Millisecond))
}

// signalAndWait sends sig (named name) to the started cmd and returns how
// long it took to exit; still running 20 s later fails the test.
func signalAndWait(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, name string, out, errb *syncBuffer) time.Duration {
	t.Helper()
	sent := time.Now()
	cmd.Process.Signal(sig)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatalf("still running 20 s after %s\n%s%s", name, out.String(), errb.String())
	}
	return time.Since(sent)
}

// TestTimeoutStopsTheRun: --timeout ends a run that would take longer, with
// reports that say so and exit 1.
func TestTimeoutStopsTheRun(t *testing.T) {
	t.Parallel()
	url, _ := casetest.Reference(t)
	dir := t.TempDir()
	r := cli(t, "run", "--url", url, "--keepalive-max", "30s", "--timeout", "3s", "--browser", "off", "--report-dir", dir)
	if r.code != exitFailed || r.took > 20*time.Second {
		t.Fatalf("exit %d in %v, want 1 soon after the 3 s timeout\n%s%s", r.code, r.took, r.stdout, r.stderr)
	}
	rep, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Interrupted != "timeout" || len(rep.NotRun) == 0 {
		t.Errorf("report: interrupted %q, not_run %v", rep.Interrupted, rep.NotRun)
	}
	junitcheck.Verify(t, dir) // the checks that did not run are <error>s, counted
	if !strings.Contains(r.stderr, "--timeout") {
		t.Errorf("stderr does not name --timeout: %q", r.stderr)
	}
}

// profiles lists browser profile directories in dir (the suite's shareable
// one or chromedp's own).
func profiles(dir string) []string {
	a, _ := filepath.Glob(filepath.Join(dir, "chromedp-runner*"))
	b, _ := filepath.Glob(filepath.Join(dir, "ssespec-chromium-*"))
	return append(a, b...)
}

// TestUnwritableReportDirExits3: the README's exit 3, found before the run
// (not after it, with the verdicts lost).
func TestUnwritableReportDirExits3(t *testing.T) {
	t.Parallel()
	url, _ := casetest.Reference(t)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "run", "--url", url, "--report-dir", filepath.Join(file, "reports"), "--browser", "off")
	if r.code != exitHarness || !strings.Contains(r.stderr, "cannot write the reports") || r.took > 5*time.Second {
		t.Fatalf("exit %d in %v, stderr %q; want exit 3 at once, naming the directory", r.code, r.took, r.stderr)
	}
}
