package cases

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/suite"
)

// TestPageSawEnd: SSE-BROWSER-009 times the reconnect from when the page
// learnt of the end (its EventSource's error event), so a busy machine
// that delivered the end to the page late does not count as the wait.
func TestPageSawEnd(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	ev := func(typ string, at int) browser.HTMXEvent { return browser.HTMXEvent{Type: typ, At: ms(at)} }
	for _, c := range []struct {
		name   string
		events []browser.HTMXEvent
		want   time.Duration
	}{
		{"no error event: the network's end", []browser.HTMXEvent{ev("eventsource:open", 100)}, ms(1000)},
		{"delivered late", []browser.HTMXEvent{ev("eventsource:error", 1340)}, ms(1340)},
		{"clocks a hair apart", []browser.HTMXEvent{ev("eventsource:error", 995)}, ms(1000)},
		{"an earlier error is another end", []browser.HTMXEvent{ev("eventsource:error", 400), ev("eventsource:error", 1200)}, ms(1200)},
		{"after the reconnect: not this end", []browser.HTMXEvent{ev("eventsource:error", 2600)}, ms(1000)},
	} {
		got := bwPageSawEnd(browser.Recorded{Events: c.events}, ms(1000), ms(2500))
		if got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestBusyPageCannotBeJudged: a page too busy to answer the final read of
// its recorder leaves the browser checks undecided, saying why, never
// failed.
func TestBusyPageCannotBeJudged(t *testing.T) {
	r := suite.BeginRun(suite.Config{URL: "http://127.0.0.1:1/events"}, "", false)
	defer r.End()
	late := fmt.Errorf("browser: reading the recorder: %w (%w)", context.DeadlineExceeded, context.Canceled)
	o := r.Execute(context.Background(), suite.CheckDef{Meta: suite.Meta{ID: "SSE-BROWSER-009"}, Body: func(ctx context.Context) {
		bwAttach(ctx, &bwScenario{tab: &bwTab{RecErr: late}})
	}})
	if o.Verdict != suite.VerdictError || !strings.Contains(o.Message, "too busy") || !strings.Contains(o.Message, "cannot be judged") {
		t.Errorf("%s %q", o.Verdict, o.Message)
	}
}
