package refserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStreamHeaders(t *testing.T) {
	_, ts := newTestServer(t, Options{Keepalive: time.Hour})
	for _, tc := range []struct {
		name string
		hdr  http.Header
	}{
		{"no Accept", http.Header{}},
		{"event-stream Accept", http.Header{"Accept": {"text/event-stream"}}},
		{"other Accept", http.Header{"Accept": {"text/html"}}},
		{"gzip and br", http.Header{"Accept-Encoding": {"gzip, br"}}},
		{"with Origin", http.Header{"Origin": {"https://app.example"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// No event is pending: openStream only returns because the
			// headers were flushed on their own.
			st := openStream(t, ts.URL+"/events", tc.hdr)
			h := st.resp.Header
			want := map[string]string{
				"Content-Type":      "text/event-stream",
				"Cache-Control":     "no-cache, no-transform",
				"X-Accel-Buffering": "no",
			}
			for k, v := range want {
				if got := h.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for _, k := range []string{"Content-Length", "Etag", "Last-Modified", "Content-Encoding"} {
				if v, ok := h[k]; ok {
					t.Errorf("unexpected %s: %q", k, v)
				}
			}
			if st.resp.ContentLength != -1 {
				t.Errorf("ContentLength = %d, want -1 (open-ended)", st.resp.ContentLength)
			}
			origin := tc.hdr.Get("Origin")
			if got := h.Get("Access-Control-Allow-Origin"); got != origin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, origin)
			}
			if origin != "" {
				if got := h.Get("Access-Control-Allow-Credentials"); got != "true" {
					t.Errorf("Access-Control-Allow-Credentials = %q, want true", got)
				}
				if got := h.Get("Vary"); got != "Origin" {
					t.Errorf("Vary = %q, want Origin", got)
				}
			}
			st.waitLen(len(preamble3s), 5*time.Second)
		})
	}
}

func TestPreflight(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	req, _ := http.NewRequest(http.MethodOptions, ts.URL+"/events", nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "last-event-id")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent ||
		resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Last-Event-ID") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestConnectPreamble(t *testing.T) {
	for _, tc := range []struct {
		retry time.Duration
		want  string
	}{
		{0, preamble3s},
		{1500 * time.Millisecond, ": connected\nretry: 1500\n\n"},
	} {
		_, ts := newTestServer(t, Options{Retry: tc.retry, Keepalive: time.Hour})
		st := openStream(t, ts.URL+"/events", nil)
		if got := string(st.waitLen(len(tc.want), 5*time.Second)); got != tc.want {
			t.Errorf("Retry %v: preamble %q, want %q", tc.retry, got, tc.want)
		}
	}
}

// TestKeepaliveTiming measures arrivals rather than assuming sleeps: every
// keepalive must come about Keepalive after the previous write (never
// early, so writes reset the interval) and no idle gap may run long.
func TestKeepaliveTiming(t *testing.T) {
	const k = 300 * time.Millisecond
	const early = k / 2      // tolerance for a reader that ran late on the previous frame
	const late = time.Second // margin for a noisy 2-core machine under -race
	s, ts := newTestServer(t, Options{Keepalive: k})
	st := openStream(t, ts.URL+"/events", nil)

	// Busy phase: events more often than k, so keepalives are not due.
	for i := 0; i < 12; i++ {
		if _, err := s.Publish(Event{Data: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(k / 4)
	}
	busyEnd := len(st.frames())
	// Idle phase: wait for three keepalives after the last event.
	st.waitFor(func(b []byte) bool {
		return bytes.Count(b, []byte("\n\n"))-busyEnd >= 4
	}, 10*time.Second, "idle keepalives")

	frames := st.frames()
	keepalives := 0
	for i := 1; i < len(frames); i++ {
		f, gap := frames[i], frames[i].at.Sub(frames[i-1].at)
		if !strings.HasPrefix(f.text, ":") {
			continue
		}
		keepalives++
		if f.text != ": keepalive\n\n" {
			t.Errorf("keepalive %q, want a bare comment line", f.text)
		}
		if gap < k-early {
			t.Errorf("frame %d: keepalive %v after the previous write, want about %v", i, gap, k)
		}
	}
	for i := busyEnd; i < len(frames); i++ {
		if gap := frames[i].at.Sub(frames[i-1].at); gap > k+late {
			t.Errorf("frame %d: silent for %v, want at most %v", i, gap, k)
		}
	}
	if keepalives < 3 {
		t.Errorf("%d keepalives, want at least 3", keepalives)
	}
}

func TestCloseEndsStreams(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	var streams []*stream
	for range 3 {
		st := openStream(t, ts.URL+"/events", nil)
		st.waitLen(len(preamble3s), 5*time.Second)
		streams = append(streams, st)
	}
	if got := s.Stats(); got.Opened != 3 || got.Active != 3 {
		t.Fatalf("before Close: %+v", got)
	}
	s.Close()
	for i, st := range streams {
		if err := st.waitEnd(5 * time.Second); !isCleanEnd(err) {
			t.Errorf("stream %d ended with %v, want a clean end of body", i, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitClosed(ctx, 3); err != nil {
		t.Fatalf("WaitClosed(3): %v (stats %+v)", err, s.Stats())
	}
	if got := s.Stats(); got.Closed != 3 || got.Active != 0 {
		t.Errorf("after Close: %+v", got)
	}
	if _, err := s.Publish(Event{Data: "x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close: %v, want ErrClosed", err)
	}
	st := dialStream(t, ts.URL+"/events", nil)
	if st.resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("stream after Close: %d, want 503", st.resp.StatusCode)
	}
}

func TestClientDisconnectIsCounted(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	const n = 50
	for range n {
		st := openStream(t, ts.URL+"/events", nil)
		st.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.WaitClosed(ctx, n); err != nil {
		t.Fatalf("WaitClosed(%d): %v (stats %+v)", n, err, s.Stats())
	}
	// Abandoned streams are released: a fresh one still works.
	st := openStream(t, ts.URL+"/events", nil)
	st.waitLen(len(preamble3s), 5*time.Second)
	if _, err := s.Publish(Event{Data: "after"}); err != nil {
		t.Fatal(err)
	}
	st.waitContains("data: after\n\n", 5*time.Second)
}

func TestWaitClosedHonoursContext(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.WaitClosed(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitClosed = %v, want DeadlineExceeded", err)
	}
	if err := s.WaitClosed(context.Background(), 0); err != nil {
		t.Fatalf("WaitClosed(0) = %v", err)
	}
}

func TestMaxClients(t *testing.T) {
	s, ts := newTestServer(t, Options{MaxClients: 1, Keepalive: time.Hour})
	first := openStream(t, ts.URL+"/events", nil)
	second := dialStream(t, ts.URL+"/events", nil)
	if second.resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second stream: %d, want 503", second.resp.StatusCode)
	}
	if second.resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	first.close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitClosed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	openStream(t, ts.URL+"/events", nil).waitLen(len(preamble3s), 5*time.Second)
}

func TestTick(t *testing.T) {
	_, ts := newTestServer(t, Options{Tick: 20 * time.Millisecond, Keepalive: time.Hour})
	st := openStream(t, ts.URL+"/events", nil)
	st.waitFor(func(b []byte) bool {
		evs, _ := parseStream(string(b))
		return len(evs) >= 4
	}, 10*time.Second, "4 tick events")
	evs, _ := parseStream(string(st.bytes()))
	var prev int
	for i, ev := range evs {
		var n int
		if _, err := fmt.Sscan(ev.ID, &n); err != nil || n <= prev {
			t.Errorf("event %d: id %q not increasing after %d", i, ev.ID, prev)
		}
		prev = n
		switch ev.Type {
		case "message":
			if !strings.HasPrefix(ev.Data, "tick ") || !strings.HasSuffix(ev.Data, "\nsecond line") {
				t.Errorf("unnamed tick data %q", ev.Data)
			}
		case "tick":
			if !strings.HasPrefix(ev.Data, "tick ") {
				t.Errorf("named tick data %q", ev.Data)
			}
		default:
			t.Errorf("tick event type %q", ev.Type)
		}
		if i > 0 && ev.Type == evs[i-1].Type {
			t.Errorf("events %d and %d both %q; want alternating", i-1, i, ev.Type)
		}
	}
}
