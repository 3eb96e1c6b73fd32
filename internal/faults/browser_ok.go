package faults

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Correct but unusual targets for the browser checks in observe mode (no
// publish hook): each must pass SSE-BROWSER-002 (and 003/004/005 for the
// large events) although the browser's stream and the harness's differ in
// ways a correct server may make them differ.

// Clock is a stream whose events follow the wall clock: event n is due at
// n×Interval since the Unix epoch, so every connection gets the same n at
// the same moment (a broadcast) without shared state. Frame writes event n
// for one connection; values in it may differ per connection.
type Clock struct {
	Interval time.Duration                      // default 100ms
	Frame    func(c *ClockConn, n int64) string // required
}

// ClockConn is one connection of a Clock.
type ClockConn struct {
	ID     string // unique per connection
	K      int    // events written on this connection so far, from 1 at the first
	Chrome bool   // the request's User-Agent has Chrome in it (for faults)
}

var clockConns atomic.Int64

func (c Clock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || strings.HasPrefix(r.URL.Path, "/__ssespec/") {
		http.NotFound(w, r) // e.g. the browser page's hx-get
		return
	}
	for k, v := range defaultHeader {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if _, err := fmt.Fprint(w, ": ok\nretry: 3000\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	iv := or(c.Interval, 100*time.Millisecond)
	conn := &ClockConn{ID: fmt.Sprintf("c%d", clockConns.Add(1)), Chrome: strings.Contains(r.UserAgent(), "Chrome")}
	for {
		next := time.Now().Truncate(iv).Add(iv)
		t := time.NewTimer(time.Until(next))
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
		conn.K++
		if _, err := fmt.Fprint(w, c.Frame(conn, next.UnixNano()/int64(iv))); err != nil || rc.Flush() != nil {
			return
		}
	}
}

// Per-connection timestamps: the same broadcast ids, but each connection
// formats the event's time itself, so the data differs in its digits.
var _ = register("browser-ok-timestamps", Clock{Frame: func(c *ClockConn, n int64) string {
	return fmt.Sprintf("id: %d\nevent: clock\ndata: {\"n\":%d,\"at\":%q}\n\n", n, n, time.Now().Format(time.RFC3339Nano))
}})

// Per-connection ids restarting at 1 and a connection id in the data (a
// server that numbers each subscriber's events itself).
var _ = register("browser-ok-conn-ids", Clock{Frame: func(c *ClockConn, n int64) string {
	if n%2 == 0 {
		return fmt.Sprintf("id: %d\nevent: tick\ndata: %s tick %d\n\n", c.K, c.ID, c.K)
	}
	return fmt.Sprintf("id: %d\ndata: %s message %d\ndata: second line\n\n", c.K, c.ID, c.K)
}})

// Per-connection tickers: each connection's events start a period after it
// connected, with ids from 1 (the Stream default), so the two streams'
// events are out of phase.
var _ = register("browser-ok-own-ticker", Stream{})

// Only some events carry an id: the others carry the last one over, and a
// stream that opened between two ids carries none at first.
var _ = register("browser-ok-some-ids", Clock{Frame: func(c *ClockConn, n int64) string {
	if n%5 == 0 {
		return fmt.Sprintf("id: %d\ndata: tick %d\n\n", n, n)
	}
	return fmt.Sprintf("event: tock\ndata: tock %d\n\n", n)
}})

// A fast ticker: an event every 50 ms, so events are in flight at both ends
// of any window.
var _ = register("browser-ok-fast", Clock{Interval: 50 * time.Millisecond, Frame: func(c *ClockConn, n int64) string {
	return fmt.Sprintf("id: %d\ndata: tick %d\n\n", n, n)
}})

// Comments before, inside and between events.
var _ = register("browser-ok-comments", Clock{Frame: func(c *ClockConn, n int64) string {
	return fmt.Sprintf(": before %d\nid: %d\n: inside\nevent: note\ndata: first %d\n:\ndata: second\n\n: between\n\n", n, n, n)
}})

// Large events (over the page recorder's old 64 KiB cap), in turn every
// 500 ms (faster, the page's layout falls behind on a loaded machine): a
// ~200 KiB HTML fragment as a named event, a ~1 MiB one unnamed with a line
// per paragraph (so SSE-BROWSER-005 finds multi-line data in #message,
// whichever of the names the page learnt), and a ~200 KiB multi-line named
// one.
var _ = register("browser-ok-large", Clock{Interval: 500 * time.Millisecond, Frame: func(c *ClockConn, n int64) string {
	switch n % 3 {
	case 0:
		return fmt.Sprintf("id: %d\nevent: bigNamed\ndata: %s\n\n", n, htmlFragment(n, 200<<10))
	case 1:
		return fmt.Sprintf("id: %d\ndata: %s\n\n", n, strings.ReplaceAll(htmlFragment(n, 1000<<10), "<p ", "\ndata: <p "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "id: %d\nevent: bigLines\n", n)
	for i := 0; b.Len() < 200<<10; i++ {
		fmt.Fprintf(&b, "data: <li>row %d of event %d: é ✓</li>\n", i, n)
	}
	return b.String() + "\n"
}})

// htmlFragment is an HTML fragment of about size bytes, with non-ASCII text
// so UTF-8 and UTF-16 lengths differ (one character outside the BMP, a
// surrogate pair in JS: many of them make headless Chromium's layout slow,
// as no font has them).
func htmlFragment(n int64, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"event-%d\"><h1>𝄞</h1>", n)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "<p data-i=\"%d\">Ünïcödé ✓ paragraph %d &amp; more</p>", i, i)
	}
	return b.String() + "</div>"
}

// SSE-BROWSER-009 (observe mode): correct, but the last event before the
// stream ends is a ~512 KiB HTML fragment. The page is still swapping it
// when the end arrives, so the browser learns of the end, and starts its
// retry: 500 timer, late: the page's own ticker shows the hold-up, and
// the wait is not the target's to answer for.
var _ = register("browser-ok-end-large", Stream{Events: 8, Preamble: ": ok\nretry: 500\n\n", Frame: func(n int) string {
	if n < 8 {
		return DefaultFrame(n)
	}
	// A data line per paragraph, as servers send HTML.
	return fmt.Sprintf("id: %d\ndata: %s\n\n", n, strings.ReplaceAll(htmlFragment(int64(n), 512<<10), "<p ", "\ndata: <p "))
}})
