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

// TestJudgedWait: SSE-BROWSER-009 judges the first end → reconnect wait
// the page ran through; a wait the page was held up through is not judged
// when a later one was measured, and a slow wait with a running page fails
// whatever came after.
func TestJudgedWait(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	// The page's ticker ran 500 ms late once, in the first cycle only.
	rec := browser.Recorded{Stalls: []browser.Stall{{At: ms(1100), Late: ms(500)}}}
	held := bwCycle{EndedAt: ms(1000), At: ms(1870)} // 870 ms, 500 of it held up
	ran := bwCycle{EndedAt: ms(3000), At: ms(3510)}  // 510 ms
	slow := bwCycle{EndedAt: ms(5000), At: ms(6000)} // 1 s, the page running
	for _, c := range []struct {
		name     string
		cycles   []bwCycle
		accepted bool
		idx      int
		waited   time.Duration
		heldUp   bool
	}{
		{"one wait, held up", []bwCycle{held}, true, 0, ms(870), true},
		{"held up, then measured again", []bwCycle{held, ran}, true, 1, ms(510), false},
		{"first wait ran: judged at once", []bwCycle{ran, held}, true, 0, ms(510), false},
		{"held up, then slow with the page running", []bwCycle{held, slow}, true, 1, ms(1000), false},
		{"a retry browsers ignore: the first wait", []bwCycle{held, ran}, false, 0, ms(870), true},
	} {
		w, i := bwJudgedWait(rec, c.cycles, ms(500), c.accepted)
		if i != c.idx || w.Waited != c.waited || w.heldUp(ms(500)) != c.heldUp {
			t.Errorf("%s: cycle %d waited %v held up %v, want %d %v %v", c.name, i, w.Waited, w.heldUp(ms(500)), c.idx, c.waited, c.heldUp)
		}
	}
}
