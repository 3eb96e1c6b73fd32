package browser

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// One browser for the whole package run: starting Chromium costs far more
// than a tab.
var shared struct {
	once      sync.Once
	b         *Browser
	err       error
	notFound  string
	start     time.Duration // Start
	firstPage time.Duration // first Open until htmx:sseOpen
	version   string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.b != nil {
		if err := shared.b.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "closing the browser:", err)
		}
	}
	os.Exit(code)
}

// testBrowser returns the shared browser, skipping the test when Chromium
// is missing, except on CI, which must run the browser checks.
// SSESPEC_BROWSER names the browser explicitly (path or command).
func testBrowser(t *testing.T) *Browser {
	t.Helper()
	shared.once.Do(startShared)
	if shared.notFound != "" {
		// An explicit SSESPEC_BROWSER that is wrong is a mistake, not a
		// machine without a browser.
		if os.Getenv("CI") != "" || os.Getenv("SSESPEC_BROWSER") != "" {
			t.Fatalf("CI must run the browser tests: %s", shared.notFound)
		}
		t.Skipf("skipping browser test: %s", shared.notFound)
	}
	if shared.err != nil {
		t.Fatalf("starting the browser: %v", shared.err)
	}
	return shared.b
}

func startShared() {
	path, err := Find(os.Getenv("SSESPEC_BROWSER"))
	if err != nil {
		shared.notFound = err.Error()
		return
	}
	t0 := time.Now()
	shared.b, shared.err = StartShareable(context.Background(), path)
	shared.start = time.Since(t0)
	if shared.err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	shared.version, _ = shared.b.Version(ctx)
	shared.firstPage, shared.err = firstPage(ctx, shared.b)
}

// firstPage times one Open up to htmx:sseOpen, on a throwaway server.
func firstPage(ctx context.Context, b *Browser) (time.Duration, error) {
	srv := startSSEServer(func(w *eventWriter, r *http.Request, n int) { w.hold() })
	defer srv.stop()
	t0 := time.Now()
	tab, err := b.Open(ctx, srv.URL+"/__ssespec/page-"+nonce(), Page{StreamURL: srv.URL + "/stream"}.HTML())
	if err != nil {
		return 0, err
	}
	defer tab.Close()
	err = tab.WaitFor(ctx, func(_ Log, r Recorded) bool { return r.Count("htmx:sseOpen") > 0 })
	return time.Since(t0), err
}

func TestTiming(t *testing.T) {
	testBrowser(t)
	t.Logf("browser %s: start %v, first page until htmx:sseOpen %v", shared.version, shared.start, shared.firstPage)
}

func nonce() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// openPage opens p on srv's origin and closes the tab when the test ends.
func openPage(t *testing.T, b *Browser, srv *sseServer, p Page) *Tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tab, err := b.Open(ctx, srv.URL+"/__ssespec/page-"+nonce(), p.HTML())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tab.Close() })
	return tab
}

// waitFor fails the test with what the tab saw if cond does not hold in time.
func waitFor(t *testing.T, tab *Tab, timeout time.Duration, what string, cond func(Log, Recorded) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := tab.WaitFor(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v\n%s", what, err, dump(tab))
	}
}

func dump(tab *Tab) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var b strings.Builder
	l := tab.Log()
	for _, r := range l.Requests {
		fmt.Fprintf(&b, "request %s %s %s %s %v\n", r.At, r.ID, r.Type, r.URL, r.Headers)
	}
	for _, m := range l.Messages {
		fmt.Fprintf(&b, "message %s %s %q id=%q %q (%d bytes)\n", m.At, m.RequestID, m.EventName, m.EventID, m.Data[:min(len(m.Data), 200)], len(m.Data))
	}
	for _, f := range l.Finished {
		fmt.Fprintf(&b, "finished %s %s\n", f.At, f.RequestID)
	}
	for _, f := range l.Failures {
		fmt.Fprintf(&b, "failed %s %s %q canceled=%v\n", f.At, f.RequestID, f.ErrorText, f.Canceled)
	}
	for _, c := range l.Console {
		fmt.Fprintf(&b, "console %s\n", c)
	}
	rec, err := tab.Recorded(ctx)
	if err != nil {
		fmt.Fprintf(&b, "recorder: %v\n", err)
	}
	for _, e := range rec.Events {
		fmt.Fprintf(&b, "htmx %s %s type=%q data=%q id=%q target=%q rs=%d\n", e.At, e.Type, e.DetailType, e.Data, e.LastEventID, e.Target, e.ReadyState)
	}
	fmt.Fprintf(&b, "readyState=%d sources=%d\n", rec.ReadyState, rec.Sources)
	return b.String()
}
