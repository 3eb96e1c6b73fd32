package browser

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSwapsAndMessages(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) {
		w.send("data: unnamed-1\n\n")
		w.send("event: a\nid: 7\ndata: A-data\n\n")
		w.send("event: ml\ndata: line1\ndata: line2\ndata:\ndata: line4\n\n")
		w.send("event: nobody-listens\ndata: dropped\n\n")
		w.hold()
	})
	tab := openPage(t, b, srv, Page{
		StreamURL: srv.URL + "/stream",
		Swaps: []Swap{
			{ID: "msg", Names: "message"},
			{ID: "a", Names: "a"},
			{ID: "ab", Names: "b, a", HXSwap: "textContent"},
			{ID: "other", Names: "other"},
			{ID: "ml", Names: "ml", HXSwap: "textContent"},
		},
	})
	waitFor(t, tab, 10*time.Second, "4 messages and 4 swaps", func(l Log, r Recorded) bool {
		return len(l.Messages) == 4 && r.Count("htmx:sseMessage") == 4
	})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := tab.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Count("htmx:sseOpen") != 1 || rec.ReadyState != ReadyOpen || rec.Sources != 1 {
		t.Errorf("want one open EventSource, got %d sseOpen, readyState %d, %d sources", rec.Count("htmx:sseOpen"), rec.ReadyState, rec.Sources)
	}
	for id, want := range map[string]string{
		"msg":   "unnamed-1", // unnamed events reach sse-swap="message" only
		"a":     "A-data",
		"ab":    "A-data", // "b, a" is split on commas and trimmed
		"other": "",
		"ml":    "line1\nline2\n\nline4", // textContent keeps the newlines
	} {
		got, err := tab.Text(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	if _, err := tab.Text(ctx, "missing"); err == nil {
		t.Error("Text of a missing element: no error")
	}

	// The browser's own parse, from DevTools: lastEventId persists.
	want := []Message{
		{EventName: "message", EventID: "", Data: "unnamed-1"},
		{EventName: "a", EventID: "7", Data: "A-data"},
		{EventName: "ml", EventID: "7", Data: "line1\nline2\n\nline4"},
		{EventName: "nobody-listens", EventID: "7", Data: "dropped"},
	}
	l := tab.Log()
	es := l.OfType(TypeEventSource)
	if len(es) != 1 || es[0].URL != srv.URL+"/stream" {
		t.Fatalf("EventSource requests: %+v", es)
	}
	if acc, _ := es[0].Header("Accept"); acc != "text/event-stream" {
		t.Errorf("Accept = %q", acc)
	}
	for i, m := range l.Messages {
		w := want[i]
		if m.EventName != w.EventName || m.EventID != w.EventID || m.Data != w.Data || m.RequestID != es[0].ID {
			t.Errorf("message %d = %+v, want %+v", i, m, w)
		}
	}
	for _, e := range rec.OfType("htmx:sseMessage") {
		if e.Target == "a" && (e.DetailType != "a" || e.Data != "A-data" || e.LastEventID != "7") {
			t.Errorf("sseMessage on #a = %+v", e)
		}
	}
	// DevTools and page times share one time line: the page handles a
	// message shortly after the network layer parsed it.
	first := rec.OfType("htmx:sseMessage")[0].At
	if d := first - l.Messages[0].At; d < -5*time.Millisecond || d > 500*time.Millisecond || es[0].At <= 0 || es[0].At > l.Messages[0].At {
		t.Errorf("time lines disagree: request %v, DevTools message %v, htmx message %v", es[0].At, l.Messages[0].At, first)
	}
	t.Logf("request %v, DevTools message %v, htmx message %v", es[0].At, l.Messages[0].At, first)
	if srv.sawPrefix("/__ssespec/") {
		t.Error("the page request reached the server: the navigation was not intercepted")
	}
	if got := srv.requests(""); len(got) != 1 {
		t.Errorf("the server saw %d requests, want only the stream: %+v", len(got), got)
	}

	png, err := tab.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot is not a PNG: % x", png[:min(8, len(png))])
	}
	path := os.Getenv("SSESPEC_SCREENSHOT") // to look at it
	if path == "" {
		path = filepath.Join(t.TempDir(), "page.png")
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSSEClose(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	clientLeft := make(chan time.Time, 1)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) {
		if n > 0 {
			return // a reconnect: the test fails on the request count
		}
		w.send("event: a\ndata: before\n\n")
		w.send("event: bye\ndata: bye-data\n\n")
		if w.hold() {
			clientLeft <- time.Now()
		}
	})
	tab := openPage(t, b, srv, Page{
		StreamURL: srv.URL + "/stream",
		Close:     "bye",
		Swaps:     []Swap{{ID: "a", Names: "a"}, {ID: "bye", Names: "bye"}},
	})
	waitFor(t, tab, 10*time.Second, "sse-close", func(l Log, r Recorded) bool {
		return r.Count("htmx:sseClose") == 1 && r.ReadyState == ReadyClosed
	})
	closed := tab.Log().OfType(TypeEventSource)[0].ID
	waitFor(t, tab, 5*time.Second, "loadingFailed canceled", func(l Log, r Recorded) bool {
		return slices.ContainsFunc(l.Failures, func(f Failure) bool { return f.RequestID == closed && f.Canceled })
	})
	select {
	case <-clientLeft:
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not see the request context end")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := tab.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.OfType("htmx:sseClose")[0]; c.DetailType != "message" {
		t.Errorf("sseClose detail.type = %q, want message", c.DetailType)
	}
	if got, _ := tab.Text(ctx, "bye"); got != "bye-data" {
		t.Errorf("#bye = %q: an sse-swap on the close event still swaps it", got)
	}

	// Nothing may reconnect: observe for 2 s (expected to time out).
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer wcancel()
	err = tab.WaitFor(wctx, func(l Log, r Recorded) bool {
		return len(l.OfType(TypeEventSource)) > 1 || r.Sources > 1 || len(srv.requests("/stream")) > 1
	})
	if err == nil {
		t.Fatalf("reconnected after sse-close\n%s", dump(tab))
	}
}

func TestTriggerGet(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) {
		w.send("event: x\ndata: go\n\n")
		w.hold()
	})
	tab := openPage(t, b, srv, Page{
		StreamURL: srv.URL + "/stream",
		Triggers:  []Trigger{{ID: "t", Event: "x", GetURL: "/got"}},
	})
	waitFor(t, tab, 10*time.Second, "the hx-get", func(l Log, r Recorded) bool {
		return slices.ContainsFunc(l.Requests, func(q Request) bool {
			return strings.HasSuffix(q.URL, "/got") && q.Headers != nil
		}) && len(srv.requests("/got")) == 1
	})
	q := srv.requests("/got")[0]
	if q.Header.Get("HX-Request") != "true" || q.Header.Get("HX-Trigger") != "t" {
		t.Errorf("hx-get headers: %v", q.Header)
	}
	for _, r := range tab.Log().Requests {
		if strings.HasSuffix(r.URL, "/got") {
			if v, _ := r.Header("HX-Trigger"); v != "t" || (r.Type != TypeXHR && r.Type != TypeFetch) {
				t.Errorf("DevTools request: %+v", r)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tab.WaitFor(ctx, func(Log, Recorded) bool {
		s, _ := tab.Text(ctx, "t")
		return s == "got t"
	}); err != nil {
		t.Fatalf("the GET's response was not swapped: %v", err)
	}
}

func TestReconnectLastEventIDAndRetry(t *testing.T) {
	t.Parallel()
	const retry = time.Second
	b := testBrowser(t)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) {
		switch n {
		case 0: // a 200 stream that ends: the browser must reconnect after retry
			w.send("retry: 1000\n\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n")
		case 1:
			if r.Header.Get("Last-Event-ID") == "2" {
				w.send("id: 3\ndata: three\n\n")
			}
			w.hold()
		}
	})
	tab := openPage(t, b, srv, Page{StreamURL: srv.URL + "/stream", Swaps: []Swap{{ID: "msg", Names: "message"}}})
	// The reconnect's headers come in their own DevTools event
	// (requestWillBeSentExtraInfo), which may follow its messages.
	waitFor(t, tab, 15*time.Second, "the resumed event", func(l Log, r Recorded) bool {
		es := l.OfType(TypeEventSource)
		return len(l.Messages) == 3 && r.Count("htmx:sseMessage") == 3 && len(es) == 2 && es[1].Headers != nil
	})

	reqs := srv.requests("/stream")
	if len(reqs) != 2 {
		t.Fatalf("%d stream requests, want 2", len(reqs))
	}
	if got := reqs[1].Header.Get("Last-Event-ID"); got != "2" {
		t.Errorf("server saw Last-Event-ID %q, want 2", got)
	}
	serverGap := reqs[1].At.Sub(reqs[0].Ended)

	l := tab.Log()
	es := l.OfType(TypeEventSource)
	if len(es) != 2 {
		t.Fatalf("%d EventSource requests in DevTools, want 2\n%s", len(es), dump(tab))
	}
	if _, ok := es[0].Header("Last-Event-ID"); ok {
		t.Error("first request already had Last-Event-ID")
	}
	if got, _ := es[1].Header("Last-Event-ID"); got != "2" {
		t.Errorf("DevTools: reconnect Last-Event-ID %q, want 2 (headers %v)", got, es[1].Headers)
	}
	var ended time.Duration
	for _, f := range l.Finished {
		if f.RequestID == es[0].ID {
			ended = f.At
		}
	}
	browserGap := es[1].At - ended

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := tab.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// DevTools times the wait where the browser runs it: retry ±25%, plus
	// any time the page's ticker shows its thread held up (as
	// SSE-BROWSER-009 judges). The server's view adds both ends' network
	// and scheduling, which a busy machine (this runs under -race, beside
	// other tests) stretches by a tenth of a second or more: it is held to
	// a looser bound, still far below the 3 s browsers wait when a retry:
	// is ignored.
	lo, hi := retry*3/4, retry*5/4
	stalled := rec.StalledDuring(ended, es[1].At)
	if ended == 0 {
		t.Errorf("no loadingFinished for the ended stream\n%s", dump(tab))
	} else if browserGap < lo || browserGap > hi+stalled {
		t.Errorf("DevTools: reconnect after %v (page held up %v of it), want retry %v ±25%%", browserGap, stalled, retry)
	}
	if serverGap < lo || serverGap > 2*retry {
		t.Errorf("server: reconnect after %v, want retry %v (−25%%, +100%%)", serverGap, retry)
	}
	t.Logf("retry %v: reconnect after %v (server), %v (DevTools, page held up %v)", retry, serverGap, browserGap, stalled)

	if got, _ := tab.Text(ctx, "msg"); got != "three" {
		t.Errorf("#msg = %q, want three", got)
	}
	// The browser's native reconnect, not htmx's own (which sends no
	// Last-Event-ID): one EventSource, an error while CONNECTING, open again.
	if rec.Sources != 1 || rec.Count("eventsource:open") != 2 {
		t.Errorf("sources %d, native opens %d; want 1 and 2\n%s", rec.Sources, rec.Count("eventsource:open"), dump(tab))
	}
	for _, e := range rec.OfType("eventsource:error") {
		if e.ReadyState != ReadyConnecting {
			t.Errorf("error with readyState %d, want CONNECTING", e.ReadyState)
		}
	}
}
