// Package realservers_test runs the suite, in publish mode and through the
// library entry (ssespectest), against SSE server libraries nobody here
// wrote: github.com/tmaxmax/go-sse and github.com/launchdarkly/eventsource.
// Each library gets a small adapter — its own stream handler on
// /events and a publish function using its own API — and each run's
// verdicts are pinned in testdata/known/*.json, so a change in the suite's judgement
// shows up here as a test failure. Every fail is explained (what the
// library does, in which file) in the README's "known results" table.
//
// realservers/ is a module of its own (go.mod here, with a replace of
// ssespec by ../): the libraries are required only there, so neither the
// library's go.mod nor its users' module graphs ever name them.
//
// Each library is run twice:
//   - busy: the adapter publishes a demo event every 200 ms through the
//     library, like the reference server's test setup, so the observe checks
//     have events to judge; the pinned verdicts cover every area that exists.
//   - idle: no demo events, and only the checks about an idle stream
//     (SSE-HTTP-010 headers at once, SSE-KEEP-001 keepalives), which the
//     busy run cannot see: there, the demo events hide both.
package realservers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/known"
	"github.com/ssespec/ssespec/suite"
)

// busyFilter selects the areas whose checks all existed when these verdicts
// were pinned; add an area (and its verdicts to every known file) once its
// checks are complete.
const busyFilter = "area:HTTP || area:FRAME || area:KEEP || area:FLUSH || area:NAME || area:DATA || area:RESUME || area:CONN"

// idleFilter selects the checks only an idle stream can judge.
const idleFilter = "id:SSE-HTTP-010 || id:SSE-KEEP-001"

// demoEvery is the busy run's demo event interval, the reference server's
// Tick in the project's tests.
const demoEvery = 200 * time.Millisecond

// adapter is one library behind the suite's contract.
type adapter struct {
	URL     string                                            // the stream, http://127.0.0.1:port/events
	Publish func(ctx context.Context, ev publish.Event) error // the publish hook, through the library's API
}

// run starts the adapter, runs the suite against it and compares the verdicts with the ones pinned in
// testdata/known/<name>.json (which the README's known results list).
func run(t *testing.T, start func(t *testing.T, demo bool) adapter, busy bool, name string) {
	t.Parallel()
	a := start(t, busy)
	cfg := casetest.FastConfig(a.URL)
	cfg.LabelFilter = idleFilter
	if busy {
		cfg.LabelFilter = busyFilter
	}
	cfg.PublishFunc = a.Publish
	cfg.Capabilities = []suite.Capability{suite.CapIDs, suite.CapReplay}
	r := casetest.Check(t, cfg)
	pinned, err := known.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range r.Results {
		t.Logf("%s %s %s (%d ms): %s", res.ID, res.Level, res.Verdict, res.DurationMS, res.Message)
	}
	for _, d := range known.Compare(pinned, r.Results) {
		t.Error(d)
	}
}

// demo publishes the reference server's demo events every demoEvery until
// stop is called: an unnamed two-line event, then one named "tick".
func demo(emit func(ev publish.Event) error) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(demoEvery)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-t.C:
			}
			ev := publish.Event{Data: fmt.Sprintf("tick %d\nsecond line", n)}
			if n%2 == 0 {
				ev = publish.Event{Event: "tick", Data: fmt.Sprintf("tick %d", n)}
			}
			_ = emit(ev)
		}
	})
	return func() { close(done); wg.Wait() }
}
