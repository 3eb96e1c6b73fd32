package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

// TestHostileTargetsCannotHangOrExhaustTheSuite runs the whole suite
// against servers that try to: every run ends in bounded time and memory
// with a report, and the target's markup never becomes markup in it.
func TestHostileTargetsCannotHangOrExhaustTheSuite(t *testing.T) {
	for _, name := range []string{"hostile-endless-line", "hostile-firehose", "hostile-no-headers", "hostile-binary", "hostile-script"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			r := cli(t, "run", "--url", casetest.Fault(t, name), "--keepalive-max", "1s", "--window", "2s",
				"--browser", "off", "--report-dir", dir)
			if r.code != exitOK && r.code != exitFailed {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if r.took > 90*time.Second {
				t.Errorf("run took %v", r.took)
			}
			if rss := r.maxRSS; rss > 1<<30 {
				t.Errorf("max RSS %d MiB", rss>>20)
			}
			t.Logf("%s: exit %d in %v, max RSS %d MiB", name, r.code, r.took.Round(100*time.Millisecond), r.maxRSS>>20)
			rep, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
			if err != nil || len(rep.Results) == 0 {
				t.Fatalf("no usable report: %v", err)
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
}

func maxRSS(state *os.ProcessState) int64 {
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // Linux reports KiB
	}
	return 0
}
