// Package ssespectest runs the ssespec conformance suite against an SSE
// endpoint from a Go test, the way testing/fstest.TestFS checks a file system:
//
//	func TestEvents(t *testing.T) {
//		srv := httptest.NewServer(myHandler)
//		defer srv.Close()
//		ssespectest.Run(t, ssespectest.Config{URL: srv.URL + "/events"})
//	}
//
// The checks run in the test's own process, each as a subtest named by its
// check ID, so go test -run 'TestEvents/SSE-FRAME' runs the FRAME checks
// only. The test function runs once, and a server on a fixed port or the
// handler's coverage work as in any other test. Each run keeps its own
// state, so runs in parallel tests of one process go on side by side.
package ssespectest

import (
	"context"
	"testing"
	"time"

	"github.com/ssespec/ssespec"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// Config is the run's configuration (the same fields as the CLI's flags).
type Config = suite.Config

// Check runs the suite for cfg and returns the report without judging it.
func Check(t testing.TB, cfg Config) *reports.Report {
	t.Helper()
	return run(t, cfg, func(s *ssespec.Session) {
		for _, c := range s.Checks() {
			s.Exec(c)
		}
	})
}

// Run runs each check as a subtest named by its ID (when t is a
// *testing.T) and judges it: the subtest fails when a MUST check failed or
// errored (with cfg.Strict, when a SHOULD check failed too), is skipped
// when the check was, and logs the verdict otherwise. It returns the report
// of the checks that ran.
func Run(t testing.TB, cfg Config) *reports.Report {
	t.Helper()
	tt, subtests := t.(*testing.T)
	return run(t, cfg, func(s *ssespec.Session) {
		for _, c := range s.Checks() {
			if !subtests {
				judge(t, s.Exec(c), cfg.Strict, false)
				continue
			}
			tt.Run(c.ID, func(st *testing.T) {
				judge(st, s.Exec(c), cfg.Strict, true)
			})
		}
	})
}

func run(t testing.TB, cfg Config, exec func(*ssespec.Session)) *reports.Report {
	t.Helper()
	ctx := context.Background()
	if d, ok := deadline(t); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
	}
	s, err := ssespec.Start(ctx, cfg, ssespec.Options{})
	if err != nil {
		t.Fatalf("ssespectest: the suite could not run: %v", err)
	}
	finished := false
	defer func() {
		if !finished { // a Fatal in exec: end the run, so the next can start
			s.Finish()
		}
	}()
	exec(s)
	finished = true
	r, err := s.Finish()
	if err != nil {
		t.Fatalf("ssespectest: %v", err)
	}
	return r
}

// judge reports one result on t: an error when it counts against the
// target, a skip (own subtest only) or a log line otherwise.
func judge(t testing.TB, res reports.Result, strict, own bool) {
	t.Helper()
	counts := res.Level == string(suite.MUST) && (res.Verdict == reports.Fail || res.Verdict == reports.Error) ||
		strict && res.Level == string(suite.SHOULD) && res.Verdict == reports.Fail
	switch {
	case counts:
		t.Errorf("%s %s %s: %s", res.ID, res.Level, res.Verdict, res.Message)
	case own && res.Verdict == reports.Skip:
		t.Skip(res.Message)
	case res.Message != "":
		t.Logf("%s %s %s: %s", res.ID, res.Level, res.Verdict, res.Message)
	}
}

func deadline(t testing.TB) (time.Time, bool) {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			return dl.Add(-5 * time.Second), true
		}
	}
	return time.Time{}, false
}
