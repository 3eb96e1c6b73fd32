package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

// Bounds every run against a hostile target keeps (README, "Safety").
const (
	hostileMaxRSS  = 512 << 20
	hostileMaxTime = 90 * time.Second
)

// TestHostileTargetsCannotHangOrExhaustTheSuite runs the built CLI, the
// whole suite, against servers that try to: every run ends in bounded time
// and memory, with a status that is not "usage error" and a valid report,
// and the target's markup never becomes markup in it.
func TestHostileTargetsCannotHangOrExhaustTheSuite(t *testing.T) {
	t.Parallel()
	bin := buildCLI(t)
	// The observe-mode runs of these targets are in the corpus
	// (TestHostileCorpus); here they meet the checks that hold many streams
	// at once: "/publish" makes the same server the publish hook (it
	// answers a POST, with 204 or its stream) and runs the publish-mode
	// CONN checks, which hold fifty streams open and open and drop two
	// hundred. (The other publish-mode checks read one stream at a time, as
	// the corpus's runs do, each waiting 2 s for an event this target never
	// sends.) The gzip bomb, not in the corpus, runs whole.
	// Two at a time: each run is its own process with its own bounds, and
	// the bounds (90 s, 512 MiB) are far above what one takes.
	names := []string{"hostile-endless-line/publish", "hostile-gzip-bomb/publish", "hostile-firehose/publish", "hostile-gzip-bomb"}
	casetest.RunK(t, 2, names, func(t *testing.T, name string) {
		dir := t.TempDir()
		fault, publish := strings.CutSuffix(name, "/publish")
		url := casetest.Fault(t, fault)
		args := []string{"run", "--url", url, "--keepalive-max", "1s", "--window", "2s", "--browser", "off", "--report-dir", dir}
		if publish {
			args = append(args, "--publish-url", strings.TrimSuffix(url, "/events")+"/publish", "--label-filter", "mode:publish && area:CONN")
		}
		r := runChild(t, bin, 2*hostileMaxRSS, 2*hostileMaxTime, 0, args...)
		t.Logf("%s: exit %d in %v (CPU %v), peak RSS %d MiB (rusage, an upper bound: %d MiB)", name, r.code, r.took.Round(100*time.Millisecond), r.cpu.Round(100*time.Millisecond), r.hwm>>20, r.maxRSS>>20)
		if r.killedAt > 0 {
			t.Fatalf("killed at %d MiB RSS after %v", r.killedAt>>20, r.took)
		}
		if r.code != exitOK && r.code != exitFailed {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if r.took > hostileMaxTime {
			t.Errorf("run took %v, bound %v", r.took, hostileMaxTime)
		}
		// rusage's figure bounds the peak from above: asserting on it
		// cannot pass a run that went over.
		if r.maxRSS == 0 || r.maxRSS > hostileMaxRSS {
			t.Errorf("peak RSS %d MiB, bound %d MiB", r.maxRSS>>20, hostileMaxRSS>>20)
		}
		rep := readValidReport(t, dir)
		if len(rep.Results) == 0 {
			t.Fatal("report.json holds no results")
		}
		html, err := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script", "<img src=x", "<svg onload", "</textarea><"} {
			if strings.Contains(strings.ToLower(string(html)), bad) {
				t.Errorf("report.html contains the target's %q unescaped", bad)
			}
		}
	})
}

// TestSIGTERMEndsARunAgainstAGzipBomb: SIGTERM mid-run ends the run
// promptly (every long loop watches the run's context), with its reports.
func TestSIGTERMEndsARunAgainstAGzipBomb(t *testing.T) {
	t.Parallel()
	bin := buildCLI(t)
	dir := t.TempDir()
	const after = 4 * time.Second
	url := casetest.Fault(t, "hostile-gzip-bomb")
	r := runChild(t, bin, 2*hostileMaxRSS, 2*hostileMaxTime, after, "run", "--url", url, "--publish-url", strings.TrimSuffix(url, "/events")+"/publish",
		"--keepalive-max", "1s", "--window", "2s", "--browser", "off", "--report-dir", dir)
	if r.took < after {
		t.Fatalf("the run ended after %v, before the signal: nothing was shown", r.took)
	}
	t.Logf("exit %d in %v, peak RSS %d MiB (rusage, an upper bound: %d MiB)", r.code, r.took.Round(100*time.Millisecond), r.hwm>>20, r.maxRSS>>20)
	if r.killedAt > 0 || r.maxRSS > hostileMaxRSS {
		t.Fatalf("peak RSS %d MiB (killed at %d MiB)", r.maxRSS>>20, r.killedAt>>20)
	}
	if r.took > after+15*time.Second {
		t.Errorf("exited %v after SIGTERM", r.took-after)
	}
	if r.code == exitUsage {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	readValidReport(t, dir)
}

func readValidReport(t *testing.T, dir string) *reports.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatalf("no report.json: %v", err)
	}
	if !json.Valid(b) {
		t.Fatalf("report.json is not valid JSON (%d bytes)", len(b))
	}
	rep, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func maxRSS(state *os.ProcessState) int64 {
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // Linux reports KiB
	}
	return 0
}

// cpuTime is the user and system time the process took.
func cpuTime(state *os.ProcessState) time.Duration { return state.UserTime() + state.SystemTime() }
