package known

import (
	"flag"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/internal/readme"
	"github.com/ssespec/ssespec/reports"
)

var update = flag.Bool("update", false, "rewrite the README's known results table from testdata/known")

const (
	readmePath = "../../README.md"
	beginMark  = "<!-- known:begin (generated from testdata/known: go test ./internal/known -update) -->"
	endMark    = "<!-- known:end -->"
)

// TestReadmeKnownResults keeps the README's known results table equal to
// what testdata/known pins, like the check table (the root package).
func TestReadmeKnownResults(t *testing.T) {
	targets, err := All()
	if err != nil {
		t.Fatal(err)
	}
	readme.Section{Path: readmePath, Begin: beginMark, End: endMark,
		What: "known results table", Fix: "go test ./internal/known -update"}.Check(t, Table(targets), *update)
}

// TestEveryFailSaysWhy: a pinned fail or error is explained — what the
// target does and where — or it would read as a suite bug.
func TestEveryFailSaysWhy(t *testing.T) {
	targets, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) == 0 {
		t.Fatal("no file in testdata/known")
	}
	for _, tg := range targets {
		if tg.Target == "" || tg.Version == "" || tg.Run == "" {
			t.Errorf("%s.json lacks target, version or run", tg.Name)
		}
		for id, v := range tg.Checks {
			switch v.Verdict {
			case reports.Pass, reports.Skip:
			case reports.Fail, reports.Error:
				if v.Why == "" || v.Source == "" {
					t.Errorf("%s.json: %s is pinned %s without why and source", tg.Name, id, v.Verdict)
				}
			default:
				t.Errorf("%s.json: %s has the verdict %q", tg.Name, id, v.Verdict)
			}
		}
	}
}

func TestCompare(t *testing.T) {
	pinned := Target{Name: "x", Checks: map[string]Verdict{
		"SSE-HTTP-001": {Verdict: reports.Pass},
		"SSE-HTTP-002": {Verdict: reports.Pass},
		"SSE-HTTP-003": {Verdict: reports.Fail, Why: "w", Source: "s"},
	}}
	got := Compare(pinned, []reports.Result{
		{ID: "SSE-HTTP-001", Verdict: reports.Pass},
		{ID: "SSE-HTTP-003", Verdict: reports.Pass},
		{ID: "SSE-HTTP-004", Verdict: reports.Skip},
	})
	want := []string{"SSE-HTTP-002 is pinned", "SSE-HTTP-003: verdict pass, pinned fail", "SSE-HTTP-004 ran (skip) but is not pinned"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %d differences", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("difference %d: %q, want it to start with %q", i, got[i], want[i])
		}
	}
}
