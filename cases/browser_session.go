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
// Each page's code is in its own file (browser_swap.go, browser_close.go,
// browser_reconnect.go); this file holds what they share.
//
// The first browser check starts every page the run's label filter selects;
// each check then judges its page's result and gives its own verdict. Each
// page closes its tab when done; the run's end cancels what is left.

// Event names the suite publishes (mixed case on purpose: names are
// case-sensitive, and a target that changes case breaks sse-swap).
const (
	bwNamed   = "ssespecNamed"
	bwLines   = "ssespecLines"
	bwTrigger = "ssespecTrigger"
	bwClose   = "ssespecClose"
)

// The browser's waits, before --time-scale (bwScaled): how long the
// harness gives Chromium and the page, never what the target must meet.
const (
	bwOpenTimeout   = 20 * time.Second // open a tab with the page (the first one waits for Chromium)
	bwSSEOpenWait   = 10 * time.Second // the page's EventSource opens
	bwArriveWait    = 5 * time.Second  // published events reach the browser
	bwEffectWait    = 1500 * time.Millisecond
	bwObserveWait   = 5 * time.Second // observe mode: wait for the target's own events
	bwNamesSettle   = 1 * time.Second // observe mode: more names after the first
	bwCloseWatch    = 2 * time.Second // no reconnect after sse-close, for this long
	bwEndWait       = 5 * time.Second // the stream ends after the end command
	bwCaptureBudget = 10 * time.Second
)

// bwScaled is a browser wait lengthened by --time-scale for slow machines.
func bwScaled(ctx context.Context, d time.Duration) time.Duration { return suite.Current(ctx).Scale(d) }

// bwTab is what one page showed, captured when its scenario finished.
type bwTab struct {
	PageURL string
	Page    browser.Page
	Opened  time.Time // zero of the Log's and Recorded's time line
	Log     browser.Log
	Rec     browser.Recorded
	RecErr  error
	RecAt   time.Duration // when Rec was read, if not at Taken (observe mode: the final read failed, an earlier one is judged)
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
	watched time.Duration     // observe mode: how long the page watched for the target's events (bwWatch)
	stalled time.Duration     // how much of that the page was held up
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
	Again     []bwCycle         // later end → reconnect cycles, measured while the page was held up (bwRetryAgain)
	Before    []browser.Message // messages on the ended request
	Replay    bool              // the target declares replay (CapReplay)
}

// bwPlanState is a run's browser pages: started once, by the run-start work
// or the first browser check, judged by several checks.
type bwPlanState struct {
	sync.Mutex
	started bool
	wg      sync.WaitGroup
	byName  map[string]*bwScenario
}

type bwPlanKey struct{}

func bwPlan(ctx context.Context) *bwPlanState {
	return suite.RunState(ctx, bwPlanKey{}, func() *bwPlanState { return &bwPlanState{} })
}

// bwScenarioFor returns the named result once it is complete, starting the
// run's browser pages first if this is the first browser check.
func bwScenarioFor(ctx context.Context, name string) *bwScenario {
	b := suite.NeedBrowser(ctx)
	// A target that sent the shared stream nothing at all gives a page
	// nothing either: SSE-HTTP-001 and SSE-HTTP-010 say why, once.
	if _, err := suite.ObservationConn(ctx); errors.Is(err, stream.ErrNoHeaders) {
		suite.Skipf("%s", suite.NoHeadersSkip)
	}
	plan := bwPlan(ctx)
	plan.Lock()
	if !plan.started {
		plan.started = true
		bwStart(ctx, plan, b, suite.RunFilter(ctx))
	}
	s := plan.byName[name]
	plan.Unlock()
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
	cfg := suite.Current(ctx)
	if cfg.Browser == "off" || len(bwWanted(labelFilter)) == 0 {
		return
	}
	suite.PrewarmBrowser(ctx) // Chromium starts while the target's first events arrive
	if cfg.CanPublish() {
		return // the pages wait for their checks
	}
	if _, err := bwObservedNames(ctx, bwNamesMax); err != nil {
		return // the checks give the verdict
	}
	b, err := suite.WaitBrowser(ctx)
	if err != nil {
		return // the checks give the verdict (skip or error)
	}
	plan := bwPlan(ctx)
	plan.Lock()
	defer plan.Unlock()
	if ctx.Err() == nil && !plan.started {
		plan.started = true
		bwStart(ctx, plan, b, labelFilter)
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

// bwStart starts the wanted pages in the background (plan locked): the
// swap page, which then goes on to the reconnect (its stream is no longer
// needed once the swaps are judged), and the close page. Two tabs, not
// three: tabs opened at once slow each other down on a small machine.
// They belong to the run, not to the check or work that starts them: ctx
// only says which run.
func bwStart(ctx context.Context, plan *bwPlanState, b *browser.Browser, labelFilter string) {
	ctx, cancel := context.WithCancel(suite.RunContext(ctx))
	want := bwWanted(labelFilter)
	plan.byName = map[string]*bwScenario{}
	var swap, recon, closing *bwScenario
	if want["swap"] || want["reconnect"] {
		swap = newBWScenario("swap")
		plan.byName["swap"] = swap
	}
	if want["reconnect"] {
		recon = newBWScenario("reconnect")
		plan.byName["reconnect"] = recon
	}
	if want["close"] {
		closing = newBWScenario("close")
		plan.byName["close"] = closing
	}
	run := func(f func()) {
		plan.wg.Add(1)
		go func() {
			defer plan.wg.Done()
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
	suite.OnStopBrowser(ctx, func() {
		cancel()
		plan.wg.Wait()
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
	octx, cancel := context.WithTimeout(ctx, bwScaled(ctx, bwOpenTimeout))
	defer cancel()
	tab, err := b.Open(octx, pageURL, page.HTML(), suite.BrowserOpenOptions(ctx)...)
	return tab, pageURL, err
}

// bwWaitOpen waits for htmx:sseOpen; it gives up early once the
// EventSource has failed for good (CLOSED after an error) twice, which is
// htmx retrying a refused stream.
func bwWaitOpen(ctx context.Context, tab *browser.Tab) (bool, string) {
	wctx, cancel := context.WithTimeout(ctx, bwScaled(ctx, bwSSEOpenWait))
	defer cancel()
	defer suite.NudgeWhile(wctx)() // publish mode: a target that holds its headers until an event
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
		return false, fmt.Sprintf("no htmx:sseOpen within %v (EventSource readyState %s)", bwScaled(ctx, bwSSEOpenWait), bwReadyName(rec.ReadyState))
	}
	return false, fmt.Sprintf("the EventSource failed (htmx:sseError with readyState CLOSED) %d times and never opened", failed)
}

// bwCapture takes the page's final state and a screenshot.
func bwCapture(ctx context.Context, tab *browser.Tab, pageURL string, page browser.Page) *bwTab {
	t := bwCaptureState(ctx, tab, pageURL, page)
	t.Shot = bwScreenshot(ctx, tab)
	return t
}

// bwCaptureState takes the page's state without the (slower) screenshot.
func bwCaptureState(ctx context.Context, tab *browser.Tab, pageURL string, page browser.Page) *bwTab {
	ctx, cancel := context.WithTimeout(context.Background(), bwScaled(ctx, bwCaptureBudget))
	defer cancel()
	t := &bwTab{PageURL: pageURL, Page: page, Opened: tab.Opened()}
	t.Rec, t.RecErr = tab.Recorded(ctx)
	t.Log = tab.Log()
	t.Taken = time.Now()
	return t
}

func bwScreenshot(ctx context.Context, tab *browser.Tab) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), bwScaled(ctx, bwCaptureBudget))
	defer cancel()
	png, _ := tab.Screenshot(ctx)
	return png
}

// bwHarness opens the harness's own stream to the target, recorded over the
// same window as a page (bounded by ctx and the run's limits).
func bwHarness(ctx context.Context) (*stream.Conn, error) {
	cfg := suite.Current(ctx)
	return stream.Open(ctx, stream.Request{URL: cfg.URL, Header: cfg.RequestHeader(suite.BrowserLikeHeader())}, cfg.StreamOptions())
}

func bwPublish(ctx context.Context, p publish.Publisher, ev publish.Event, nonce string) bwPub {
	at := time.Now()
	return bwPub{Ev: ev, Nonce: nonce, At: at, Err: p.Publish(ctx, ev)}
}

// bwNamesMax is how many of the target's event names a page listens for.
const bwNamesMax = 3

// bwNamesState caches what bwObservedNames learnt, for the run: the pages
// and the run-start work ask for it at once, and it costs a wait.
type bwNamesState struct {
	sync.Mutex
	known bool
	names []string
}

type bwNamesKey struct{}

// bwObservedNames are the named event types the shared observation saw, in
// order of first arrival, at most max (≤ bwNamesMax). It does not wait for
// the whole window: once a first name has arrived it waits bwNamesSettle
// for more (or until bwNamesMax are known), so pages started with the run
// overlap the window.
func bwObservedNames(ctx context.Context, max int) ([]string, error) {
	bwNames := suite.RunState(ctx, bwNamesKey{}, func() *bwNamesState { return &bwNamesState{} })
	bwNames.Lock()
	defer bwNames.Unlock()
	if !bwNames.known {
		names, err := bwLearnNames(ctx)
		if err != nil {
			return nil, err
		}
		bwNames.known, bwNames.names = true, names
	}
	return bwNames.names[:min(max, len(bwNames.names))], nil
}

func bwLearnNames(ctx context.Context) ([]string, error) {
	conn, err := suite.ObservationConn(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := 0 // events already looked at: each wake-up reads only new ones
	collect := func(rec *stream.Recording) {
		for _, ev := range rec.Parse.Events[seen:] {
			if ev.Type != "message" && len(names) < bwNamesMax && bwSafeName(ev.Type) && !slices.Contains(names, ev.Type) {
				names = append(names, ev.Type)
			}
		}
		seen = len(rec.Parse.Events)
	}
	conn.WaitUntil(ctx, func(rec *stream.Recording) bool { collect(rec); return len(names) > 0 })
	sctx, cancel := context.WithTimeout(ctx, bwScaled(ctx, bwNamesSettle))
	conn.WaitUntil(sctx, func(rec *stream.Recording) bool { collect(rec); return len(names) >= bwNamesMax })
	cancel()
	conn.View(collect)
	return names, ctx.Err()
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
