// Package ssespectest runs the ssespec conformance suite against an SSE
// endpoint from a Go test, the way testing/fstest.TestFS checks a file system:
//
//	func TestEvents(t *testing.T) {
//		srv := httptest.NewServer(myHandler)
//		defer srv.Close()
//		ssespectest.Run(t, ssespectest.Config{URL: srv.URL + "/events"})
//	}
//
// Ginkgo runs a suite once per process, so each call re-executes the test
// binary for just the calling test: the child process starts its own copy of
// the server (it runs the same test function), runs the suite in-process and
// hands its report back as JSON. Call Run or Check at most once per test or
// subtest; use t.Run for several targets.
package ssespectest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
	"github.com/ssespec/ssespec/suite/runner"
)

// Config is the run's configuration (the same fields as the CLI's flags).
type Config = suite.Config

const (
	envChild  = "SSESPEC_CHILD_TEST"   // the test name the child runs the suite for
	envReport = "SSESPEC_CHILD_REPORT" // where the child writes report.json
)

var calls sync.Map // testing.TB → struct{}: one suite per test (per -count repetition)

// Check runs the suite for cfg and returns the report without judging it.
func Check(t testing.TB, cfg Config) *reports.Report {
	t.Helper()
	if _, dup := calls.LoadOrStore(t, struct{}{}); dup {
		t.Fatalf("ssespectest: a second suite run in %s; use one t.Run per target", t.Name())
	}
	if os.Getenv(envChild) == t.Name() {
		return child(t, cfg)
	}
	return parent(t)
}

// Run is Check plus judgement: the test fails when a MUST check failed or
// errored (with cfg.Strict, when a SHOULD check failed too), listing them.
func Run(t testing.TB, cfg Config) *reports.Report {
	t.Helper()
	r := Check(t, cfg)
	if r.ExitCode(cfg.Strict) != 0 {
		for _, res := range r.Results {
			counts := res.Level == string(suite.MUST) && (res.Verdict == reports.Fail || res.Verdict == reports.Error) ||
				cfg.Strict && res.Level == string(suite.SHOULD) && res.Verdict == reports.Fail
			if counts {
				t.Errorf("%s %s %s: %s", res.ID, res.Level, res.Verdict, res.Message)
			}
		}
	}
	return r
}

func child(t testing.TB, cfg Config) *reports.Report {
	r, err := runner.Run(context.Background(), cfg, runner.Options{})
	if err != nil {
		r = &reports.Report{Tool: "ssespec", Target: cfg.URL, Results: []reports.Result{}}
		r.Results = append(r.Results, reports.Result{ID: "SSESPEC-RUN", Verdict: reports.Error, Message: err.Error()})
	}
	if path := os.Getenv(envReport); path != "" {
		if err := reports.WriteJSON(r, path); err != nil {
			t.Fatalf("ssespectest child: %v", err)
		}
	}
	return r
}

func parent(t testing.TB) *reports.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.json")
	ctx := context.Background()
	if d, ok := deadline(t); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+runPattern(t.Name()), "-test.count=1", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), envChild+"="+t.Name(), envReport+"="+path)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	r, rerr := reports.ReadJSON(path)
	if rerr != nil {
		t.Fatalf("ssespectest: the suite run for %s wrote no report (%v; exit: %v). Its output ends:\n%s", t.Name(), rerr, err, tail(out, 3000))
	}
	if res := r.Result("SSESPEC-RUN"); res != nil {
		t.Fatalf("ssespectest: the suite could not run: %s", res.Message)
	}
	return r
}

func deadline(t testing.TB) (time.Time, bool) {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			return dl.Add(-5 * time.Second), true
		}
	}
	return time.Time{}, false
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
