package cases

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// The browser checks share three pages, run at the same time so their waits
// overlap (the browser adds seconds, not the sum of every check's wait):
//
//   - swap (SSE-BROWSER-001/002/003/004/005/007): sse-swap elements for a
//     named, an unnamed and a multi-line event, an hx-trigger="sse:NAME"
//     element, and a harness stream opened alongside for the differential;
//   - close (006): sse-close on a named event, then ≥2 s of watching;
//   - reconnect (008/009): a stream the server ends, the browser's reconnect.
//
// The first browser check starts every page the run's label filter selects;
// each check then judges its page's result and gives its own verdict. Each
// page closes its tab when done; StopBrowser cancels what is left.

// Event names the suite publishes (mixed case on purpose: names are
// case-sensitive, and a target that changes case breaks sse-swap).
const (
	bwNamed   = "ssespecNamed"
	bwLines   = "ssespecLines"
	bwTrigger = "ssespecTrigger"
	bwClose   = "ssespecClose"
)

const (
	bwOpenTimeout   = 20 * time.Second // open a tab with the page (the first one waits for Chromium)
	bwSSEOpenWait   = 10 * time.Second // the page's EventSource opens
	bwArriveWait    = 5 * time.Second  // published events reach the browser
	bwEffectWait    = 1500 * time.Millisecond
	bwObserveWait   = 5 * time.Second // observe mode: wait for the target's own events
	bwNamesSettle   = 2 * time.Second // observe mode: more names after the first
	bwCloseWatch    = 2 * time.Second // no reconnect after sse-close, for this long
	bwEndWait       = 5 * time.Second // the stream ends after the end command
	bwCaptureBudget = 10 * time.Second
)

// bwTab is what one page showed, captured when its scenario finished.
type bwTab struct {
	PageURL string
	Page    browser.Page
	Opened  time.Time // zero of the Log's and Recorded's time line
	Log     browser.Log
	Rec     browser.Recorded
	RecErr  error
	Shot    []byte
	Taken   time.Time // when Log and Rec were captured
}

// bwPub is one event the suite published for a page.
type bwPub struct {
	Ev    publish.Event
	Nonce string
	At    time.Time
	Err   error
}

// bwScenario is what one page (or one part of a page's run) gave. Result
// fields are written by the page's goroutine before done is closed, and only
// read after.
type bwScenario struct {
	name     string
	done     chan struct{}
	quiet    chan struct{} // closed once the page's stream no longer matters (ending every stream is then harmless)
	doneOnce sync.Once

	err  error  // the harness could not run the page (verdict error)
	skip string // nothing to judge, why (verdict skip)
	tab  *bwTab
	harn *stream.Recording // harness stream recorded alongside

	opened  bool   // htmx:sseOpen fired
	openErr string // why the EventSource did not open

	publish bool              // the suite published this page's events
	pubs    map[string]bwPub  // role → published event
	names   []string          // observe mode: the target's event names the page listens for
	trigger browser.Trigger   // the page's trigger element
	close   bwCloseResult     // close page only
	recon   bwReconnectResult // reconnect part only
}

func newBWScenario(name string) *bwScenario {
	return &bwScenario{name: name, done: make(chan struct{}), quiet: make(chan struct{})}
}

// finish marks the result complete (and the stream no longer needed).
func (s *bwScenario) finish() {
	s.setQuiet()
	s.doneOnce.Do(func() { close(s.done) })
}

func (s *bwScenario) setQuiet() {
	select {
	case <-s.quiet:
	default:
		close(s.quiet)
	}
}

type bwCloseResult struct {
	Name      string        // the sse-close event name
	Closed    bool          // htmx:sseClose fired
	ClosedAt  time.Duration // on the tab's time line
	Canceled  bool          // DevTools: the stream request was canceled (loadingFailed canceled)
	Watched   time.Duration // how long after the close the page was watched
	Reconnect string        // a reconnect seen after the close, described
}

type bwReconnectResult struct {
	How       string        // how the stream was ended
	Skip008   string        // 008 cannot be judged, why
	Skip009   string        // 009 cannot be judged, why
	Fail      string        // the end never happened (008 fails)
	LastID    string        // the browser's lastEventId when the stream ended
	IDs       bool          // the browser saw ids before the end
	EndedAt   time.Duration // DevTools loadingFinished (or loadingFailed) of the ended request
	EndKind   string        // "finished" (the body ended) or "failed: ERR"
	Reconnect *browser.Request
	Response  *browser.Response
	Resumed   []browser.Message // messages on the reconnect request
	Before    []browser.Message // messages on the ended request
	Replay    bool              // the target declares replay (CapReplay)
}

var bwPlan struct {
	sync.Mutex
	started bool
	wg      sync.WaitGroup
	byName  map[string]*bwScenario
}

// bwScenarioFor returns the named result once it is complete, starting the
// run's browser pages first if this is the first browser check.
func bwScenarioFor(ctx SpecContext, name string) *bwScenario {
	b := suite.NeedBrowser(ctx)
	bwPlan.Lock()
	if !bwPlan.started {
		bwPlan.started = true
		sc, _ := GinkgoConfiguration()
		bwStart(b, sc.LabelFilter)
	}
	s := bwPlan.byName[name]
	bwPlan.Unlock()
	if s == nil {
		suite.Undecided("internal: no browser page %q was started", name)
	}
	select {
	case <-s.done:
	case <-ctx.Done():
		suite.Undecided("the browser page %q did not finish before the check's deadline", name)
	}
	return s
}

// In a run without a publish hook the pages start with the run (with
// Chromium), so they overlap the shared observation window instead of
// following it: they only listen. With a publish hook they wait for their
// container, which runs last, since the events they publish and the end
// command must not disturb the other checks.
var _ = suite.OnRunStart(func(ctx context.Context, labelFilter string) {
	cfg := suite.Current()
	if cfg.Browser == "off" || cfg.CanPublish() || len(bwWanted(labelFilter)) == 0 {
		return
	}
	b, err := suite.WaitBrowser(ctx)
	if err != nil {
		return // the checks give the verdict (skip or error)
	}
	bwPlan.Lock()
	defer bwPlan.Unlock()
	if ctx.Err() == nil && !bwPlan.started {
		bwPlan.started = true
		bwStart(b, labelFilter)
	}
})

// bwWanted lists the results the run's checks need, from the label filter
// the run uses (all of them when it cannot be read).
func bwWanted(labelFilter string) map[string]bool {
	part := map[string]string{
		"SSE-BROWSER-001": "swap", "SSE-BROWSER-002": "swap", "SSE-BROWSER-003": "swap",
		"SSE-BROWSER-004": "swap", "SSE-BROWSER-005": "swap", "SSE-BROWSER-007": "swap",
		"SSE-BROWSER-006": "close", "SSE-BROWSER-008": "reconnect", "SSE-BROWSER-009": "reconnect",
	}
	want := map[string]bool{}
	filter, err := types.ParseLabelFilter(labelFilter)
	for id, p := range part {
		m, ok := suite.Lookup(id)
		if err != nil || !ok || filter(m.Labels()) {
			want[p] = true
		}
	}
	return want
}

// bwStart starts the wanted pages in the background (bwPlan locked): the
// swap page, which then goes on to the reconnect (its stream is no longer
// needed once the swaps are judged), and the close page. Two tabs, not
// three: tabs opened at once slow each other down on a small machine.
func bwStart(b *browser.Browser, labelFilter string) {
	ctx, cancel := context.WithCancel(context.Background())
	want := bwWanted(labelFilter)
	bwPlan.byName = map[string]*bwScenario{}
	var swap, recon, closing *bwScenario
	if want["swap"] || want["reconnect"] {
		swap = newBWScenario("swap")
		bwPlan.byName["swap"] = swap
	}
	if want["reconnect"] {
		recon = newBWScenario("reconnect")
		bwPlan.byName["reconnect"] = recon
	}
	if want["close"] {
		closing = newBWScenario("close")
		bwPlan.byName["close"] = closing
	}
	run := func(f func()) {
		bwPlan.wg.Add(1)
		go func() {
			defer bwPlan.wg.Done()
			f()
		}()
	}
	if swap != nil {
		run(func() {
			defer swap.finish()
			if recon != nil {
				defer recon.finish()
			}
			bwRunSwap(ctx, b, swap, recon, closing)
		})
	}
	if closing != nil {
		run(func() {
			defer closing.finish()
			bwRunClose(ctx, b, closing)
		})
	}
	suite.OnStopBrowser(func() {
		cancel()
		bwPlan.wg.Wait()
		bwPlan.Lock()
		bwPlan.started, bwPlan.byName = false, nil
		bwPlan.Unlock()
	})
}

// bwPageURL is a page address on the target's own origin, so the page's
// EventSource and hx-get requests are same-origin.
func bwPageURL(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", err
	}
	return u.Scheme + "://" + u.Host + "/__ssespec/page-" + suite.Nonce(), nil
}

// bwOpen opens page in a new tab of b.
func bwOpen(ctx context.Context, b *browser.Browser, page browser.Page) (*browser.Tab, string, error) {
	pageURL, err := bwPageURL(page.StreamURL)
	if err != nil {
		return nil, "", err
	}
	octx, cancel := context.WithTimeout(ctx, bwOpenTimeout)
	defer cancel()
	tab, err := b.Open(octx, pageURL, page.HTML(), suite.BrowserOpenOptions()...)
	return tab, pageURL, err
}

// bwWaitOpen waits for htmx:sseOpen; it gives up early once the
// EventSource has failed for good (CLOSED after an error) twice, which is
// htmx retrying a refused stream.
func bwWaitOpen(ctx context.Context, tab *browser.Tab) (bool, string) {
	wctx, cancel := context.WithTimeout(ctx, bwSSEOpenWait)
	defer cancel()
	var failed int
	err := tab.WaitFor(wctx, func(l browser.Log, r browser.Recorded) bool {
		failed = 0
		for _, e := range r.OfType("htmx:sseError") {
			if e.ReadyState == browser.ReadyClosed {
				failed++
			}
		}
		return r.Count("htmx:sseOpen") > 0 || failed >= 2
	})
	rec, _ := tab.Recorded(ctx)
	if rec.Count("htmx:sseOpen") > 0 {
		return true, ""
	}
	if err != nil {
		return false, fmt.Sprintf("no htmx:sseOpen within %v (EventSource readyState %s)", bwSSEOpenWait, bwReadyName(rec.ReadyState))
	}
	return false, fmt.Sprintf("the EventSource failed (htmx:sseError with readyState CLOSED) %d times and never opened", failed)
}

// bwCapture takes the page's final state and a screenshot.
func bwCapture(tab *browser.Tab, pageURL string, page browser.Page) *bwTab {
	t := bwCaptureState(tab, pageURL, page)
	t.Shot = bwScreenshot(tab)
	return t
}

// bwCaptureState takes the page's state without the (slower) screenshot.
func bwCaptureState(tab *browser.Tab, pageURL string, page browser.Page) *bwTab {
	ctx, cancel := context.WithTimeout(context.Background(), bwCaptureBudget)
	defer cancel()
	t := &bwTab{PageURL: pageURL, Page: page, Opened: tab.Opened()}
	t.Rec, t.RecErr = tab.Recorded(ctx)
	t.Log = tab.Log()
	t.Taken = time.Now()
	return t
}

func bwScreenshot(tab *browser.Tab) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), bwCaptureBudget)
	defer cancel()
	png, _ := tab.Screenshot(ctx)
	return png
}

// bwHarness opens the harness's own stream to the target, recorded over the
// same window as a page (bounded by ctx and the run's limits).
func bwHarness(ctx context.Context) (*stream.Conn, error) {
	cfg := suite.Current()
	return stream.Open(ctx, stream.Request{URL: cfg.URL, Header: cfg.RequestHeader(suite.BrowserLikeHeader())}, cfg.StreamOptions())
}

func bwPublish(ctx context.Context, p publish.Publisher, ev publish.Event, nonce string) bwPub {
	at := time.Now()
	return bwPub{Ev: ev, Nonce: nonce, At: at, Err: p.Publish(ctx, ev)}
}

// bwObservedNames are the named event types the shared observation saw, in
// order of first arrival, at most max. It does not wait for the whole
// window: once a first name has arrived it waits bwNamesSettle for more (or
// until max are known), so pages started with the run overlap the window.
func bwObservedNames(ctx context.Context, max int) (names []string, unnamed, multiline bool, err error) {
	conn, err := suite.ObservationConn(ctx)
	if err != nil {
		return nil, false, false, err
	}
	collect := func(rec *stream.Recording) {
		names, unnamed, multiline = nil, false, false
		for _, ev := range rec.Parse.Events {
			if ev.Type == "message" {
				unnamed = true
			} else if !slices.Contains(names, ev.Type) && len(names) < max && bwSafeName(ev.Type) {
				names = append(names, ev.Type)
			}
			if strings.Contains(ev.Data, "\n") {
				multiline = true
			}
		}
	}
	conn.WaitUntil(ctx, func(rec *stream.Recording) bool { collect(rec); return len(names) > 0 })
	sctx, cancel := context.WithTimeout(ctx, bwNamesSettle)
	conn.WaitUntil(sctx, func(rec *stream.Recording) bool { collect(rec); return len(names) >= max })
	cancel()
	conn.View(collect)
	return names, unnamed, multiline, ctx.Err()
}

// bwSafeName: htmx splits sse-swap on commas, and hx-trigger's syntax gives
// spaces, brackets and commas meaning, so only names without those can be
// listened for as such.
func bwSafeName(n string) bool {
	return n != "" && !strings.ContainsAny(n, ", \t\r\n[]{}()\"'")
}

// bwStreamRequests are the page's EventSource requests, in order.
func bwStreamRequests(l browser.Log) []browser.Request { return l.OfType(browser.TypeEventSource) }

func bwReadyName(rs int) string {
	switch rs {
	case browser.ReadyConnecting:
		return "CONNECTING"
	case browser.ReadyOpen:
		return "OPEN"
	case browser.ReadyClosed:
		return "CLOSED"
	}
	return "none (htmx made no EventSource)"
}

// ---- the swap page, then the reconnect -----------------------------------

func bwRunSwap(ctx context.Context, b *browser.Browser, s, recon, closing *bwScenario) {
	cfg := suite.Current()
	p := cfg.Publisher()
	s.publish = p != nil
	nonce := suite.Nonce()
	s.trigger = browser.Trigger{ID: "trigger", GetURL: "/__ssespec/trigger-" + nonce}
	page := browser.Page{StreamURL: cfg.URL}
	if s.publish {
		s.trigger.Event = bwTrigger
		page.Swaps = []browser.Swap{
			{ID: "named", Names: bwNamed}, // htmx's default innerHTML swap
			{ID: "message", Names: "message", HXSwap: "textContent"},
			{ID: "lines", Names: bwLines, HXSwap: "textContent"},
		}
	} else {
		names, _, _, err := bwObservedNames(ctx, 3)
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

	hconn, herr := bwHarness(ctx)
	tab, pageURL, err := bwOpen(ctx, b, page)
	if err != nil {
		if hconn != nil {
			hconn.Close()
		}
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
	var once sync.Once
	finishSwap := func() {
		once.Do(func() {
			if s.tab == nil {
				s.tab = bwCaptureState(tab, pageURL, page)
			}
			s.tab.Shot = bwScreenshot(tab)
			s.finish()
		})
	}
	capture := func() {
		s.tab = bwCaptureState(tab, pageURL, page)
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
	if !s.publish {
		bwObserveSwaps(ctx, tab, s)
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
	actx, acancel := context.WithTimeout(ctx, bwArriveWait)
	tab.WaitFor(actx, func(l browser.Log, _ browser.Recorded) bool { return arrived(l) })
	acancel()
	ectx, ecancel := context.WithTimeout(ctx, bwEffectWait)
	tab.WaitFor(ectx, func(l browser.Log, r browser.Recorded) bool {
		q := bwTriggerRequest(l, s.trigger)
		return bwSwappedNonce(r, "named", named) && bwSwappedNonce(r, "message", unnamed) &&
			bwSwappedNonce(r, "lines", lines) && q != nil && q.Headers != nil
	})
	ecancel()
}

// bwObserveSwaps waits until the target's own events have reached every
// element the page has and a few have arrived (or bwObserveWait passed).
func bwObserveSwaps(ctx context.Context, tab *browser.Tab, s *bwScenario) {
	wctx, cancel := context.WithTimeout(ctx, bwObserveWait)
	defer cancel()
	tab.WaitFor(wctx, func(l browser.Log, r browser.Recorded) bool {
		got := map[string]bool{}
		for _, e := range r.OfType("htmx:sseMessage") {
			got[e.Target] = true
		}
		for _, sw := range tab0Swaps(s) {
			if !got[sw] {
				return false
			}
		}
		// A few events more, so the differential has a window to compare.
		q := bwTriggerRequest(l, s.trigger)
		return len(l.Messages) >= 4 && (s.trigger.Event == "" || q != nil && q.Headers != nil)
	})
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
	return slices.ContainsFunc(r.OfType("htmx:sseMessage"), func(e browser.HTMXEvent) bool {
		return e.Target == id && strings.Contains(e.Data, nonce)
	})
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

// ---- the close page -----------------------------------------------------

func bwRunClose(ctx context.Context, b *browser.Browser, s *bwScenario) {
	cfg := suite.Current()
	p := cfg.Publisher()
	s.publish = p != nil
	name := bwClose
	if !s.publish {
		names, _, _, err := bwObservedNames(ctx, 1)
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
	page := browser.Page{StreamURL: cfg.URL, Close: name, Swaps: []browser.Swap{
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
			s.tab = bwCapture(tab, pageURL, page)
		}
		tab.Close()
		s.setQuiet()
	}()
	s.opened, s.openErr = bwWaitOpen(ctx, tab)
	if !s.opened {
		return
	}
	wait := bwObserveWait
	if s.publish {
		nonce := suite.Nonce() + "-close"
		s.pubs = map[string]bwPub{"close": bwPublish(ctx, p, publish.Event{Event: name, Data: nonce}, nonce)}
		wait = bwArriveWait
	}
	cctx, ccancel := context.WithTimeout(ctx, wait)
	tab.WaitFor(cctx, func(_ browser.Log, r browser.Recorded) bool { return r.Count("htmx:sseClose") > 0 })
	ccancel()
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
	until := tab.Opened().Add(s.close.ClosedAt + bwCloseWatch)
	wctx, wcancel := context.WithDeadline(ctx, until)
	tab.WaitFor(wctx, func(l browser.Log, r browser.Recorded) bool {
		return len(bwStreamRequests(l)) > len(first) || r.Sources > 1 || r.Count("eventsource:open") > 1
	})
	wcancel()
	if ctx.Err() != nil {
		s.err = ctx.Err()
		return
	}
	s.tab = bwCapture(tab, pageURL, page)
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

// ---- the reconnect ----------------------------------------------------------

// bwReconnect goes on with the swap page's tab once the swaps are judged:
// the server ends the stream (the end command, or the target on its own),
// and the browser's reconnect is recorded.
//
// swapDone completes the swap checks' result; it is called once the end
// command is out, or before anything slow when there is none.
func bwReconnect(ctx context.Context, tab *browser.Tab, pageURL string, page browser.Page, r, sw, closing *bwScenario, swapDone func()) {
	cfg := suite.Current()
	p := cfg.Publisher()
	useEnd := p != nil && cfg.Has(suite.CapEnd)
	r.publish = useEnd
	r.recon.Replay = cfg.Has(suite.CapReplay)
	r.pubs = map[string]bwPub{}
	for role, pb := range sw.pubs {
		r.pubs[role] = pb
	}
	capture := func() { r.tab = bwCapture(tab, pageURL, page) }
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
		r.recon.How = "the suite's end command ({\"event\":\"" + suite.EndEvent + "\"})"
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
		r.pubs["end"] = bwPublish(ctx, p, publish.Event{Event: suite.EndEvent}, "")
		swapDone()
		if err := r.pubs["end"].Err; err != nil {
			r.err = fmt.Errorf("publishing the end command: %w", err)
			return
		}
	}
	endWait := bwEndWait
	if !useEnd {
		endWait = selfEnd + bwEndWait
	}
	ectx, ecancel := context.WithTimeout(ctx, endWait)
	tab.WaitFor(ectx, func(l browser.Log, _ browser.Recorded) bool { return bwEnded(l, firstReq.ID) != "" })
	ecancel()
	l := tab.Log()
	r.recon.EndKind = bwEnded(l, firstReq.ID)
	if r.recon.EndKind == "" {
		capture()
		if useEnd {
			r.recon.Fail = fmt.Sprintf("the stream was still open %v after the end command (the target declares --capabilities end)", endWait)
		} else {
			r.recon.Skip008 = fmt.Sprintf("the page's stream did not end within %v (the target ended the shared observation after %v)", endWait, selfEnd.Round(time.Millisecond))
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
	for _, f := range l.Finished {
		if f.RequestID == firstReq.ID {
			r.recon.EndedAt = f.At
		}
	}
	for _, f := range l.Failures {
		if f.RequestID == firstReq.ID {
			r.recon.EndedAt = f.At
		}
	}
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
	rctx, rcancel := context.WithTimeout(ctx, max(retry, 3*time.Second)*3/2+bwSSEOpenWait)
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
	wctx, wcancel := context.WithTimeout(ctx, bwArriveWait)
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
}

// bwEnded says how DevTools saw request id end: "finished" (the server
// ended the body), "failed: ERR", or "" while it is open.
func bwEnded(l browser.Log, id string) string {
	for _, f := range l.Finished {
		if f.RequestID == id {
			return "finished"
		}
	}
	for _, f := range l.Failures {
		if f.RequestID == id {
			return "failed: " + f.ErrorText
		}
	}
	return ""
}
