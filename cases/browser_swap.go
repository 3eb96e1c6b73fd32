package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// The swap page (SSE-BROWSER-001/002/003/004/005/007), which then goes on
// to the reconnect (browser_reconnect.go). See browser_session.go.

func bwRunSwap(ctx context.Context, b *browser.Browser, s, recon, closing *bwScenario) {
	cfg := suite.Current(ctx)
	p := cfg.Publisher()
	s.publish = p != nil
	nonce := suite.Nonce()
	s.trigger = browser.Trigger{ID: "trigger", GetURL: "/__ssespec/trigger-" + nonce}
	page := browser.Page{StreamURL: suite.BrowserStreamURL(ctx)}
	if s.publish {
		s.trigger.Event = bwTrigger
		page.Swaps = []browser.Swap{
			{ID: "named", Names: bwNamed}, // htmx's default innerHTML swap
			{ID: "message", Names: "message", HXSwap: "textContent"},
			{ID: "lines", Names: bwLines, HXSwap: "textContent"},
		}
	} else {
		names, err := bwObservedNames(ctx, bwNamesMax)
		if err != nil && ctx.Err() != nil {
			s.err = err
			return
		}
		s.names = names
		page.Swaps = []browser.Swap{{ID: "message", Names: "message", HXSwap: "textContent"}}
		for i, n := range names {
			page.Swaps = append(page.Swaps, browser.Swap{ID: fmt.Sprintf("named-%d", i+1), Names: n, HXSwap: "textContent"})
		}
		if len(names) > 0 {
			s.trigger.Event = names[0]
		}
	}
	if s.trigger.Event != "" {
		page.Triggers = []browser.Trigger{s.trigger}
	}

	tab, pageURL, err := bwOpen(ctx, b, page)
	if err != nil {
		s.err = fmt.Errorf("opening the page: %w", err)
		if recon != nil {
			recon.err = s.err
		}
		return
	}
	defer tab.Close()
	// The swap checks' result is complete with the page's state and a
	// screenshot. When the reconnect follows, the screenshot is taken once
	// the end command is out (the page looks the same), so it adds nothing
	// to the reconnect's wait.
	// The harness's own stream, recorded alongside the page's for the
	// differential (SSE-BROWSER-002), opens once the page's EventSource
	// has: opened before the page loads, a server with a ticker per
	// connection sends it the same values seconds earlier than the page,
	// when a loaded machine loads the page slowly.
	var (
		hconn *stream.Conn
		herr  error
	)
	var once sync.Once
	finishSwap := func() {
		once.Do(func() {
			if s.tab == nil {
				s.tab = bwCaptureState(ctx, tab, pageURL, page)
			}
			s.tab.Shot = bwScreenshot(ctx, tab)
			s.finish()
		})
	}
	capture := func() {
		s.tab = bwCaptureState(ctx, tab, pageURL, page)
		// In observe mode the checks judge the swaps they find, so a page
		// too busy to answer the final read (laying out huge swaps) is
		// judged on its newest earlier state; with a publish hook a swap
		// missing from an older state would read as a failure.
		if !s.publish && s.tab.RecErr != nil {
			if rec, at, ok := tab.LastRecorded(); ok {
				s.tab.Rec, s.tab.RecErr, s.tab.RecAt = rec, nil, at
				// Judge the browser's parse up to the same moment: a
				// message the page had not handled yet is not a miss.
				s.tab.Log.Messages = slices.DeleteFunc(s.tab.Log.Messages, func(m browser.Message) bool { return m.At > rec.At })
			}
		}
		if hconn != nil {
			s.harn = hconn.Close()
		}
		if herr != nil && s.harn != nil && s.harn.Status == 0 {
			s.harn = nil
		}
	}
	defer func() {
		if s.tab == nil {
			capture()
		}
		finishSwap()
		if recon != nil && recon.tab == nil {
			recon.tab, recon.harn, recon.opened, recon.openErr = s.tab, s.harn, s.opened, s.openErr
		}
	}()

	s.opened, s.openErr = bwWaitOpen(ctx, tab)
	if !s.opened {
		return
	}
	hconn, herr = bwHarness(ctx)
	if !s.publish {
		bwObserveSwaps(ctx, tab, s, hconn)
	} else {
		bwPublishSwaps(ctx, tab, s, p)
	}
	capture()
	if recon == nil {
		finishSwap()
		return
	}
	recon.opened = true
	recon.harn = s.harn
	bwReconnect(ctx, tab, pageURL, page, recon, s, closing, finishSwap)
}

// bwPublishSwaps publishes the swap page's four events and waits for the
// page's reactions.
func bwPublishSwaps(ctx context.Context, tab *browser.Tab, s *bwScenario, p publish.Publisher) {
	s.pubs = map[string]bwPub{}
	n := func(role string) string { return suite.Nonce() + "-" + role }
	named, unnamed, lines, trig := n("named"), n("unnamed"), n("lines"), n("trigger")
	for _, x := range []struct {
		role string
		ev   publish.Event
		n    string
	}{
		{"named", publish.Event{Event: bwNamed, Data: "<b>" + named + "</b>"}, named},
		{"unnamed", publish.Event{Data: unnamed}, unnamed},
		{"lines", publish.Event{Event: bwLines, Data: lines + "\nsecond line\n\nfourth line"}, lines},
		{"trigger", publish.Event{Event: bwTrigger, Data: trig}, trig},
	} {
		s.pubs[x.role] = bwPublish(ctx, p, x.ev, x.n)
	}
	// The browser's parser sees every event whatever its name; once all four
	// are in, the page's reactions follow at once.
	arrived := func(l browser.Log) bool {
		for _, pb := range s.pubs {
			if !slices.ContainsFunc(l.Messages, func(m browser.Message) bool { return strings.Contains(m.Data, pb.Nonce) }) {
				return false
			}
		}
		return true
	}
	actx, acancel := context.WithTimeout(ctx, bwScaled(ctx, bwArriveWait))
	tab.WaitFor(actx, func(l browser.Log, _ browser.Recorded) bool { return arrived(l) })
	acancel()
	ectx, ecancel := context.WithTimeout(ctx, bwScaled(ctx, bwEffectWait))
	tab.WaitFor(ectx, func(l browser.Log, r browser.Recorded) bool {
		q := bwTriggerRequest(l, s.trigger)
		return bwSwappedNonce(r, "named", named) && bwSwappedNonce(r, "message", unnamed) &&
			bwSwappedNonce(r, "lines", lines) && q != nil && q.Headers != nil
	})
	ecancel()
}

// bwObserveSwaps waits until the target's own events have reached every
// element the page has and have arrived over bwObserveSpan on both the
// page's stream and the harness's (or bwObserveWait of the page's running
// time passed: bwWatch).
func bwObserveSwaps(ctx context.Context, tab *browser.Tab, s *bwScenario, hconn *stream.Conn) {
	s.watched, s.stalled = bwWatch(ctx, tab, bwScaled(ctx, bwObserveWait), func(l browser.Log, r browser.Recorded) bool {
		got := map[string]bool{}
		for _, e := range r.OfType("htmx:sseMessage") {
			got[e.Target] = true
		}
		for _, sw := range tab0Swaps(s) {
			if !got[sw] {
				return false
			}
		}
		q := bwTriggerRequest(l, s.trigger)
		n := len(l.Messages)
		enough := n >= 2 && l.Messages[n-1].At-l.Messages[0].At >= bwObserveSpan && bwHarnessSpanned(hconn)
		return enough && (s.trigger.Event == "" || q != nil && q.Headers != nil)
	})
}

// bwObserveSpan is how long events must have arrived over on both streams
// before the page is captured: the differential (SSE-BROWSER-002) judges
// events more than its tolerance (≥1 s) inside the time both were open.
// (A count of events is no substitute: the harness's stream opens after
// the page's, on a loaded machine over a second later, and a fast ticker
// fills any count on the page's stream before the harness has a window.)
const bwObserveSpan = 3500 * time.Millisecond

// bwHarnessSpanned: the harness's stream has had events over bwObserveSpan,
// or it is not there or has ended (nothing more to wait for).
func bwHarnessSpanned(hconn *stream.Conn) bool {
	if hconn == nil {
		return true
	}
	ok := false
	hconn.View(func(rec *stream.Recording) {
		evs := rec.Parse.Events
		ok = rec.End != stream.EndOpen || len(evs) >= 2 && evs[len(evs)-1].At-evs[0].At >= bwObserveSpan
	})
	return ok
}

// bwWatchCap bounds bwWatch: at most this many times its wait in all.
const bwWatchCap = 3

// bwWatch is tab.WaitRunning bounded by bwWatchCap: a page a busy machine
// (or its own huge swaps) stalls still gets its look at the target's
// events before a check says none arrived.
func bwWatch(ctx context.Context, tab *browser.Tab, wait time.Duration, cond func(browser.Log, browser.Recorded) bool) (watched, stalled time.Duration) {
	wctx, cancel := context.WithTimeout(ctx, wait*bwWatchCap)
	defer cancel()
	return tab.WaitRunning(wctx, wait, cond)
}

// watchedText says how long the page watched for the target's own events.
func (s *bwScenario) watchedText(ctx context.Context) string {
	return heldText(bwScaled(ctx, bwObserveWait), s.watched, s.stalled)
}

// heldText says how long a page was watched (bwWatch) for wait: wait
// itself when the page ran throughout, else how long and how much of
// that it was held up.
func heldText(wait, watched, stalled time.Duration) string {
	if stalled < 100*time.Millisecond {
		return wait.String()
	}
	return fmt.Sprintf("%v, %v of it held up", watched.Round(100*time.Millisecond), stalled.Round(100*time.Millisecond))
}

func tab0Swaps(s *bwScenario) []string {
	ids := []string{"message"}
	for i := range s.names {
		ids = append(ids, fmt.Sprintf("named-%d", i+1))
	}
	return ids
}

// bwSwappedNonce reports whether an htmx:sseMessage on element id carried
// data with nonce.
func bwSwappedNonce(r browser.Recorded, id, nonce string) bool {
	_, ok := bwSwapOf(r.OfType("htmx:sseMessage"), id, nonce)
	return ok
}

// bwTriggerRequest is the trigger element's hx-get, if the page made it
// (its Headers stay nil until DevTools reports the headers sent).
func bwTriggerRequest(l browser.Log, t browser.Trigger) *browser.Request {
	for _, r := range l.Requests {
		if strings.HasSuffix(r.URL, t.GetURL) && r.Type != browser.TypeDocument {
			return &r
		}
	}
	return nil
}
