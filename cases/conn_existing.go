package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// connRoundWatch is how long after a new stream's headers the open stream
// is watched for what that connect made the server send it.
const connRoundWatch = time.Second

var _ = suite.Area("CONN", func() {
	// One library re-broadcasts its "initial" events (a welcome, the recent
	// history) to every client whenever one connects: each open tab applies
	// them again on every connect anywhere, and nothing else in the suite
	// sees it. Stream A opens and is watched for a baseline (until four
	// events after its connect burst, at most 2 s or --window); then two more
	// streams open, one after the other, both kept open. A connect re-sent
	// what, within 1 s of its headers, A received again: events A already
	// had, in a burst (see resumeBurst's gap), none of them content A
	// receives routinely (twice in the baseline). It fails when both
	// connects re-sent something and one of them two or more different
	// events: one coincidence is not a defect, and a single constant notice
	// ("someone joined") is not a copy of history. With a publish hook an
	// event is published before the connects, and a second copy of it on A
	// during either connect fails outright. SHOULD, not MUST: the spec says
	// nothing about what a server emits, but every open client applies the
	// copies again (a real-bug interop need, like SSE-CONN-001/002).
	suite.Check(suite.Meta{
		ID: "SSE-CONN-004", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Observe, suite.Publish},
		Title:       "A new connection sends nothing again to the streams already open",
		Requirement: "Opening a stream makes the server send no copy of earlier events (a welcome, recent history) to the streams already open; servers whose own events repeat, or that greet only the new client, pass.",
		Tolerates:   "servers whose own events repeat on their own schedule, a welcome sent only to the new client, a constant notice such as a presence count, and per-connection generators.",
	}, func(ctx context.Context) {
		cfg := suite.Current(ctx)
		a, err := suite.OpenStream(ctx, nil, stream.Options{})
		suite.Cleanup(ctx, func() { a.Close() })
		if err != nil {
			suite.Undecided("could not open the first stream: %v", err)
		}
		var served bool
		var got string
		a.View(func(r *stream.Recording) { served, got = keepServed(r) })
		if !served {
			suite.Skipf("the stream request answered %s, so there is no event stream to judge (see SSE-HTTP-001/002)", got)
		}
		aHeaders := a.Recording().HeadersAt
		bctx, cancel := context.WithTimeout(ctx, min(cfg.Window, 2*time.Second))
		a.WaitUntil(bctx, func(r *stream.Recording) bool {
			return len(r.Parse.Events)-resumeBurst(r.Parse.Events, aHeaders) >= 4
		})
		cancel()

		nonce := ""
		if p := cfg.Publisher(); p != nil {
			nonce = suite.Nonce()
			suite.PublishEvent(ctx, p, publish.Event{Data: "existing " + nonce}, nonce)
			if _, ok := suite.Await(ctx, a, nonce, rpubWait(ctx)); !ok {
				suite.Note(ctx, "the event published before the connects did not reach the open stream within %v, so it was not used", rpubWait(ctx))
				nonce = ""
			}
		}

		var rounds []connRound
		for i := 1; i <= 2; i++ {
			c, err := suite.OpenStream(ctx, nil, stream.Options{})
			suite.Cleanup(ctx, func() { c.Close() })
			if err != nil {
				suite.Undecided("could not open new stream %d: %v", i, err)
			}
			rec := c.Recording()
			start := rec.Start.Sub(a.Recording().Start)
			rounds = append(rounds, connRound{start: start, end: start + rec.HeadersAt + connRoundWatch})
			wctx, cancel := context.WithDeadline(ctx, rec.Start.Add(rec.HeadersAt+connRoundWatch))
			a.WaitUntil(wctx, func(*stream.Recording) bool { return false })
			cancel()
		}
		var evs []parser.Event
		var endedAt time.Duration
		a.View(func(r *stream.Recording) {
			evs = slices.Clone(r.Parse.Events)
			if r.End != stream.EndOpen {
				endedAt = r.EndAt
			}
		})
		suite.AttachRecording(ctx, "existing", a.Close())
		if endedAt > 0 && endedAt < rounds[1].end {
			suite.Skipf("the open stream ended (%d ms) before the new streams' connects could be watched on it; nothing to judge", endedAt.Milliseconds())
		}
		suite.Evidence(ctx, "new_streams_ms", []int64{rounds[0].start.Milliseconds(), rounds[1].start.Milliseconds()})

		if nonce != "" {
			var again []string
			copies := 0
			for _, ev := range evs {
				if !strings.Contains(ev.Data, nonce) {
					continue
				}
				if copies++; copies > 1 && connInRound(rounds, ev.At) >= 0 {
					again = append(again, fmt.Sprintf("at %d ms (new stream %d)", ev.At.Milliseconds(), connInRound(rounds, ev.At)+1))
				}
			}
			if len(again) > 0 {
				suite.Failf(ctx, "no copy of an earlier event on the open streams when a new one connects",
					"the event the suite published before the new streams connected arrived again on the open stream %s", strings.Join(again, ", "))
			}
		}

		routine := connRoutine(evs, rounds[0].start)
		var found [][]string
		for _, r := range rounds {
			found = append(found, connResent(evs, r, routine))
		}
		suite.Evidence(ctx, "resent", found)
		if len(found[0]) == 0 || len(found[1]) == 0 || max(len(found[0]), len(found[1])) < 2 {
			if len(found[0])+len(found[1]) > 0 {
				suite.Note(ctx, "after the connects the open stream received again %s and %s, which it already had: too little to tell from a coincidence or a constant notice",
					connCount(found[0]), connCount(found[1]))
			}
			return
		}
		suite.Failf(ctx, "no copy of an earlier event on the open streams when a new one connects",
			"each new stream (opened at %d ms and %d ms) made the open stream receive again, in a burst, events it already had: %s; then %s",
			rounds[0].start.Milliseconds(), rounds[1].start.Milliseconds(), listSome(found[0], 5, ", "), listSome(found[1], 5, ", "))
	})
})

// connRound is one new stream's connect on the open stream's clock: from
// its request to connRoundWatch after its headers.
type connRound struct{ start, end time.Duration }

func connInRound(rounds []connRound, at time.Duration) int {
	for i, r := range rounds {
		if at >= r.start && at <= r.end {
			return i
		}
	}
	return -1
}

// connRoutine is the content the open stream received at least twice
// before until: the server repeats it on its own.
func connRoutine(evs []parser.Event, until time.Duration) map[string]bool {
	count := map[string]int{}
	routine := map[string]bool{}
	for _, ev := range evs {
		if ev.At >= until {
			break
		}
		k := resumeKey(ev)
		if count[k]++; count[k] >= 2 {
			routine[k] = true
		}
	}
	return routine
}

// connResent is the distinct content of the largest burst of repeats in
// round r: events arriving in r that the open stream had received before
// r began, not routine, each within resumeBurstGap of the one before.
func connResent(evs []parser.Event, r connRound, routine map[string]bool) []string {
	seen := map[string]bool{}
	var best, cur []string
	var prev time.Duration
	for _, ev := range evs {
		k := resumeKey(ev)
		switch {
		case ev.At < r.start:
			seen[k] = true
			continue
		case ev.At > r.end:
		case seen[k] && !routine[k]:
			if len(cur) > 0 && ev.At-prev > resumeBurstGap {
				cur = nil
			}
			if !slices.Contains(cur, k) {
				cur = append(cur, k)
			}
			prev = ev.At
			if len(cur) > len(best) {
				best = slices.Clone(cur)
			}
		}
	}
	return best
}

func connCount(keys []string) string {
	if len(keys) == 0 {
		return "nothing"
	}
	return listSome(keys, 5, ", ")
}
