// Package casetest runs checks against the reference server and the fault
// servers from the project's own tests: every check must be shown to pass on
// the reference and to fail on a target that violates it.
package casetest

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// ReferenceOptions are the reference server's settings in tests: short
// keepalives and a steady tick so a short window has plenty to judge.
var ReferenceOptions = refserver.Options{Keepalive: 300 * time.Millisecond, Tick: 200 * time.Millisecond, Retry: 3 * time.Second}

// Reference starts a reference server for t and returns its stream URL.
func Reference(t testing.TB) (streamURL string, srv *refserver.Server) {
	srv = refserver.New(ReferenceOptions)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Close(); ts.Close() })
	return ts.URL + "/events", srv
}

// ReferenceConfig is a fast run of the given checks (all when none) against
// a fresh reference server with everything publish mode needs.
func ReferenceConfig(t testing.TB, ids ...string) (suite.Config, *refserver.Server) {
	url, srv := Reference(t)
	base := strings.TrimSuffix(url, "/events")
	cfg := FastConfig(url, ids...)
	cfg.PublishURL = base + "/publish"
	cfg.DoneURL = base + "/done"
	cfg.Capabilities = []suite.Capability{suite.CapIDs, suite.CapReplay, suite.CapDone, suite.CapEnd}
	cfg.Origin = "http://app.example"
	cfg.Events = []string{"message", "tick"} // what the reference server's tick emits
	return cfg, srv
}

// Serve starts h on loopback for t and returns its base URL.
func Serve(t testing.TB, h http.Handler) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// Fault starts the named fault server and returns its stream URL.
func Fault(t testing.TB, name string) string {
	return Serve(t, faults.Handler(name)) + "/events"
}

// FastConfig is a run against url with windows short enough for tests.
func FastConfig(url string, ids ...string) suite.Config {
	return suite.Config{
		URL:          url,
		KeepaliveMax: time.Second,
		Window:       2500 * time.Millisecond,
		Hold:         3 * time.Second,
		LabelFilter:  Filter(ids...),
	}
}

// Filter selects exactly the given check IDs.
func Filter(ids ...string) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, "id:"+id)
	}
	return strings.Join(parts, " || ")
}

// Case is one check shown to fail on one fault.
type Case struct {
	ID    string
	Fault string                  // a faults.Handler name
	URL   func(testing.TB) string // a custom target instead of Fault
	Want  string                  // default fail
	// Or is another verdict accepted: a correct target that a busy machine
	// may leave too slow to judge (error) or not (pass), never fail.
	Or     string
	Config func(*suite.Config) // adjust the run
	Detail string              // substring Want's message must contain
	// Shared names one suite run for every row of the table with the same
	// Shared, whose target and Config are the same: it runs all their
	// checks together, as a user's run would, and each row judges its own
	// check in it. Checks that share pages or streams then start them once.
	Shared string
}

// limit bounds concurrent fault runs at go test's -parallel (scripts/test
// passes 8). The runs mostly wait (windows, timeouts: the cases package
// uses about a fifth of two cores at eight at a time), and the timing
// checks judge against a control measured at the same moment, so they keep
// their verdicts. Rows acquire it after t.Parallel, so the bound holds
// across tables.
var limit = sync.OnceValue(func() chan struct{} {
	n := runtime.GOMAXPROCS(0) // go test's own default for -parallel
	if f := flag.Lookup("test.parallel"); f != nil {
		if v, err := strconv.Atoi(f.Value.String()); err == nil && v > 0 {
			n = v
		}
	}
	return make(chan struct{}, n)
})

// Faults runs each case in a parallel subtest named ID/fault.
func Faults(t *testing.T, cases []Case) {
	shared := map[string]*sharedRun{}
	for _, c := range cases {
		if c.Shared == "" {
			continue
		}
		if shared[c.Shared] == nil {
			shared[c.Shared] = &sharedRun{}
		}
		shared[c.Shared].ids = append(shared[c.Shared].ids, c.ID)
	}
	for _, c := range cases {
		name := c.ID + "/" + c.Fault
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var r *reports.Report
			if g := shared[c.Shared]; g != nil {
				// The first row to get here runs it; the others wait for its
				// report without holding a place under the limit.
				g.once.Do(func() {
					g.by = t.Name()
					defer func() { g.skipped = t.Skipped() }() // also when runCase skips (Goexit)
					g.rep = runCase(t, c, g.ids)
				})
				if g.rep == nil && g.skipped {
					t.Skipf("the shared run %q was skipped (see %s)", c.Shared, g.by)
				}
				if g.rep == nil {
					t.Fatalf("the shared run %q gave no report (see %s)", c.Shared, g.by)
				}
				r = g.rep
			} else {
				r = runCase(t, c, []string{c.ID})
			}
			want := c.Want
			if want == "" {
				want = reports.Fail
			}
			if res := r.Result(c.ID); c.Or != "" && res != nil && res.Verdict == c.Or {
				t.Logf("%s: %s: %s", c.ID, res.Verdict, res.Message)
				return
			}
			Expect(t, r, c.ID, want, c.Detail)
		})
	}
}

// sharedRun is the one suite run of a table's rows with the same Shared.
type sharedRun struct {
	once    sync.Once
	ids     []string
	rep     *reports.Report
	by      string // the row that ran it
	skipped bool   // that row was skipped
}

// runCase runs checks ids against c's target, under the limit.
func runCase(t *testing.T, c Case, ids []string) *reports.Report {
	limit() <- struct{}{}
	defer func() { <-limit() }()
	url := ""
	if c.URL != nil {
		url = c.URL(t)
	} else {
		url = Fault(t, c.Fault)
	}
	cfg := FastConfig(url, ids...)
	if c.Config != nil {
		c.Config(&cfg)
	}
	return Check(t, cfg)
}

// Expect asserts check id's verdict (and that its message has detail).
func Expect(t testing.TB, r *reports.Report, id, want, detail string) {
	t.Helper()
	res := r.Result(id)
	if res == nil {
		t.Fatalf("%s did not run (results: %d)", id, len(r.Results))
	}
	t.Logf("%s: %s: %s", id, res.Verdict, res.Message) // the measured figures, with -v
	if res.Verdict != want {
		t.Fatalf("%s: verdict %s, want %s; message: %s", id, res.Verdict, want, res.Message)
	}
	if detail != "" && !strings.Contains(res.Message, detail) {
		t.Fatalf("%s: message %q lacks %q", id, res.Message, detail)
	}
}
