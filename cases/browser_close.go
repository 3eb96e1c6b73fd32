package cases

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/suite"
)

// The close page (SSE-BROWSER-006): sse-close on a named event, then ≥2 s
// of watching for a reconnect. See browser_session.go for how pages run.

func bwRunClose(ctx context.Context, b *browser.Browser, s *bwScenario) {
	cfg := suite.Current(ctx)
	p := cfg.Publisher()
	s.publish = p != nil
	name := bwClose
	if !s.publish {
		names, err := bwObservedNames(ctx, 1)
		if err != nil && ctx.Err() != nil {
			s.err = err
			s.setQuiet()
			return
		}
		if len(names) == 0 {
			s.skip = "the target sent no named event in the shared observation to close on; with a publish hook (--publish-url/--publish-cmd) the suite publishes one"
			s.setQuiet()
			return
		}
		name = names[0]
	}
	s.close.Name = name
	page := browser.Page{StreamURL: suite.BrowserStreamURL(ctx), Close: name, Swaps: []browser.Swap{
		{ID: "close-event", Names: name, HXSwap: "textContent"},
		{ID: "message", Names: "message", HXSwap: "textContent"},
	}}
	tab, pageURL, err := bwOpen(ctx, b, page)
	if err != nil {
		s.err = fmt.Errorf("opening the page: %w", err)
		s.setQuiet()
		return
	}
	defer tab.Close()
	defer func() {
		if s.tab == nil {
			s.tab = bwCapture(ctx, tab, pageURL, page)
		}
		tab.Close()
		s.setQuiet()
	}()
	s.opened, s.openErr = bwWaitOpen(ctx, tab)
	if !s.opened {
		return
	}
	closed := func(_ browser.Log, r browser.Recorded) bool { return r.Count("htmx:sseClose") > 0 }
	if s.publish {
		nonce := suite.Nonce() + "-close"
		s.pubs = map[string]bwPub{"close": bwPublish(ctx, p, publish.Event{Event: name, Data: nonce}, nonce)}
		cctx, ccancel := context.WithTimeout(ctx, bwScaled(ctx, bwArriveWait))
		tab.WaitFor(cctx, closed)
		ccancel()
	} else {
		s.watched, s.stalled = bwWatch(ctx, tab, bwScaled(ctx, bwObserveWait), closed)
	}
	rec, err := tab.Recorded(ctx)
	if err != nil || rec.Count("htmx:sseClose") == 0 {
		return
	}
	s.close.Closed = true
	s.close.ClosedAt = rec.OfType("htmx:sseClose")[0].At
	s.setQuiet() // the source is closed: ending streams cannot touch it now
	first := bwStreamRequests(tab.Log())
	firstID := ""
	if len(first) > 0 {
		firstID = first[len(first)-1].ID
	}
	// Watch for bwCloseWatch after the close: any new EventSource request,
	// or a new EventSource htmx made, is a reconnect.
	until := tab.Opened().Add(s.close.ClosedAt + bwScaled(ctx, bwCloseWatch))
	wctx, wcancel := context.WithDeadline(ctx, until)
	tab.WaitFor(wctx, func(l browser.Log, r browser.Recorded) bool {
		return len(bwStreamRequests(l)) > len(first) || r.Sources > 1 || r.Count("eventsource:open") > 1
	})
	wcancel()
	if ctx.Err() != nil {
		s.err = ctx.Err()
		return
	}
	s.tab = bwCapture(ctx, tab, pageURL, page)
	l := s.tab.Log
	s.close.Watched = s.tab.Taken.Sub(tab.Opened()) - s.close.ClosedAt
	s.close.Canceled = slices.ContainsFunc(l.Failures, func(f browser.Failure) bool { return f.RequestID == firstID && f.Canceled })
	if reqs := bwStreamRequests(l); len(reqs) > len(first) {
		r := reqs[len(first)]
		s.close.Reconnect = fmt.Sprintf("a new EventSource request %v after the close (%s)", (r.At - s.close.ClosedAt).Round(time.Millisecond), r.URL)
	} else if s.tab.Rec.Sources > 1 {
		s.close.Reconnect = fmt.Sprintf("htmx created %d EventSources", s.tab.Rec.Sources)
	}
}
