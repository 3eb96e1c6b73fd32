package ssespectest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/ssespectest"
)

// TestRunWithPublishFunc is the README's example: a handler tested from
// go test, publishing in-process through the server's own API.
func TestRunWithPublishFunc(t *testing.T) {
	srv := refserver.New(refserver.Options{Keepalive: 300 * time.Millisecond, Tick: 200 * time.Millisecond})
	ts := httptest.NewServer(srv)
	defer func() { srv.Close(); ts.Close() }()

	r := ssespectest.Run(t, ssespectest.Config{
		URL: ts.URL + "/events",
		PublishFunc: func(ctx context.Context, ev publish.Event) error {
			_, err := srv.Publish(refserver.Event{Event: ev.Event, Data: ev.Data, ID: ev.ID})
			return err
		},
		KeepaliveMax: time.Second,
		Window:       2500 * time.Millisecond,
		LabelFilter:  "area:DATA || area:NAME || area:HTTP",
		Browser:      "off",
	})
	if r.Summary.Pass == 0 || r.Mode != "publish" {
		t.Fatalf("mode %s, summary %+v", r.Mode, r.Summary)
	}
}

// recorder keeps what Run reports instead of failing the real test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestRunFailsOnMustFailuresOnly(t *testing.T) {
	ts := httptest.NewServer(faults.Handler("content-type-json")) // breaks SSE-HTTP-002 (MUST)
	defer ts.Close()
	rec := &recorder{TB: t}
	ssespectest.Run(rec, ssespectest.Config{URL: ts.URL + "/events", Window: 2 * time.Second, KeepaliveMax: time.Second,
		LabelFilter: "id:SSE-HTTP-002 || id:SSE-HTTP-007", Browser: "off"})
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "SSE-HTTP-002") {
		t.Fatalf("want exactly the MUST failure reported, got %q", rec.errs)
	}
}

func TestOneSuitePerTest(t *testing.T) {
	ts := httptest.NewServer(faults.Handler("no-x-accel-buffering")) // fails SSE-HTTP-007, a BP check
	defer ts.Close()
	cfg := ssespectest.Config{URL: ts.URL + "/events", Window: time.Second, KeepaliveMax: time.Second, LabelFilter: "id:SSE-HTTP-007", Browser: "off"}
	r := ssespectest.Check(t, cfg)
	if r.Verdict("SSE-HTTP-007") != "fail" || r.ExitCode(false) != 0 {
		t.Fatalf("verdict %s exit %d", r.Verdict("SSE-HTTP-007"), r.ExitCode(false))
	}
}

// TestParallelRuns: suites in parallel tests of one process run at once,
// each with its own verdicts, the way a user's table of targets runs with
// t.Parallel.
func TestParallelRuns(t *testing.T) {
	targets := map[string]string{"reference": "", "content-type-json": "fail"} // fault name → SSE-HTTP-002's verdict
	var mu sync.Mutex
	spans := map[string][2]time.Time{}
	t.Run("group", func(t *testing.T) {
		for name, want := range targets {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var ts *httptest.Server
				if name == "reference" {
					srv := refserver.New(refserver.Options{Keepalive: 300 * time.Millisecond, Tick: 200 * time.Millisecond})
					ts = httptest.NewServer(srv)
					defer srv.Close()
					want = "pass"
				} else {
					ts = httptest.NewServer(faults.Handler(name))
				}
				defer ts.Close()
				start := time.Now()
				r := ssespectest.Check(t, ssespectest.Config{URL: ts.URL + "/events", Window: 2 * time.Second, KeepaliveMax: time.Second,
					LabelFilter: "id:SSE-HTTP-002 || id:SSE-KEEP-001", Browser: "off"})
				mu.Lock()
				spans[name] = [2]time.Time{start, time.Now()}
				mu.Unlock()
				if got := r.Verdict("SSE-HTTP-002"); got != want {
					t.Errorf("SSE-HTTP-002 on %s: %s, want %s", name, got, want)
				}
			})
		}
	})
	a, b := spans["reference"], spans["content-type-json"]
	if !a[0].Before(b[1]) || !b[0].Before(a[1]) {
		t.Errorf("the runs took turns (%v–%v and %v–%v); want them side by side", a[0], a[1], b[0], b[1])
	}
}
