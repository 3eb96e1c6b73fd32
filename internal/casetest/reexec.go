package casetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/ssespectest"
	"github.com/ssespec/ssespec/suite"
)

// Check is ssespectest.Check in a child process: it re-executes the test
// binary for just the calling test, which runs the suite in-process and
// hands its report back as JSON. Runs in one process take turns, so the
// project's own tests, which run a hundred small suites eight at a time,
// give each its own process to keep that parallelism. Call it at most once
// per test or subtest.
func Check(t testing.TB, cfg suite.Config) *reports.Report {
	t.Helper()
	if os.Getenv(envChild) == t.Name() {
		return child(t, cfg)
	}
	return parent(t)
}

const (
	envChild  = "SSESPEC_CHILD_TEST"   // the test name the child runs the suite for
	envReport = "SSESPEC_CHILD_REPORT" // where the child writes report.json
)

func child(t testing.TB, cfg suite.Config) *reports.Report {
	r := ssespectest.Check(t, cfg)
	if path := os.Getenv(envReport); path != "" {
		if err := reports.WriteJSON(r, path); err != nil {
			t.Fatalf("casetest child: %v", err)
		}
	}
	return r
}

func parent(t testing.TB) *reports.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.json")
	ctx := context.Background()
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, dl.Add(-5*time.Second))
			defer cancel()
		}
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+runPattern(t.Name()), "-test.count=1", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), envChild+"="+t.Name(), envReport+"="+path)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	r, rerr := reports.ReadJSON(path)
	if rerr != nil {
		t.Fatalf("casetest: the suite run for %s wrote no report (%v; exit: %v). Its output ends:\n%s", t.Name(), rerr, err, tail(out, 3000))
	}
	return r
}

// runPattern selects exactly the named (sub)test.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
