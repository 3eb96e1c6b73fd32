package suite

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// Two runs in one process at once keep apart: each check reads its own
// run's configuration, and its recordings and evidence land in its own run
// and outcome, however the two interleave.
func TestRunsSideBySide(t *testing.T) {
	urls := []string{"http://127.0.0.1:1/a", "http://127.0.0.1:1/b"}
	runs := make([]*Run, len(urls))
	for i, u := range urls {
		runs[i] = BeginRun(Config{URL: u}, "", false)
	}
	// Both checks are inside their bodies before either records anything.
	var inside sync.WaitGroup
	inside.Add(len(runs))
	outcomes := make([]Outcome, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Go(func() {
			outcomes[i] = r.Execute(context.Background(), CheckDef{Meta: Meta{ID: "SSE-TEST-010"}, Body: func(ctx context.Context) {
				inside.Done()
				inside.Wait()
				AttachRecording(ctx, "own", &stream.Recording{URL: Current(ctx).URL})
				Evidence(ctx, "url", Current(ctx).URL)
			}})
		})
	}
	wg.Wait()
	for i, r := range runs {
		end := r.End()
		if got := end.Recordings["own"]; len(end.RecordingNames) != 1 || got == nil || got.URL != urls[i] {
			t.Errorf("run %d kept recordings %v (own: %+v), want one of %s", i, end.RecordingNames, got, urls[i])
		}
		var url any
		for _, e := range outcomes[i].Entries {
			if e.Name == EntryEvidence+"url" {
				url = e.Value
			}
		}
		if outcomes[i].Verdict != VerdictPass || url != urls[i] {
			t.Errorf("run %d: %s, evidence url %v, want pass with %s", i, outcomes[i].Verdict, url, urls[i])
		}
	}
}

// A helper given a context that belongs to no run is the suite's own bug:
// it says so instead of recording into some other run.
func TestHelperOutsideARunPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Current outside a run did not panic")
		}
	}()
	Current(context.Background())
}

// End ends RunContext before the run's cleanups, so a cleanup waiting for
// work that runs until the run's end returns; a cleanup registered after
// End (an abandoned check's) runs at once instead of never.
func TestRunEndOrder(t *testing.T) {
	r := BeginRun(Config{URL: "http://127.0.0.1:1/events"}, "", false)
	rctx := RunContext(r.context(context.Background()))
	worker := make(chan struct{})
	go func() { <-rctx.Done(); close(worker) }()
	Cleanup(rctx, func() { <-worker })
	ended := make(chan struct{})
	go func() { r.End(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("End waited for work that waits for the run's end")
	}
	ran := false
	Cleanup(rctx, func() { ran = true })
	if !ran {
		t.Fatal("a cleanup registered after End never ran")
	}
}
