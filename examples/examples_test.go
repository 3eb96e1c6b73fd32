//go:build unix

package examples_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/known"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// One Chromium serves every suite these tests run (casetest.BrowserMain).
func TestMain(m *testing.M) { os.Exit(casetest.BrowserMain(m)) }

var update = flag.Bool("update", false, "pin this run's verdicts in testdata/known/example-<stack>.json (keeping each check's why)")

var stacks = []string{"flask", "fastapi", "django", "express", "go"}

// heavy runs one whole suite at a time: each holds a server, up to 200
// streams and browser tabs, and two at once on a two-core machine stalled
// both for most of a second now and then (SSE-FLUSH-001 saw 820–860 ms).
// light runs the pitfall runs, a check or two each against one server and
// proven by a fail far past any stall, two at a time beside them.
var (
	heavy = make(chan struct{}, 1)
	light = make(chan struct{}, 2)
)

// config is the run every example gets: the whole suite but the proxy and
// slow checks, publish mode with every capability the examples have, the
// browser on, the example's templates and channel document for
// SSE-NAME-004, a 1 s latency budget and a 1.5 s keepalive limit. fault
// switches one of its pitfalls on.
func config(t *testing.T, stack, fault string, ids ...string) suite.Config {
	base := start(t, stack, "SSESPEC_FAULT="+fault)
	cfg := casetest.FastConfig(base+"/events", ids...)
	if len(ids) == 0 {
		cfg.LabelFilter = "!mode:proxy && !slow"
	}
	cfg.PublishURL = base + "/publish"
	cfg.DoneURL = base + "/done"
	cfg.Capabilities = []suite.Capability{suite.CapIDs, suite.CapReplay, suite.CapDone, suite.CapEnd}
	cfg.Templates = filepath.Join(stack, "templates")
	cfg.EventsDoc = filepath.Join(stack, "SSE_EVENTS.md")
	if page := filepath.Join(stack, "pitfalls", fault); fault != "" && isDir(page) {
		cfg.Templates = page // the page a template pitfall serves
	}
	// The examples run on development servers (Werkzeug, Django's
	// runserver, uvicorn without uvloop) on a shared two-core machine,
	// next to Chromium: stalls of 0.6–1.2 s were seen under load (events
	// batched into one read on every stack alike), so the default 100 ms
	// p95 budget and a 1 s keepalive window would measure the machine. A
	// server that buffers instead of flushing holds events for seconds
	// (its 0.3 s keepalives fill no buffer), far past 1 s.
	cfg.LatencyBudget = time.Second
	cfg.KeepaliveMax = 1500 * time.Millisecond
	cfg.Browser = "on"
	return cfg
}

// TestExamples runs the whole suite against each example and compares the
// verdicts with testdata/known/example-<stack>.json. Every MUST and SHOULD
// check must pass unless its pinned verdict says why the stack cannot.
func TestExamples(t *testing.T) {
	t.Parallel()
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			require(t, stack)
			heavy <- struct{}{}
			defer func() { <-heavy }()
			r := casetest.Check(t, config(t, stack, ""))
			for _, res := range r.Results {
				t.Logf("%s %s %s (%d ms): %s", res.ID, res.Level, res.Verdict, res.DurationMS, res.Message)
			}
			pinned, err := known.Load("example-" + stack)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				pinned = known.Update(pinned, r.Results)
				if err := known.Save(pinned); err != nil {
					t.Fatal(err)
				}
			}
			for _, d := range known.Compare(pinned, r.Results) {
				t.Error(d)
			}
			for id, v := range pinned.Checks {
				if v.Verdict != reports.Pass && v.Why == "" {
					t.Errorf("%s is pinned %s without why (testdata/known/example-%s.json): an example passes every check or says why its stack cannot", id, v.Verdict, stack)
				}
			}
		})
	}
}

// fault is one of the guides' pitfalls switched on in an example
// (SSESPEC_FAULT) and the check that must catch it.
type fault struct {
	stack, fault string
	id           string
	detail       string // in the failing check's message
}

var faults = []fault{
	// The template listens for sse-swap="notification"; the server emits
	// "notifications".
	{"flask", "event-name-mismatch", "SSE-NAME-004", `"notifications"`},
	{"express", "event-name-mismatch", "SSE-NAME-004", `"notifications"`},
	{"go", "event-name-mismatch", "SSE-NAME-004", `"notification"`},
	// A generator (handler) that returns: a 200 stream ending with no
	// event, which EventSource reconnects to in a loop.
	{"fastapi", "stream-ends", "SSE-FRAME-010", "reconnect"},
	{"django", "stream-ends", "SSE-FRAME-010", "reconnect"},
	{"go", "stream-ends", "SSE-FRAME-010", "reconnect"},
	// Streams polling one shared "latest event" instead of each having a
	// queue: events published between two polls overwrite each other.
	{"flask", "shared-variable", "SSE-CONN-005", "lost"},
	// hx-trigger="sse:refresh" on an element outside the sse-connect
	// subtree: htmx never fires it.
	{"flask", "trigger-outside-connect", "SSE-NAME-004", "index.html:12 (hx-trigger)"},
	// sse-connect and sse-swap with no hx-ext="sse" over them: the
	// extension never processes them, so no stream opens.
	{"flask", "no-hx-ext", "SSE-NAME-004", `index.html:15 (sse-swap: no hx-ext="sse" over its sse-connect)`},
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// TestExampleFaults switches each pitfall on and asserts that its check
// fails (and that the same check passes on the example as written, in
// TestExamples).
func TestExampleFaults(t *testing.T) {
	t.Parallel()
	for _, f := range faults {
		t.Run(f.stack+"/"+f.fault+"/"+f.id, func(t *testing.T) {
			t.Parallel()
			require(t, f.stack)
			light <- struct{}{}
			defer func() { <-light }()
			r := casetest.Check(t, config(t, f.stack, f.fault, f.id))
			casetest.Expect(t, r, f.id, reports.Fail, f.detail)
		})
	}
}
