package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// pollInterval is how often WaitFor re-checks; short, because checks measure
// reconnect delays and must not add much to them.
const pollInterval = 20 * time.Millisecond

// Tab is one page of the Browser, with the DevTools events collected since
// Open.
type Tab struct {
	ctx       context.Context // chromedp tab context; lives until Close
	cancel    context.CancelFunc
	col       *collector
	closeOnce sync.Once
	closeErr  error

	lastMu  sync.Mutex
	last    Recorded // the newest recorder state read, for LastRecorded
	lastAt  time.Duration
	hasLast bool
	epoch   string      // the page recorder whose events are kept
	events  []HTMXEvent // its events read so far (only ever appended)
}

// Open opens a new tab and navigates it to pageURL, answering that one
// navigation with html through the DevTools Fetch domain: the page gets
// pageURL's origin while nothing is served there. Use a URL on the target's
// origin (e.g. http://127.0.0.1:PORT/__ssespec/page-<nonce>) so the page's
// EventSource and hx-get requests reach the target directly, same-origin.
// pageURL must differ from every URL the page requests. ctx bounds the open
// only; the tab lives until Close.
func (b *Browser) Open(ctx context.Context, pageURL string, html []byte, options ...OpenOption) (*Tab, error) {
	var oc openConfig
	for _, o := range options {
		o(&oc)
	}
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("browser: open: page URL %q is not an absolute http(s) URL", pageURL)
	}
	if u.Path == "" {
		u.Path = "/" // as the browser will request it, so the pattern matches
	}
	u.Fragment = ""
	pageURL = u.String()

	col := &collector{opened: time.Now()}
	// WithListener subscribes before the tab reads its first message, so no
	// event of the navigation can be missed.
	tctx, tcancel := chromedp.NewContext(b.ctx, chromedp.WithListener(col.onEvent))
	t := &Tab{ctx: tctx, cancel: tcancel, col: col}

	// chromedp ties the tab's read loop to the context of its first Run, so
	// that Run gets tctx itself; ctx ending during the open closes the tab.
	stop := context.AfterFunc(ctx, tcancel)
	err = t.navigate(tctx, pageURL, html, oc)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		t.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("browser: open %s: %w (%w)", pageURL, ctx.Err(), err)
		}
		return nil, fmt.Errorf("browser: open %s: %w", pageURL, err)
	}
	return t, nil
}

// OpenOption adjusts how Open sets up the tab.
type OpenOption func(*openConfig)

type openConfig struct {
	header http.Header
}

// WithHeader makes every request of the tab (the EventSource's included)
// carry h, e.g. the suite's --header authorization or cookie.
func WithHeader(h http.Header) OpenOption {
	return func(c *openConfig) { c.header = h }
}

func (t *Tab) navigate(tctx context.Context, pageURL string, html []byte, oc openConfig) error {
	if err := chromedp.Do(tctx); err != nil { // creates and attaches the tab
		return err
	}
	if len(oc.header) > 0 {
		h := network.Headers{}
		for k, vs := range oc.header {
			h[k] = strings.Join(vs, ", ")
		}
		if _, err := chromedp.Call(tctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h}); err != nil {
			return fmt.Errorf("network.setExtraHTTPHeaders: %w", err)
		}
	}
	pctx, pcancel := context.WithCancel(tctx)
	defer pcancel()
	paused := chromedp.Events(pctx, fetch.RequestPaused) // subscribe before enabling
	var (
		mu          sync.Mutex
		intercepted bool
		fulfillErr  error
	)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return // pctx ended
			}
			mu.Lock()
			intercepted = true
			mu.Unlock()
			_, err := chromedp.Call(pctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
				RequestID:    ev.RequestID,
				ResponseCode: 200,
				ResponseHeaders: []*fetch.HeaderEntry{
					{Name: "Content-Type", Value: "text/html; charset=utf-8"},
					{Name: "Cache-Control", Value: "no-store"},
				},
				Body: html,
			})
			if err != nil {
				mu.Lock()
				fulfillErr = err
				mu.Unlock()
			}
		}
	}()
	_, err := chromedp.Call(tctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{
		URLPattern:   fetchPattern(pageURL),
		ResourceType: network.ResourceTypeDocument,
		RequestStage: fetch.RequestStageRequest,
	}}})
	if err != nil {
		return fmt.Errorf("fetch.enable: %w", err)
	}
	navErr := chromedp.Do(tctx, chromedp.Navigate(pageURL))
	// Interception is for the page only: turn it off so nothing stands
	// between the page and the target afterwards (e.g. a reload).
	_, disErr := chromedp.Call(tctx, fetch.Disable, struct{}{})
	mu.Lock()
	ok, ferr := intercepted, fulfillErr
	mu.Unlock()
	if ferr != nil {
		return fmt.Errorf("fulfilling the page: %w (navigation: %w)", ferr, navErr)
	}
	if !ok && navErr == nil {
		// The browser loaded something else: the real pageURL.
		return errors.New("the navigation was not intercepted")
	}
	if navErr != nil {
		return navErr
	}
	if disErr != nil {
		return fmt.Errorf("fetch.disable: %w", disErr)
	}
	return nil
}

// fetchPattern escapes the Fetch domain's wildcards so the pattern matches
// exactly one URL.
func fetchPattern(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`).Replace(s)
}

// Close closes the tab; its EventSources are closed with it. Safe to call
// more than once.
func (t *Tab) Close() error {
	t.closeOnce.Do(func() {
		t.closeErr = chromedp.Cancel(t.ctx)
		t.cancel()
	})
	return t.closeErr
}

// Opened is when Open began: the zero of the tab's time line (the At fields
// of Log and Recorded).
func (t *Tab) Opened() time.Time { return t.col.opened }

// Log returns a snapshot of the DevTools events collected so far.
func (t *Tab) Log() Log { return t.col.snapshot() }

// Recorded reads the page recorder's state (window.__ssespec).
func (t *Tab) Recorded(ctx context.Context) (Recorded, error) {
	// Only the events not read yet cross DevTools: a page's history can
	// be thousands of events, and WaitFor reads it every pollInterval.
	t.lastMu.Lock()
	from, epoch := len(t.events), t.epoch
	t.lastMu.Unlock()
	js := fmt.Sprintf(`window.__ssespec && typeof window.__ssespec.snapshot === "function" ? window.__ssespec.snapshot(%d, %s) : null`, from, jsString(epoch))
	var raw *recordedJSON
	err := within(ctx, t.ctx, func(rctx context.Context) error {
		var err error
		raw, err = chromedp.Run(rctx, chromedp.Evaluate[*recordedJSON](js))
		return err
	})
	if err != nil {
		return Recorded{}, fmt.Errorf("browser: reading the recorder: %w", err)
	}
	if raw == nil {
		return Recorded{}, errors.New("browser: the page has no recorder (was it made by Page.HTML?)")
	}
	rec := raw.convert(t.col.opened)
	t.lastMu.Lock()
	defer t.lastMu.Unlock()
	if raw.Epoch != t.epoch { // a new recorder: the page was loaded again
		t.epoch, t.events = raw.Epoch, nil
	}
	// Reads may overlap: keep what this one adds past the events kept.
	if n := len(t.events); raw.From <= n && raw.From+len(rec.Events) > n {
		t.events = append(t.events, rec.Events[n-raw.From:]...)
	}
	rec.Events = t.events[:len(t.events):len(t.events)] // later appends never show through
	t.last, t.lastAt, t.hasLast = rec, time.Since(t.col.opened), true
	return rec, nil
}

// LastRecorded is the newest recorder state any read returned and when it
// was read (on the tab's time line): the state to judge when a page too
// busy (e.g. laying out huge swaps) cannot answer a final read in time.
func (t *Tab) LastRecorded() (Recorded, time.Duration, bool) {
	t.lastMu.Lock()
	defer t.lastMu.Unlock()
	return t.last, t.lastAt, t.hasLast
}

// Text returns an element's textContent.
func (t *Tab) Text(ctx context.Context, elementID string) (string, error) {
	return t.element(ctx, elementID, "textContent")
}

// InnerHTML returns an element's innerHTML.
func (t *Tab) InnerHTML(ctx context.Context, elementID string) (string, error) {
	return t.element(ctx, elementID, "innerHTML")
}

func (t *Tab) element(ctx context.Context, id, prop string) (string, error) {
	type found struct {
		Found bool   `json:"found"`
		Value string `json:"value"`
	}
	// The id goes in as a JSON string literal, so any id is safe.
	js := fmt.Sprintf(`(function(e){return e ? {found: true, value: e.%s} : {found: false, value: ""}})(document.getElementById(%s))`,
		prop, jsString(id))
	var res found
	err := within(ctx, t.ctx, func(rctx context.Context) error {
		var err error
		res, err = chromedp.Run(rctx, chromedp.Evaluate[found](js))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("browser: reading #%s: %w", id, err)
	}
	if !res.Found {
		return "", fmt.Errorf("browser: no element with id %q", id)
	}
	return res.Value, nil
}

// Screenshot returns a PNG of the tab's viewport.
func (t *Tab) Screenshot(ctx context.Context) ([]byte, error) {
	var png []byte
	err := within(ctx, t.ctx, func(rctx context.Context) error {
		var err error
		png, err = chromedp.Run(rctx, chromedp.CaptureScreenshot())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("browser: screenshot: %w", err)
	}
	return png, nil
}

// WaitFor polls the Log and the recorder every pollInterval until cond holds
// or ctx ends. On timeout the error includes the last recorder error, if any.
func (t *Tab) WaitFor(ctx context.Context, cond func(Log, Recorded) bool) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var lastErr error
	for {
		rec, err := t.Recorded(ctx)
		if err == nil {
			if cond(t.Log(), rec) {
				return nil
			}
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return fmt.Errorf("browser: wait: %w (last error: %w)", ctx.Err(), lastErr)
			}
			return fmt.Errorf("browser: wait: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// WaitRunning is WaitFor until cond holds, ctx ends, or the page has had
// wait of its own running time: time the page's ticker shows its thread
// held up (a busy machine, or the page laying out huge swaps) does not
// count. It returns how long it waited and how much of that the page was
// held up.
func (t *Tab) WaitRunning(ctx context.Context, wait time.Duration, cond func(Log, Recorded) bool) (waited, stalled time.Duration) {
	from := time.Since(t.col.opened)
	t.WaitFor(ctx, func(l Log, r Recorded) bool {
		if cond(l, r) {
			return true
		}
		now := time.Since(t.col.opened)
		stalled = r.StalledDuring(from, now)
		return now-from >= wait+stalled
	})
	return time.Since(t.col.opened) - from, stalled
}
