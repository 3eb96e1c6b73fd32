package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/suite"
)

// SSE-BROWSER-009's wait, and measuring it again: the reconnect timer runs
// on the page's thread, so a page a busy machine held up through the wait
// says nothing about the retry the server sent. Such a wait is measured
// again on the next end → reconnect cycle (the target ends the reconnected
// stream too, or the suite sends its end command again), up to
// bwRetryCycles in all; the check judges the first wait the page ran
// through.

// bwRetryCycles is how many end → reconnect waits are measured at most.
const bwRetryCycles = 3

// bwCycle is one end → reconnect cycle on the tab's time line.
type bwCycle struct {
	EndedAt time.Duration // DevTools: the stream request ended
	At      time.Duration // the next stream request was sent
}

// bwRetryWait is one cycle's wait as the page timed it.
type bwRetryWait struct {
	From    time.Duration // when the page learnt of the end (bwPageSawEnd)
	Waited  time.Duration // from then to the reconnect
	Stalled time.Duration // how much of the cycle the page was held up
}

func bwWaitOf(rec browser.Recorded, c bwCycle) bwRetryWait {
	from := bwPageSawEnd(rec, c.EndedAt, c.At)
	return bwRetryWait{From: from, Waited: c.At - from, Stalled: rec.StalledDuring(c.EndedAt, c.At)}
}

// bwRetryTol is how far the wait may be off the retry the server sent.
func bwRetryTol(intended time.Duration) time.Duration { return max(intended/4, 100*time.Millisecond) }

// heldUp: the wait was too long, and the time the page was held up
// accounts for the excess, so it cannot be judged.
func (w bwRetryWait) heldUp(intended time.Duration) bool {
	lim := intended + bwRetryTol(intended)
	return w.Waited > lim && w.Waited-w.Stalled <= lim
}

// bwJudgedWait is the wait SSE-BROWSER-009 judges and its cycle's index:
// the first one the page was not held up through, else the last one (only
// the first when the retry sent is not one browsers accept).
func bwJudgedWait(rec browser.Recorded, cycles []bwCycle, intended time.Duration, accepted bool) (bwRetryWait, int) {
	var w bwRetryWait
	for i, c := range cycles {
		w = bwWaitOf(rec, c)
		if !accepted || !w.heldUp(intended) || i == len(cycles)-1 {
			return w, i
		}
	}
	return w, 0
}

// cycles are the reconnect's cycles, the first one first.
func (r bwReconnectResult) cycles() []bwCycle {
	if r.Reconnect == nil {
		return nil
	}
	return append([]bwCycle{{EndedAt: r.EndedAt, At: r.Reconnect.At}}, r.Again...)
}

// bwRetryAgain measures further cycles while every wait so far was held up
// (a retry: value browsers accept only), then captures the tab again. The
// stream to end is the newest one; with the end command the suite sends it
// again, else the target ends it by itself within endWait.
func bwRetryAgain(ctx context.Context, tab *browser.Tab, pageURL string, page browser.Page, r *bwScenario, useEnd bool, endWait time.Duration) {
	intended, _, valid, found, ok := bwRetrySent(r.harn)
	if !found || !valid || !ok {
		return
	}
	p := suite.Current(ctx).Publisher()
	for {
		cs := r.recon.cycles()
		if len(cs) == 0 || len(cs) >= bwRetryCycles || ctx.Err() != nil ||
			!bwWaitOf(r.tab.Rec, cs[len(cs)-1]).heldUp(intended) {
			break
		}
		c, ok := bwNextCycle(ctx, tab, p, useEnd, endWait, intended)
		if !ok {
			break
		}
		r.recon.Again = append(r.recon.Again, c)
		r.tab = bwCapture(ctx, tab, pageURL, page)
	}
}

// bwNextCycle ends the newest stream request (or waits for the target to)
// and waits for the browser's next one; false when either did not happen.
func bwNextCycle(ctx context.Context, tab *browser.Tab, p publish.Publisher, useEnd bool, endWait, intended time.Duration) (bwCycle, bool) {
	reqs := bwStreamRequests(tab.Log())
	if len(reqs) == 0 {
		return bwCycle{}, false
	}
	last := reqs[len(reqs)-1]
	if useEnd && p != nil {
		if bwPublish(ctx, p, publish.Event{Event: publish.EndEvent}, "").Err != nil {
			return bwCycle{}, false
		}
	}
	bwWatch(ctx, tab, endWait, func(l browser.Log, _ browser.Recorded) bool { return bwEnded(l, last.ID) != "" })
	ended, ok := bwEndedAt(tab.Log(), last.ID)
	if !ok {
		return bwCycle{}, false
	}
	rctx, cancel := context.WithTimeout(ctx, max(intended, 3*time.Second)*3/2+bwScaled(ctx, bwSSEOpenWait))
	defer cancel()
	var next *browser.Request
	tab.WaitFor(rctx, func(l browser.Log, _ browser.Recorded) bool {
		if qs := bwStreamRequests(l); len(qs) > len(reqs) {
			next = &qs[len(reqs)]
		}
		return next != nil
	})
	if next == nil {
		return bwCycle{}, false
	}
	return bwCycle{EndedAt: ended, At: next.At}, true
}

// bwCyclesText says how many waits were measured, when more than one.
func bwCyclesText(n int) string {
	if n < 2 {
		return ""
	}
	return fmt.Sprintf(" (each of the %d waits measured was held up like this)", n)
}
