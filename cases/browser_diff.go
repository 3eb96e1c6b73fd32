package cases

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// The differential of SSE-BROWSER-002. The harness's stream and the
// browser's are two connections: a correct server may send them different
// values (timestamps, per-connection ids), they open and are read up to
// different moments, and the newest events may still be in flight to either
// when the page is captured. So the check compares only what both parsers
// could have seen:
//
//   - events inside the overlap of the two connections, a tolerance away
//     from its ends and from the other side's newest event (in-flight
//     events are not judged);
//   - each judged event on one side must have a partner on the other within
//     the tolerance: equal in type, data and lastEventId, or else equal in
//     structure (type, the data's line count, an id of its own or the
//     carried one), since values may legitimately differ per connection;
//   - the suite's nonce-tagged events (publish mode) must be there exactly:
//     same type and data.

type bwEvent struct {
	Type, Data string
	ID         string // lastEventId at dispatch
	Own        bool   // harness: the block had an id field; browser: the lastEventId changed
	Prev       string // lastEventId before this event (same connection)
	Nonce      string // the page's nonce the data carries, if any
	At         time.Time
	paired     bool // a nonce event matched on the other side
}

func (e bwEvent) String() string {
	return fmt.Sprintf("type %q, id %q, data %s", e.Type, e.ID, quoteText(e.Data, 160))
}

// bwDiffResult is the differential's outcome.
type bwDiffResult struct {
	Compared   int           // events judged on either side
	Exact      int           // of those, with an identical partner
	Structural int           // with a partner equal only in structure
	Diffs      []string      // differences; empty when the parses agree
	Window     string        // the overlap, described
	Empty      string        // why nothing can be compared (no overlap), else ""
	Tolerance  time.Duration // around the lag range
	LagLo      time.Duration // browser minus harness arrival of identical events, least
	LagHi      time.Duration // and most
}

const (
	// The least tolerance: on a busy machine the browser's copy of an event
	// arrived 0.3 s after the harness's (measured), so 1 s.
	bwTolMin = time.Second
	bwTolMax = 3 * time.Second
	bwLagMax = 10 * time.Second // the most lag the tolerance stretches to
	bwJudged = 1000             // events judged per side at most (a flood must not cost minutes)
)

// bwDiff compares the harness's parse of its stream with the browser's
// parse of the page's first stream request (DevTools
// eventSourceMessageReceived).
func bwDiff(s *bwScenario) bwDiffResult {
	rec, t := s.harn, s.tab
	var r bwDiffResult
	reqs := bwStreamRequests(t.Log)
	if len(reqs) == 0 {
		r.Empty = "the browser made no stream request"
		return r
	}
	reqID := reqs[0].ID
	var bStart time.Time
	for _, x := range t.Log.Responses {
		if x.RequestID == reqID {
			bStart = t.Opened.Add(x.At)
			break
		}
	}
	if bStart.IsZero() {
		r.Empty = "the browser's stream request got no response"
		return r
	}
	bEnd := t.Taken
	for _, f := range t.Log.Finished {
		if f.RequestID == reqID {
			bEnd = bwEarlier(bEnd, t.Opened.Add(f.At))
		}
	}
	for _, f := range t.Log.Failures {
		if f.RequestID == reqID {
			bEnd = bwEarlier(bEnd, t.Opened.Add(f.At))
		}
	}
	if t.Log.Dropped > 0 {
		bEnd = bwEarlier(bEnd, t.Opened.Add(t.Log.DroppedAt)) // the log kept nothing after
	}
	hStart, hEnd := rec.Start.Add(rec.HeadersAt), rec.Start.Add(rec.EndAt)
	if rec.End == stream.EndOpen {
		hEnd = t.Taken
	}
	start, end := bwLater(hStart, bStart), bwEarlier(hEnd, bEnd)
	if !end.After(start) {
		r.Empty = fmt.Sprintf("the harness's stream (open %s to %s) and the browser's (open %s to %s) were never open at the same time",
			bwClock(hStart), bwClock(hEnd), bwClock(bStart), bwClock(bEnd))
		return r
	}
	r.Window = fmt.Sprintf("%v of both streams open", end.Sub(start).Round(time.Millisecond))

	var nonces []string
	for _, p := range s.pubs {
		nonces = append(nonces, p.Nonce)
	}
	tag := func(data string) string {
		for _, n := range nonces {
			if strings.Contains(data, n) {
				return n
			}
		}
		return ""
	}
	var h, b []*bwEvent
	prev := ""
	for _, ev := range rec.Parse.Events {
		h = append(h, &bwEvent{Type: ev.Type, Data: ev.Data, ID: ev.LastEventID, Own: ev.ID != nil, Prev: prev, Nonce: tag(ev.Data), At: rec.Start.Add(ev.At)})
		prev = ev.LastEventID
	}
	prev = ""
	for _, m := range t.Log.Messages {
		if m.RequestID != reqID {
			continue
		}
		b = append(b, &bwEvent{Type: m.EventName, Data: m.Data, ID: m.EventID, Own: m.EventID != prev, Prev: prev, Nonce: tag(m.Data), At: t.Opened.Add(m.At)})
		prev = m.EventID
	}
	// Both are in arrival order already; sorting guards the binary searches.
	sort.SliceStable(h, func(i, j int) bool { return h[i].At.Before(h[j].At) })
	sort.SliceStable(b, func(i, j int) bool { return b[i].At.Before(b[j].At) })
	tol := bwTolerance(h)
	lagLo, lagHi := bwLag(h, b, start, end)
	r.Tolerance, r.LagLo, r.LagHi = tol, lagLo, lagHi
	// Where an event's partner may be, relative to it: the browser's copy
	// of a harness event from lagLo-tol to lagHi+tol after it, and the
	// other way round.
	toB := bwSpan{lagLo - tol, lagHi + tol}
	toH := bwSpan{-lagHi - tol, -lagLo + tol}

	// The suite's own events: the same nonce on both sides, exactly.
	for i, e := range h {
		if e.Nonce == "" {
			continue
		}
		r.Compared++
		k := slices.IndexFunc(b, func(x *bwEvent) bool { return !x.paired && x.Nonce == e.Nonce })
		if k < 0 {
			r.Diffs = append(r.Diffs, fmt.Sprintf("harness event %d (%s): the browser parsed no event with its data", i+1, e))
			continue
		}
		b[k].paired = true
		if e.Type != b[k].Type || e.Data != b[k].Data || !bwIDConsistent(e, b[k]) {
			r.Diffs = append(r.Diffs, fmt.Sprintf("event %d: harness %s; browser %s", i+1, e, b[k]))
			continue
		}
		r.Exact++
	}

	// The rest: judged where the other side's partner must already be in.
	judged := func(side, other []*bwEvent, sp bwSpan) []*bwEvent {
		last := end
		if len(other) > 0 {
			last = bwEarlier(last, other[len(other)-1].At)
		}
		var out []*bwEvent
		for _, e := range side {
			if e.Nonce == "" && !e.At.Before(start) && !e.At.After(end) &&
				!e.At.Add(sp.lo).Before(start) && !e.At.Add(sp.hi).After(last) && len(out) < bwJudged {
				out = append(out, e)
			}
		}
		return out
	}
	jh, jb := judged(h, b, toB), judged(b, h, toH)
	// Each direction on its own: every judged event of one side gets its
	// own partner on the other (a matching, so one browser event cannot
	// stand for two harness events).
	for _, d := range []struct {
		side, other []*bwEvent
		sp          bwSpan
		name, who   string
		flip        bool
	}{{jh, b, toB, "harness", "the browser", false}, {jb, h, toH, "browser", "the harness", true}} {
		same := bwShape
		if d.flip {
			same = func(x, y *bwEvent) bool { return bwShape(y, x) }
		}
		unmatched := bwMatch(d.side, d.other, d.sp, same)
		all := h
		if d.flip {
			all = b
		}
		for _, e := range d.side {
			r.Compared++
			switch {
			case slices.Contains(unmatched, e):
				r.Diffs = append(r.Diffs, fmt.Sprintf("%s event %d (%s at %s): %s", d.name, slices.Index(all, e)+1, e, bwClock(e.At), bwNearest(e, d.other, d.who, d.sp)))
			case bwHasExact(e, d.other, d.sp):
				r.Exact++
			default:
				r.Structural++
			}
		}
	}
	return r
}

// bwTolerance is how far apart in time two connections' copies of an event
// may arrive: 1.5 times the harness's median gap between events (a server
// with a ticker per connection is out of phase by up to one period), at
// least bwTolMin and at most bwTolMax.
func bwTolerance(h []*bwEvent) time.Duration {
	var gaps []time.Duration
	for i := 1; i < len(h); i++ {
		gaps = append(gaps, h[i].At.Sub(h[i-1].At))
	}
	if len(gaps) == 0 {
		return bwTolMin
	}
	slices.Sort(gaps)
	return min(max(gaps[len(gaps)/2]*3/2, bwTolMin), bwTolMax)
}

// bwSpan is where an event's partner may be, relative to the event.
type bwSpan struct{ lo, hi time.Duration }

func (sp bwSpan) String() string {
	if sp.lo == -sp.hi {
		return fmt.Sprintf("%v", sp.hi)
	}
	return fmt.Sprintf("%v to %v of it", sp.lo, sp.hi)
}

// bwLag is the range of delays (browser minus harness) between events and
// their nearest identical copies within bwLagMax on the other connection: a
// page busy laying out large swaps parses its stream seconds late, and a
// server with a ticker per connection sends the same values a connection's
// head start apart. 0, 0 when fewer than 3 events have such a copy (values
// differ per connection).
func bwLag(h, b []*bwEvent, start, end time.Time) (lo, hi time.Duration) {
	found := 0
	for _, e := range h {
		if e.Nonce != "" || e.At.Before(start) || e.At.After(end) || found >= bwJudged {
			continue
		}
		k := sort.Search(len(b), func(i int) bool { return !b[i].At.Before(e.At.Add(-bwLagMax)) })
		best, ok := time.Duration(0), false
		for _, x := range b[k:] {
			if x.At.After(e.At.Add(bwLagMax)) {
				break
			}
			if d := x.At.Sub(e.At); bwExact(e, x) && (!ok || bwAbs(d) < bwAbs(best)) {
				best, ok = d, true
			}
		}
		if !ok {
			continue
		}
		if found == 0 {
			lo, hi = best, best
		}
		lo, hi = min(lo, best), max(hi, best)
		found++
	}
	if found < 3 {
		return 0, 0
	}
	return lo, hi
}

// bwMatch gives each event of side (in time order) the earliest unused
// event of other (sorted by time, the suite's nonce events left out) within
// tol that is the same in structure, and returns the events left without
// one. Every window [t-tol, t+tol] is as long, so taking the earliest
// partner is a maximum matching: an event is left out only when the other
// side has fewer such events around it than this side needs.
func bwMatch(side, other []*bwEvent, sp bwSpan, same func(e, x *bwEvent) bool) []*bwEvent {
	used := make(map[*bwEvent]bool)
	var left []*bwEvent
	for _, e := range side {
		lo := sort.Search(len(other), func(i int) bool { return !other[i].At.Before(e.At.Add(sp.lo)) })
		found := false
		for _, x := range other[lo:] {
			if x.At.After(e.At.Add(sp.hi)) {
				break
			}
			if !used[x] && x.Nonce == "" && same(e, x) {
				used[x], found = true, true
				break
			}
		}
		if !found {
			left = append(left, e)
		}
	}
	return left
}

// bwHasExact reports whether other has an event identical to e within tol.
func bwHasExact(e *bwEvent, other []*bwEvent, sp bwSpan) bool {
	lo := sort.Search(len(other), func(i int) bool { return !other[i].At.Before(e.At.Add(sp.lo)) })
	for _, x := range other[lo:] {
		if x.At.After(e.At.Add(sp.hi)) {
			return false
		}
		if bwExact(e, x) {
			return true
		}
	}
	return false
}

// bwExact: the same type, data and lastEventId.
func bwExact(a, b *bwEvent) bool { return a.Type == b.Type && a.Data == b.Data && a.ID == b.ID }

// bwShape: the same structure where values may differ per connection: the
// type, the data's line count, and the id (see bwIDConsistent).
func bwShape(a, b *bwEvent) bool {
	return a.Type == b.Type && strings.Count(a.Data, "\n") == strings.Count(b.Data, "\n") && bwIDConsistent(a, b)
}

// bwIDConsistent: a (harness) and b (browser) agree on the event's id as
// far as two connections must. An event with its own id field has a
// non-empty lastEventId on both (empty only when the field was empty, which
// resets it); one without carries the previous lastEventId over, which may
// differ per connection (a stream opened between two ids carries none).
// DevTools reports only the lastEventId, so the browser's own id field is
// seen as a change of it.
func bwIDConsistent(a, b *bwEvent) bool {
	switch {
	case a.ID == b.ID:
		return true
	case a.Own && a.ID == "":
		return b.ID == ""
	case a.Own:
		return b.ID != ""
	default:
		return b.ID == b.Prev
	}
}

// bwNearest describes the event of other nearest in time to e.
func bwNearest(e *bwEvent, other []*bwEvent, who string, sp bwSpan) string {
	var best *bwEvent
	for _, x := range other {
		if x.Nonce == "" && (best == nil || bwAbs(x.At.Sub(e.At)) < bwAbs(best.At.Sub(e.At))) {
			best = x
		}
	}
	if best == nil {
		return who + " parsed no event at all"
	}
	return fmt.Sprintf("%s parsed no event like it within %s; nearest: %s at %s", who, sp, best, bwClock(best.At))
}

func bwClock(t time.Time) string { return t.Format("15:04:05.000") }

func bwAbs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func bwEarlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func bwLater(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
