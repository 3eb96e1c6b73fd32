package ssespec_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec"
	"github.com/ssespec/ssespec/cases"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// equivalenceIDs give a pass (FRAME, HTTP, DATA), a fail the configuration
// makes (SSE-KEEP-001 with a keepalive bound below the reference server's
// 300 ms) and skips (no CORS origin, no listener names).
var equivalenceIDs = []string{"SSE-FRAME-001", "SSE-FRAME-003", "SSE-HTTP-002", "SSE-HTTP-010", "SSE-DATA-001", "SSE-KEEP-001", "SSE-HTTP-011", "SSE-NAME-004"}

func equivalenceConfig(t *testing.T) suite.Config {
	cfg, _ := casetest.ReferenceConfig(t, equivalenceIDs...)
	cfg.KeepaliveMax = 100 * time.Millisecond
	cfg.Origin = ""
	cfg.Events = nil
	cfg.Browser = "off"
	return cfg
}

// TestExecutorsAgree runs the same checks against the reference server as
// Ginkgo specs (the CLI's Run, once per process) and in-process (Start, as
// ssespectest does), and compares the verdicts. It is this package's only
// Ginkgo run.
func TestExecutorsAgree(t *testing.T) {
	ctx := context.Background()
	log := filepath.Join(t.TempDir(), "ginkgo.log")
	viaGinkgo, err := ssespec.Run(ctx, equivalenceConfig(t), ssespec.Options{GinkgoLog: log})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssespec.Start(ctx, equivalenceConfig(t), ssespec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Checks() {
		s.Exec(c)
	}
	inProcess, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range equivalenceIDs {
		g, p := viaGinkgo.Result(id), inProcess.Result(id)
		if g == nil || p == nil {
			t.Fatalf("%s: ran under Ginkgo %v, in-process %v", id, g != nil, p != nil)
		}
		t.Logf("%s: %s / %s: %s", id, g.Verdict, p.Verdict, p.Message)
		if g.Verdict != p.Verdict {
			t.Errorf("%s: Ginkgo says %s (%s), in-process %s (%s)", id, g.Verdict, g.Message, p.Verdict, p.Message)
		}
		if g.Verdict == reports.Skip && g.Message != p.Message {
			t.Errorf("%s: skip messages differ: %q and %q", id, g.Message, p.Message)
		}
		seen[g.Verdict] = true
	}
	for _, v := range []string{reports.Pass, reports.Fail, reports.Skip} {
		if !seen[v] {
			t.Errorf("no check ended %s: the comparison covers less than it claims", v)
		}
	}
	// Ginkgo's console output went to the log, through its reporter.
	b, err := os.ReadFile(log)
	if err != nil || !strings.Contains(string(b), "Ran ") {
		t.Errorf("ginkgo.log lacks Ginkgo's summary (%v): %q", err, b)
	}
}

// TestRunsRepeat: in-process runs can follow one another in one process,
// each with its own state (the second target's recordings, not the first's).
func TestRunsRepeat(t *testing.T) {
	for i := range 3 {
		cfg := equivalenceConfig(t)
		cfg.LabelFilter = casetest.Filter("SSE-FRAME-001", "SSE-HTTP-002")
		s, err := ssespec.Start(context.Background(), cfg, ssespec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range s.Checks() {
			s.Exec(c)
		}
		r, err := s.Finish()
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict("SSE-FRAME-001") != reports.Pass || r.Verdict("SSE-HTTP-002") != reports.Pass {
			t.Fatalf("run %d: %+v", i, r.Results)
		}
		if got := r.Target; !strings.HasPrefix(cfg.URL, got) && got != cfg.URL {
			t.Fatalf("run %d reports target %s, want %s", i, got, cfg.URL)
		}
	}
}

// runInProcess is what ssespectest.Check does, without a testing.TB.
func runInProcess(t *testing.T, cfg suite.Config) *reports.Report {
	t.Helper()
	s, err := ssespec.Start(context.Background(), cfg, ssespec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Checks() {
		s.Exec(c)
	}
	r, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestProxyRunsRepeat: the proxy checks' shared scenarios belong to one
// run. A good proxy passes SSE-PROXY-001, then a proxy that drops the id
// field fails it in the same process; had the second run reused the first
// run's recordings, it would pass.
func TestProxyRunsRepeat(t *testing.T) {
	for _, c := range []struct{ proxy, want string }{{"good", reports.Pass}, {"drop-id-field", reports.Fail}} {
		cfg := casetest.FastConfig("", "SSE-PROXY-001")
		cfg.OriginAddr = "127.0.0.1:0"
		o, err := cases.StartOrigin(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(faults.ProxyHandler(c.proxy, o.Addr()))
		cfg.Via = ts.URL + "/sse"
		r := runInProcess(t, cases.ProxyConfig(cfg, o))
		ts.Close()
		o.Close()
		casetest.Expect(t, r, "SSE-PROXY-001", c.want, "")
	}
}

// An in-process run whose deadline passes says so in its report
// (interrupted: "timeout"), as a Ginkgo run does.
func TestInProcessDeadlineMarksTheReport(t *testing.T) {
	cfg, _ := casetest.ReferenceConfig(t, "SSE-KEEP-001", "SSE-FRAME-001")
	cfg.Browser = "off"
	cfg.Timeout = 500 * time.Millisecond
	r := runInProcess(t, cfg)
	if r.Interrupted != "timeout" {
		t.Fatalf("interrupted %q, want timeout; results %+v", r.Interrupted, r.Results)
	}
	cut := false
	for _, res := range r.Results {
		cut = cut || res.Verdict == reports.Error && strings.HasPrefix(res.Message, "interrupted")
	}
	if !cut {
		t.Errorf("no check says it was interrupted: %+v", r.Results)
	}
}

// A run whose checks all finished is not marked cut, even when its
// deadline passes before Finish.
func TestInProcessFinishedRunIsNotCut(t *testing.T) {
	cfg, _ := casetest.ReferenceConfig(t, "SSE-HTTP-002")
	cfg.Browser = "off"
	cfg.Timeout = 3 * time.Second
	s, err := ssespec.Start(context.Background(), cfg, ssespec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Checks() {
		s.Exec(c)
	}
	time.Sleep(3 * time.Second) // the deadline passes between the last check and Finish
	r, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if r.Interrupted != "" {
		t.Fatalf("interrupted %q for a run whose checks all finished: %+v", r.Interrupted, r.Results)
	}
}
