package suite

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func execBody(t *testing.T, body func(ctx context.Context)) Outcome {
	t.Helper()
	r := BeginRun(Config{URL: "http://127.0.0.1:1/events"}, "", false)
	defer r.End()
	return Execute(context.Background(), CheckDef{Meta: Meta{ID: "SSE-TEST-001"}, Body: body})
}

func TestExecuteVerdicts(t *testing.T) {
	cases := []struct {
		name         string
		body         func(ctx context.Context)
		verdict, msg string
		entries      []string
	}{
		{"pass", func(context.Context) { Evidence("k", 1) }, VerdictPass, "", []string{EntryEvidence + "k"}},
		{"note", func(context.Context) { Note("n") }, VerdictPass, "", []string{EntryNote}},
		{"fail", func(context.Context) { Failf("want", "got %d", 2); panic("not reached") }, VerdictFail, "got 2", []string{EntryExpected, EntryActual}},
		{"error", func(context.Context) { Undecided("harness: %s", "x") }, VerdictError, "harness: x", nil},
		{"skip", func(context.Context) { Evidence("k", 1); Skipf("why") }, VerdictSkip, "why", []string{EntryEvidence + "k"}},
		{"panic", func(context.Context) {
			var m map[string]int
			//lint:ignore SA5000 a check that panics is what this case tests
			m["x"] = 1
		}, VerdictError, "panicked: assignment to entry in nil map", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := execBody(t, c.body)
			var names []string
			for _, e := range o.Entries {
				names = append(names, e.Name)
			}
			if o.Verdict != c.verdict || o.Message != c.msg || !reflect.DeepEqual(names, c.entries) {
				t.Fatalf("got %s %q %v, want %s %q %v", o.Verdict, o.Message, names, c.verdict, c.msg, c.entries)
			}
		})
	}
}

// Cleanups run last-registered first, after a verdict ended the body too,
// and a verdict helper inside one changes nothing.
func TestExecuteCleanups(t *testing.T) {
	var order []string
	o := execBody(t, func(ctx context.Context) {
		Cleanup(func() { order = append(order, "first") })
		Cleanup(func() { order = append(order, "second"); Failf("x", "y") })
		if CheckID(ctx) != "SSE-TEST-001" {
			Undecided("CheckID is %q", CheckID(ctx))
		}
		Skipf("done")
	})
	if o.Verdict != VerdictSkip || strings.Join(order, ",") != "second,first" {
		t.Fatalf("verdict %s %q, cleanups %v", o.Verdict, o.Message, order)
	}
}

// A check the run rules out (slow, without Slow) never runs its body.
func TestExecuteSkipsSlow(t *testing.T) {
	r := BeginRun(Config{URL: "http://127.0.0.1:1/events"}, "", false)
	defer r.End()
	ran := false
	o := Execute(context.Background(), CheckDef{Meta: Meta{ID: "SSE-TEST-002", Slow: true}, Body: func(context.Context) { ran = true }})
	if ran || o.Verdict != VerdictSkip {
		t.Fatalf("ran %v, verdict %s", ran, o.Verdict)
	}
}

// A run that ends (interrupt, deadline) ends the check in error, not pass.
func TestExecuteInterrupted(t *testing.T) {
	r := BeginRun(Config{URL: "http://127.0.0.1:1/events"}, "", false)
	defer r.End()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := Execute(ctx, CheckDef{Meta: Meta{ID: "SSE-TEST-003"}, Body: func(ctx context.Context) { <-ctx.Done() }})
	if o.Verdict != VerdictError || !strings.HasPrefix(o.Message, "interrupted") {
		t.Fatalf("verdict %s %q", o.Verdict, o.Message)
	}
}
