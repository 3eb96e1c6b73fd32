package suite

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

func execBody(t *testing.T, body func(ctx context.Context)) Outcome {
	t.Helper()
	r := BeginRun(Config{URL: "http://127.0.0.1:1/events"}, "", false)
	defer r.End()
	return r.Execute(context.Background(), CheckDef{Meta: Meta{ID: "SSE-TEST-001"}, Body: body})
}

func TestExecuteVerdicts(t *testing.T) {
	cases := []struct {
		name         string
		body         func(ctx context.Context)
		verdict, msg string
		entries      []string
	}{
		{"pass", func(ctx context.Context) { Evidence(ctx, "k", 1) }, VerdictPass, "", []string{EntryEvidence + "k"}},
		{"note", func(ctx context.Context) { Note(ctx, "n") }, VerdictPass, "", []string{EntryNote}},
		{"fail", func(ctx context.Context) { Failf(ctx, "want", "got %d", 2); panic("not reached") }, VerdictFail, "got 2", []string{EntryExpected, EntryActual}},
		{"error", func(context.Context) { Undecided("harness: %s", "x") }, VerdictError, "harness: x", nil},
		{"skip", func(ctx context.Context) { Evidence(ctx, "k", 1); Skipf("why") }, VerdictSkip, "why", []string{EntryEvidence + "k"}},
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
		Cleanup(ctx, func() { order = append(order, "first") })
		Cleanup(ctx, func() { order = append(order, "second"); Failf(ctx, "x", "y") })
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
	o := r.Execute(context.Background(), CheckDef{Meta: Meta{ID: "SSE-TEST-002", Slow: true}, Body: func(context.Context) { ran = true }})
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
	o := r.Execute(ctx, CheckDef{Meta: Meta{ID: "SSE-TEST-003"}, Body: func(ctx context.Context) { <-ctx.Done() }})
	if o.Verdict != VerdictError || !strings.HasPrefix(o.Message, "interrupted") {
		t.Fatalf("verdict %s %q", o.Verdict, o.Message)
	}
}

// An interrupt ends a check's stream that waits for a target's headers at
// once, not after the header timeout; the check's own end does not cut a
// stream (its cleanup closes it, so it ends as closed).
func TestInterruptEndsAStreamsHeaderWait(t *testing.T) {
	held := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // never answers: a target that holds its headers
		case <-r.Context().Done():
		case <-held:
		}
	}))
	defer srv.Close()
	defer close(held)
	r := BeginRun(Config{URL: srv.URL}, "", false)
	defer r.End()
	ctx, interrupt := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, interrupt)
	var took time.Duration
	var afterBody error
	o := r.Execute(ctx, CheckDef{Meta: Meta{ID: "SSE-TEST-004"}, Body: func(ctx context.Context) {
		start := time.Now()
		c, _ := StreamOpen(ctx, stream.Request{URL: srv.URL}, stream.Options{HeaderTimeout: 30 * time.Second})
		took = time.Since(start)
		afterBody = c.Recording().Err
	}})
	if took > 5*time.Second {
		t.Errorf("the header wait took %v after an interrupt at 200ms", took)
	}
	if afterBody == nil || o.Verdict != VerdictError {
		t.Errorf("the stream ended with %v, the check %s %q", afterBody, o.Verdict, o.Message)
	}

	// Without an interrupt the stream stays open past the body's end.
	var kept *stream.Conn
	o = r.Execute(context.Background(), CheckDef{Meta: Meta{ID: "SSE-TEST-005"}, Body: func(ctx context.Context) {
		kept, _ = StreamStart(ctx, stream.Request{URL: srv.URL}, stream.Options{HeaderTimeout: 30 * time.Second})
	}})
	select {
	case <-kept.Done():
		t.Errorf("the stream ended with the check's body: %v", kept.Recording().Err)
	case <-time.After(100 * time.Millisecond):
	}
	kept.Close()
}

// A body that calls runtime.Goexit (a testing.T's FailNow) gave no verdict:
// error, never pass.
func TestExecuteGoexitIsNoPass(t *testing.T) {
	o := execBody(t, func(context.Context) { runtime.Goexit() })
	if o.Verdict != VerdictError || !strings.Contains(o.Message, "Goexit") {
		t.Fatalf("verdict %s %q", o.Verdict, o.Message)
	}
}

// A check abandoned after its grace period that wakes up later records
// nothing into the check running then, and its cleanups still run.
func TestAbandonedCheckCannotTouchTheNext(t *testing.T) {
	defer func(g time.Duration) { grace = g }(grace)
	grace = 50 * time.Millisecond
	// A live target: an error verdict makes the run probe it.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
	}))
	defer ts.Close()
	r := BeginRun(Config{URL: ts.URL}, "", false)
	defer r.End()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wake, woke := make(chan struct{}), make(chan struct{})
	cleaned := make(chan struct{})
	first := r.Execute(ctx, CheckDef{Meta: Meta{ID: "SSE-TEST-004"}, Body: func(ctx context.Context) {
		<-wake // deaf to its context: abandoned
		defer close(woke)
		Evidence(ctx, "late", 1)
		Cleanup(ctx, func() { close(cleaned) })
		Failf(ctx, "late expected", "late actual")
	}})
	if first.Verdict != VerdictError {
		t.Fatalf("abandoned check: %s %q", first.Verdict, first.Message)
	}
	second := r.Execute(context.Background(), CheckDef{Meta: Meta{ID: "SSE-TEST-005"}, Body: func(ctx context.Context) {
		close(wake)
		<-woke
		Evidence(ctx, "own", 2)
	}})
	if second.Verdict != VerdictPass || len(second.Entries) != 1 || second.Entries[0].Name != EntryEvidence+"own" {
		t.Fatalf("next check: %s %q %v", second.Verdict, second.Message, second.Entries)
	}
	select {
	case <-cleaned:
	case <-time.After(10 * time.Second):
		t.Fatal("the abandoned check's cleanup never ran")
	}
}
