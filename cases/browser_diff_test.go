package cases

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
)

// bwFakeEvent is one event as a server sent it to one connection.
type bwFakeEvent struct {
	at        time.Duration // arrival on the connection, since t0
	typ, data string
	id        *string // the block's own id field
}

// bwFake builds a page result from two connections' events: the harness's
// stream answered at hOpen, the browser's at bOpen, both captured at taken.
// lastEventId is carried per connection as a parser would.
func bwFake(hOpen, bOpen, taken time.Duration, h, b []bwFakeEvent) *bwScenario {
	t0 := time.Now()
	byTime := func(a, b bwFakeEvent) int { return cmp.Compare(a.at, b.at) }
	h, b = slices.SortedStableFunc(slices.Values(h), byTime), slices.SortedStableFunc(slices.Values(b), byTime)
	res := &parser.Result{}
	last := ""
	for _, e := range h {
		if e.at < hOpen {
			continue
		}
		if e.id != nil {
			last = *e.id
		}
		res.Events = append(res.Events, parser.Event{Type: e.typ, Data: e.data, LastEventID: last, ID: e.id, At: e.at})
	}
	rec := &stream.Recording{Start: t0, Status: 200, HeadersAt: hOpen, End: stream.EndCanceled, EndAt: taken + 50*time.Millisecond, Parse: res}
	l := browser.Log{
		Requests:  []browser.Request{{ID: "r1", Type: browser.TypeEventSource, At: bOpen - 5*time.Millisecond}},
		Responses: []browser.Response{{RequestID: "r1", At: bOpen}},
	}
	last = ""
	for _, e := range b {
		if e.at < bOpen || e.at > taken {
			continue // not yet connected, or still in flight when captured
		}
		if e.id != nil {
			last = *e.id
		}
		l.Messages = append(l.Messages, browser.Message{RequestID: "r1", EventName: e.typ, EventID: last, Data: e.data, At: e.at})
	}
	return &bwScenario{harn: rec, tab: &bwTab{Opened: t0, Taken: t0.Add(taken), Log: l}}
}

// bwTicks is a ticker's events every iv from phase to 8 s; f writes event k.
func bwTicks(phase, iv, lag time.Duration, f func(k int) bwFakeEvent) []bwFakeEvent {
	var out []bwFakeEvent
	for k, at := 1, phase; at < 10*time.Second; k, at = k+1, at+iv {
		e := f(k)
		e.at = at + lag
		out = append(out, e)
	}
	return out
}

func bwID(s string) *string { return &s }

func TestBROWSERDiffTolerates(t *testing.T) {
	tick := func(k int) bwFakeEvent {
		if k%2 == 0 {
			return bwFakeEvent{typ: "tick", data: fmt.Sprintf("tick %d", k), id: bwID(fmt.Sprint(k))}
		}
		return bwFakeEvent{typ: "message", data: fmt.Sprintf("message %d\nsecond", k), id: bwID(fmt.Sprint(k))}
	}
	someIDs := func(k int) bwFakeEvent {
		e := bwFakeEvent{typ: "tock", data: fmt.Sprintf("tock %d", k)}
		if k%7 == 0 {
			e.id = bwID(fmt.Sprint(k))
		}
		return e
	}
	stamp := func(off time.Duration) func(k int) bwFakeEvent {
		return func(k int) bwFakeEvent {
			return bwFakeEvent{typ: "clock", data: fmt.Sprintf(`{"k":%d,"at":%d}`, k, off+time.Duration(k)), id: bwID(fmt.Sprint(k))}
		}
	}
	growing := func(evs []bwFakeEvent) []bwFakeEvent {
		for i := range evs {
			evs[i].at += evs[i].at / 3
		}
		return evs
	}
	for _, c := range []struct {
		name string
		s    *bwScenario
	}{
		// The same broadcast; the browser opened 0.5 s later and gets each
		// event 0.4 s after the harness (a loaded machine): the newest are
		// still in flight when captured.
		{"broadcast-lagging", bwFake(100*time.Millisecond, 600*time.Millisecond, 6*time.Second,
			bwTicks(0, 100*time.Millisecond, 0, tick), bwTicks(0, 100*time.Millisecond, 400*time.Millisecond, tick))},
		// A page busy laying out large swaps parses its stream late.
		{"broadcast-lagging-2s", bwFake(0, 300*time.Millisecond, 8*time.Second,
			bwTicks(0, 300*time.Millisecond, 0, tick), bwTicks(0, 300*time.Millisecond, 1800*time.Millisecond, tick))},
		{"broadcast-fast", bwFake(0, 300*time.Millisecond, 4*time.Second,
			bwTicks(0, 50*time.Millisecond, 0, tick), bwTicks(0, 50*time.Millisecond, 30*time.Millisecond, tick))},
		// Per-connection timestamps in the data.
		{"timestamps", bwFake(0, 450*time.Millisecond, 6*time.Second,
			bwTicks(0, 100*time.Millisecond, 0, stamp(0)), bwTicks(0, 100*time.Millisecond, 2*time.Millisecond, stamp(7)))},
		// A ticker per connection: out of phase, ids from 1 on each.
		{"own-ticker", bwFake(0, 370*time.Millisecond, 6*time.Second,
			bwTicks(100*time.Millisecond, 100*time.Millisecond, 0, tick), bwTicks(470*time.Millisecond, 100*time.Millisecond, 0, tick))},
		// The same, the browser's connection 2 s after the harness's: the
		// same values arrive 2 s apart.
		{"own-ticker-late", bwFake(0, 2*time.Second, 7*time.Second,
			bwTicks(100*time.Millisecond, 100*time.Millisecond, 0, tick), bwTicks(2100*time.Millisecond, 100*time.Millisecond, 0, tick))},
		// A browser falling further behind: 0 to 3 s late.
		{"lag-growing", bwFake(0, 200*time.Millisecond, 9*time.Second,
			bwTicks(0, 100*time.Millisecond, 0, tick), growing(bwTicks(0, 100*time.Millisecond, 0, tick)))},
		// Only some events carry ids: the browser opened after one, so it
		// carries none where the harness carries it.
		{"some-ids", bwFake(0, 750*time.Millisecond, 6*time.Second,
			bwTicks(0, 100*time.Millisecond, 0, someIDs), bwTicks(0, 100*time.Millisecond, 5*time.Millisecond, someIDs))},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := bwDiff(c.s)
			if r.Empty != "" || len(r.Diffs) > 0 || r.Compared < 10 {
				t.Fatalf("compared %d (%d identical, %d in structure), window %s, empty %q, diffs %q", r.Compared, r.Exact, r.Structural, r.Window, r.Empty, r.Diffs)
			}
			t.Logf("compared %d (%d identical, %d in structure), window %s, tolerance %v, lag %v to %v", r.Compared, r.Exact, r.Structural, r.Window, r.Tolerance, r.LagLo, r.LagHi)
		})
	}
}

func TestBROWSERDiffFinds(t *testing.T) {
	tick := func(k int) bwFakeEvent {
		return bwFakeEvent{typ: "message", data: fmt.Sprintf("line one %d\nline two", k), id: bwID(fmt.Sprint(k))}
	}
	oneLine := func(k int) bwFakeEvent {
		e := tick(k)
		e.data = strings.ReplaceAll(e.data, "\n", " ")
		return e
	}
	renamed := func(k int) bwFakeEvent {
		e := tick(k)
		if k == 30 {
			e.typ = "Message"
		}
		return e
	}
	iv := 100 * time.Millisecond
	pub := bwFakeEvent{at: 3 * time.Second, typ: "message", data: "<b>ssespec-1-1</b>"}
	escaped := bwFakeEvent{at: 3 * time.Second, typ: "message", data: "&lt;b&gt;ssespec-1-1&lt;/b&gt;"}
	published := func(s *bwScenario) *bwScenario {
		s.publish, s.pubs = true, map[string]bwPub{"named": {Nonce: "ssespec-1-1"}}
		return s
	}
	for _, c := range []struct {
		name, want string
		s          *bwScenario
	}{
		{"joined-lines", "the browser parsed no event like it", bwFake(0, 300*time.Millisecond, 6*time.Second, bwTicks(0, iv, 0, tick), bwTicks(0, iv, 0, oneLine))},
		{"renamed", `type "Message"`, bwFake(0, 300*time.Millisecond, 6*time.Second, bwTicks(0, iv, 0, tick), bwTicks(0, iv, 0, renamed))},
		// The suite's published events are judged one by one, exactly: a
		// single one missing or altered is a difference.
		{"published-missing", "the browser parsed no event with its data", published(bwFake(0, 300*time.Millisecond, 6*time.Second,
			append(bwTicks(0, iv, 0, tick), pub), bwTicks(0, iv, 0, tick)))},
		{"published-altered", `; browser type "message", id "31", data "&lt;b&gt;ssespec-1-1`, published(bwFake(0, 300*time.Millisecond, 6*time.Second,
			append(bwTicks(0, iv, 0, tick), pub), append(bwTicks(0, iv, 0, tick), escaped)))},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := bwDiff(c.s)
			if len(r.Diffs) == 0 || !strings.Contains(strings.Join(r.Diffs, "\n"), c.want) {
				t.Fatalf("want a difference with %q; compared %d, diffs %q", c.want, r.Compared, r.Diffs)
			}
			t.Logf("%d of %d differ; first: %s", len(r.Diffs), r.Compared, r.Diffs[0])
		})
	}
}

// Streams never open at once: nothing to compare, said without a negative
// duration.
func TestBROWSERDiffNoOverlap(t *testing.T) {
	s := bwFake(0, 2*time.Second, 4*time.Second, nil, nil)
	s.harn.End, s.harn.EndAt = stream.EndEOF, 1400*time.Millisecond
	r := bwDiff(s)
	if r.Empty == "" || strings.Contains(r.Empty, "-") && strings.Contains(r.Empty, "ms") {
		t.Fatalf("empty %q, window %q", r.Empty, r.Window)
	}
	t.Log(r.Empty)
}
