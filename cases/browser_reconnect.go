package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// The reconnect (SSE-BROWSER-008/009) on the swap page's tab: the server
// ends the stream and the browser's reconnect is recorded.

// bwReconnect goes on with the swap page's tab once the swaps are judged:
// the server ends the stream (the end command, or the target on its own),
// and the browser's reconnect is recorded.
//
// swapDone completes the swap checks' result; it is called once the end
// command is out, or before anything slow when there is none.
func bwReconnect(ctx context.Context, tab *browser.Tab, pageURL string, page browser.Page, r, sw, closing *bwScenario, swapDone func()) {
	cfg := suite.Current(ctx)
	p := cfg.Publisher()
	useEnd := p != nil && cfg.Has(suite.CapEnd)
	r.publish = useEnd
	r.recon.Replay = cfg.Has(suite.CapReplay)
	r.pubs = map[string]bwPub{}
	for role, pb := range sw.pubs {
		r.pubs[role] = pb
	}
	capture := func() { r.tab = bwCapture(ctx, tab, pageURL, page) }
	if !useEnd {
		swapDone()
	}
	var selfEnd time.Duration // observe: how long the target keeps a stream before ending it
	if !useEnd {
		rec, err := suite.WaitObservation(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			r.err = err
			return
		case err != nil:
			r.skip = fmt.Sprintf("no shared observation to learn whether the target ends its streams (%v)", err)
			return
		case rec.End != stream.EndEOF:
			why := "without a publish hook the suite cannot make the target end a stream"
			if p != nil {
				why = "the target does not declare the optional end command (--capabilities end: publishing {\"event\":\"ssespec:end\"} ends its open streams), so the suite cannot make it end a stream"
			}
			r.skip = fmt.Sprintf("the target kept the stream open for the whole %v window and %s; nothing to reconnect after", (rec.EndAt - rec.HeadersAt).Round(time.Millisecond), why)
			return
		}
		selfEnd = rec.EndAt - rec.HeadersAt
		r.recon.How = fmt.Sprintf("the target ended it by itself (it ended the shared observation after %v)", selfEnd.Round(time.Millisecond))
	} else {
		r.recon.How = "the suite's end command ({\"event\":\"" + publish.EndEvent + "\"})"
		// The end command ends every stream the target has open: wait until
		// the shared observation and the close page are done with theirs.
		if _, err := suite.WaitObservation(ctx); err != nil && ctx.Err() != nil {
			r.err = err
			return
		}
		if closing != nil {
			select {
			case <-closing.quiet:
			case <-ctx.Done():
				r.err = ctx.Err()
				return
			}
		}
	}
	first := bwStreamRequests(tab.Log())
	if len(first) == 0 {
		r.err = errors.New("DevTools showed no EventSource request for the page")
		return
	}
	firstReq := first[len(first)-1]
	if useEnd {
		r.pubs["end"] = bwPublish(ctx, p, publish.Event{Event: publish.EndEvent}, "")
		swapDone()
		if err := r.pubs["end"].Err; err != nil {
			r.err = fmt.Errorf("publishing the end command: %w", err)
			return
		}
	}
	endWait := bwScaled(ctx, bwEndWait)
	if !useEnd {
		endWait = selfEnd + bwScaled(ctx, bwEndWait)
	}
	// Running time: a page busy laying out a huge swap learns of the end
	// late, and a stalled page is not a target that ignores the end.
	waited, stalled := bwWatch(ctx, tab, endWait, func(l browser.Log, _ browser.Recorded) bool { return bwEnded(l, firstReq.ID) != "" })
	l := tab.Log()
	r.recon.EndKind = bwEnded(l, firstReq.ID)
	if r.recon.EndKind == "" {
		capture()
		if useEnd {
			r.recon.Fail = fmt.Sprintf("the stream was still open after the end command (watched %s; the target declares --capabilities end)", heldText(endWait, waited, stalled))
		} else {
			r.recon.Skip008 = fmt.Sprintf("the page's stream did not end within %s (the target ended the shared observation after %v)", heldText(endWait, waited, stalled), selfEnd.Round(time.Millisecond))
			r.recon.Skip009 = r.recon.Skip008
		}
		return
	}
	base := suite.Nonce()
	if useEnd {
		// Published while the browser is away: a target that replays must
		// deliver it after the reconnect.
		r.pubs["gap"] = bwPublish(ctx, p, publish.Event{Data: base + "-gap"}, base+"-gap")
	}
	r.recon.EndedAt, _ = bwEndedAt(l, firstReq.ID)
	for _, m := range l.Messages {
		if m.RequestID == firstReq.ID {
			r.recon.Before = append(r.recon.Before, m)
			r.recon.LastID = m.EventID
			r.recon.IDs = r.recon.IDs || m.EventID != ""
		}
	}

	retry := 3 * time.Second // the browsers' default
	if r.harn != nil && r.harn.Parse.RetrySet {
		retry = r.harn.Parse.Retry
	}
	rctx, rcancel := context.WithTimeout(ctx, max(retry, 3*time.Second)*3/2+bwScaled(ctx, bwSSEOpenWait))
	defer rcancel()
	var second *browser.Request
	tab.WaitFor(rctx, func(l browser.Log, _ browser.Recorded) bool {
		reqs := bwStreamRequests(l)
		if len(reqs) <= len(first) || reqs[len(first)].Headers == nil {
			return false
		}
		second = &reqs[len(first)]
		return slices.ContainsFunc(l.Responses, func(r browser.Response) bool { return r.RequestID == second.ID })
	})
	if second == nil {
		capture()
		return
	}
	if useEnd && !r.recon.Replay {
		r.pubs["live"] = bwPublish(ctx, p, publish.Event{Data: base + "-live"}, base+"-live")
	}
	// Wait for what the reconnect should bring: the gap event (replay), the
	// live one, or (observe) any event on the new request. A replay sends
	// old events before newer ones, so a duplicate of an event the browser
	// already had would have arrived by then too.
	want := func(l browser.Log) bool {
		for _, m := range l.Messages {
			if m.RequestID != second.ID {
				continue
			}
			switch {
			case !useEnd,
				r.recon.Replay && strings.Contains(m.Data, base+"-gap"),
				!r.recon.Replay && strings.Contains(m.Data, base+"-live"):
				return true
			}
		}
		return false
	}
	wctx, wcancel := context.WithTimeout(ctx, bwScaled(ctx, bwArriveWait))
	tab.WaitFor(wctx, func(l browser.Log, _ browser.Recorded) bool { return want(l) })
	wcancel()
	capture()
	l = r.tab.Log
	for _, q := range bwStreamRequests(l) {
		if q.ID == second.ID {
			r.recon.Reconnect = &q
		}
	}
	for _, q := range l.Responses {
		if q.RequestID == second.ID {
			r.recon.Response = &q
		}
	}
	for _, m := range l.Messages {
		if m.RequestID == second.ID {
			r.recon.Resumed = append(r.recon.Resumed, m)
		}
	}
	bwRetryAgain(ctx, tab, pageURL, page, r, useEnd, endWait)
}

// bwPageSawEnd is when the page learnt that the stream request which ended
// at ended (DevTools' time) had ended: its EventSource's first error event
// from then until the reconnect at next, else ended itself. (Both clocks
// are mapped onto the tab's time line; the margin allows for that.)
func bwPageSawEnd(rec browser.Recorded, ended, next time.Duration) time.Duration {
	const margin = 20 * time.Millisecond
	for _, e := range rec.Events {
		if e.Type == "eventsource:error" && e.At >= ended-margin && e.At <= next {
			return max(e.At, ended)
		}
	}
	return ended
}

// bwEnded says how DevTools saw request id end: "finished" (the server
// ended the body), "failed: ERR", or "" while it is open.
func bwEnded(l browser.Log, id string) string {
	kind, _ := bwEndOf(l, id)
	return kind
}

// bwEndedAt is when DevTools saw request id end (finished or failed).
func bwEndedAt(l browser.Log, id string) (time.Duration, bool) {
	kind, at := bwEndOf(l, id)
	return at, kind != ""
}

func bwEndOf(l browser.Log, id string) (kind string, at time.Duration) {
	for _, f := range l.Finished {
		if f.RequestID == id {
			return "finished", f.At
		}
	}
	for _, f := range l.Failures {
		if f.RequestID == id {
			return "failed: " + f.ErrorText, f.At
		}
	}
	return "", 0
}
