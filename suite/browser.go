package suite

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
)

// browserStartTimeout bounds Chromium's start: generous, since a first start
// on a busy two-core machine is slow and a short bound only makes flaky errors.
const browserStartTimeout = 2 * time.Minute

// The run's one browser: started by the first browser check that needs it,
// shared by every tab of the run, closed at the run's end.
type runBrowser struct {
	sync.Mutex
	started  bool
	ready    chan struct{} // closed when the start finished (b or err set)
	b        *browser.Browser
	err      error
	notFound error // no Chromium: skip (auto) or error (on)
	stops    []func()
}

// NeedBrowser returns the run's browser, starting it on first use. With
// --browser off the check is skipped; when no Chromium is found it is skipped
// (auto) or ends in error (on, or an explicit --browser-path that is wrong);
// a browser that does not start is an error. The wait for the start is bounded
// by ctx only.
func NeedBrowser(ctx context.Context) *browser.Browser {
	cfg := Current(ctx)
	if cfg.Browser == "off" {
		Skipf("browser checks are off (--browser off); --browser auto runs them when Chromium is installed")
	}
	b, err := WaitBrowser(ctx)
	switch {
	case err != nil && errors.Is(err, ctx.Err()):
		Undecided("Chromium did not start before the check's deadline")
	case errors.Is(err, errNoChromium) && (cfg.Browser == "on" || cfg.BrowserPath != ""):
		Undecided("--browser %s needs Chromium: %v", cfg.Browser, err)
	case errors.Is(err, errNoChromium):
		Skipf("no Chromium found for the browser checks: install Chromium (apt-get install chromium) or pass --browser-path PATH (--browser off silences this)")
	case err != nil:
		Undecided("could not start Chromium: %v", err)
	}
	return b
}

// PrewarmBrowser starts the run's browser in the background if it is not
// started yet, and returns a channel closed once the start has finished.
// It gives no verdict: NeedBrowser does, in the check that needs it.
func PrewarmBrowser(ctx context.Context) <-chan struct{} {
	r := runOf(ctx)
	rb := &r.browser
	rb.Lock()
	defer rb.Unlock()
	if !rb.started {
		rb.started = true
		rb.ready = make(chan struct{})
		go r.startBrowser(rb.ready)
	}
	return rb.ready
}

// WaitBrowser starts the run's browser if needed and waits for it, giving
// no verdict: for work that runs outside a check (see OnRunStart).
func WaitBrowser(ctx context.Context) (*browser.Browser, error) {
	select {
	case <-PrewarmBrowser(ctx):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rb := &runOf(ctx).browser
	rb.Lock()
	defer rb.Unlock()
	switch {
	case rb.notFound != nil:
		return nil, fmt.Errorf("%w: %w", errNoChromium, rb.notFound)
	case rb.err != nil:
		return nil, rb.err
	}
	return rb.b, nil
}

// errNoChromium marks WaitBrowser's error when no Chromium was found (as
// opposed to one that did not start).
var errNoChromium = errors.New("no Chromium")

var errRunEnded = errors.New("the run has ended")

// EnvBrowserURL names the environment variable that, like Config.BrowserURL,
// points the run at an already running Chromium: the project's tests start
// one and every suite they run attaches to it.
const EnvBrowserURL = "SSESPEC_BROWSER_URL"

func (r *Run) startBrowser(ready chan struct{}) {
	cfg, rb := r.cfg, &r.browser
	defer close(ready)
	ctx, cancel := context.WithTimeout(context.Background(), browserStartTimeout)
	defer cancel()
	wsURL := cfg.BrowserURL
	if wsURL == "" && !cfg.Insecure { // a shared browser was not started to ignore certificates
		wsURL = os.Getenv(EnvBrowserURL)
	}
	if wsURL != "" {
		b, err := browser.Attach(ctx, wsURL)
		rb.Lock()
		rb.b, rb.err = b, err
		rb.Unlock()
		return
	}
	path, err := browser.Find(cfg.BrowserPath)
	if err != nil {
		rb.Lock()
		rb.notFound = err
		rb.Unlock()
		return
	}
	var opts []browser.StartOption
	if cfg.Insecure {
		opts = append(opts, browser.IgnoreCertificateErrors())
	}
	b, err := browser.Start(ctx, path, opts...)
	rb.Lock()
	rb.b, rb.err = b, err
	rb.Unlock()
}

// BrowserOpenOptions are the tab options every browser check uses: the
// run's --header values on every request the page makes, and the URL's
// user:password as Basic authorization (see BrowserStreamURL).
func BrowserOpenOptions(ctx context.Context) []browser.OpenOption {
	cfg := Current(ctx)
	h := cfg.Header.Clone()
	if u, err := url.Parse(cfg.URL); err == nil && u.User != nil && h.Get("Authorization") == "" {
		pw, _ := u.User.Password()
		if h == nil {
			h = http.Header{}
		}
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pw)))
	}
	if len(h) > 0 {
		return []browser.OpenOption{browser.WithHeader(h)}
	}
	return nil
}

// BrowserStreamURL is the stream URL a page's EventSource opens: without
// user:password, since browsers refuse subresource URLs that carry
// credentials (the EventSource would fail with no reason given); they go
// in the Authorization header instead.
func BrowserStreamURL(ctx context.Context) string {
	target := Current(ctx).URL
	u, err := url.Parse(target)
	if err != nil || u.User == nil {
		return target
	}
	u.User = nil
	return u.String()
}

// OnStopBrowser registers f to run when the run's browser stops, before it
// closes (last registered, first run): for work the browser checks share
// across specs, such as tabs several checks judge.
func OnStopBrowser(ctx context.Context, f func()) {
	rb := &runOf(ctx).browser
	rb.Lock()
	defer rb.Unlock()
	rb.stops = append(rb.stops, f)
}

// stopBrowser runs the OnStopBrowser functions and closes the browser (at
// the end of the run). It waits for a start still in progress.
func (r *Run) stopBrowser() {
	rb := &r.browser
	rb.Lock()
	stops, ready := rb.stops, rb.ready
	rb.stops = nil
	rb.Unlock()
	for i := len(stops) - 1; i >= 0; i-- {
		stops[i]()
	}
	if ready == nil {
		return
	}
	<-ready
	rb.Lock()
	b := rb.b
	rb.b, rb.err = nil, errRunEnded // a late caller (an abandoned check) gets no closed browser
	rb.Unlock()
	if b != nil {
		b.Close()
	}
}
