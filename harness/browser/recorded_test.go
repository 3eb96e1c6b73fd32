package browser

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLargeSwapMeasured: an event far over the recorder's preview is judged
// whole by length and hash, computed in the page over UTF-8 bytes exactly
// as Hash does (non-ASCII text makes UTF-8 and UTF-16 lengths differ).
func TestLargeSwapMeasured(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	// Non-ASCII, one character outside the BMP (a surrogate pair in JS);
	// not many of those: headless Chromium lays them out slowly.
	big := "<h1>𝄞</h1>" + strings.Repeat("<p>Ünïcödé ✓ &amp;</p>", 45000) // ~1 MiB
	lines := strings.Repeat("row é\n", 30000) + "last"
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) {
		w.send("data: " + big + "\n\n")
		w.send("event: ml\ndata: " + strings.ReplaceAll(lines, "\n", "\ndata: ") + "\n\n")
		w.hold()
	})
	tab := openPage(t, b, srv, Page{
		StreamURL: srv.URL + "/stream",
		Swaps:     []Swap{{ID: "msg", Names: "message", HXSwap: "textContent"}, {ID: "ml", Names: "ml", HXSwap: "textContent"}},
	})
	waitFor(t, tab, 20*time.Second, "2 swaps", func(l Log, r Recorded) bool { return r.Count("htmx:sseMessage") == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := tab.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rec.OfType("htmx:sseMessage") {
		want := big
		if e.Target == "ml" {
			want = lines
		}
		if !e.TextIs(want) || !e.DataIs(want) || !e.TextIsData() || e.DataLen != len(want) || len(e.Text) > 4*PreviewLen {
			t.Errorf("#%s: text %d bytes hash %x, data %d bytes hash %x; want %d bytes hash %x (preview %d bytes)",
				e.Target, e.TextLen, e.TextHash, e.DataLen, e.DataHash, len(want), Hash(want), len(e.Text))
		}
		if e.TextIs(want+"x") || e.TextIs(want[:len(want)-1]) {
			t.Errorf("#%s: TextIs matches a different string", e.Target)
		}
		if e.Target == "ml" && (!e.MultiLine() || e.DataLines != strings.Count(lines, "\n")+1) {
			t.Errorf("#ml: %d data lines, want %d", e.DataLines, strings.Count(lines, "\n")+1)
		}
	}
}

// TestRecorderBounded: a flood of events does not grow the page recorder
// past MaxRecorded messages, and it says how many it dropped.
func TestRecorderBounded(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	const n = MaxRecorded + 500 // each event gives two messages (before, after the swap)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, _ int) {
		var s strings.Builder
		for i := range n {
			fmt.Fprintf(&s, "data: event %d\n\n", i)
		}
		s.WriteString("data: ssespec-1-2 published\n\n") // the suite's event, after the flood
		w.send(s.String())
		w.hold()
	})
	tab := openPage(t, b, srv, Page{StreamURL: srv.URL + "/stream", Swaps: []Swap{{ID: "msg", Names: "message"}}})
	waitFor(t, tab, 20*time.Second, "every event parsed", func(l Log, r Recorded) bool { return len(l.Messages) == n+1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := tab.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last, at, ok := tab.LastRecorded(); !ok || len(last.Events) != len(rec.Events) || at <= 0 || rec.At <= 0 || rec.At > at {
		t.Errorf("LastRecorded: %d events at %v (ok %v); the read: %d events, taken at %v", len(last.Events), at, ok, len(rec.Events), rec.At)
	}
	msgs := rec.Count("htmx:sseBeforeMessage") + rec.Count("htmx:sseMessage")
	if msgs != MaxRecorded+2 || rec.Dropped != 2*n-MaxRecorded {
		t.Errorf("recorded %d messages, dropped %d; want %d and %d", msgs, rec.Dropped, MaxRecorded+2, 2*n-MaxRecorded)
	}
	if last := rec.Events[len(rec.Events)-1]; last.Type != "htmx:sseMessage" || !last.DataIs("ssespec-1-2 published") {
		t.Errorf("the suite's event after the flood was not recorded; last: %+v", last)
	}
}

// TestTickerShowsAStall: the page's ticker, the control SSE-BROWSER-009
// judges a wait against, records a page thread held up by a busy loop as
// one late tick covering it, and almost nothing in a quiet page, also in a
// second, background tab (a throttled ticker would be late every tick).
func TestTickerShowsAStall(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) { w.hold() })
	quiet := openPage(t, b, srv, Page{StreamURL: srv.URL + "/stream"})
	busy := openPage(t, b, srv, Page{StreamURL: srv.URL + "/stream"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var spun float64
	err := within(ctx, busy.ctx, func(rctx context.Context) error {
		var err error
		spun, err = chromedp.Run(rctx, chromedp.Evaluate[float64](
			`(function(){ var t = performance.now(); while (performance.now() - t < 400) {} return performance.now() - t; })()`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // let both tickers run on
	rq, err := quiet.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := busy.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := rb.StalledDuring(0, rb.At)
	t.Logf("busy page: spun %.0f ms, stalled %v in %d late ticks; quiet page: stalled %v in %d late ticks over %v",
		spun, all, len(rb.Stalls), rq.StalledDuring(0, rq.At), len(rq.Stalls), rq.At)
	if all < 300*time.Millisecond {
		t.Errorf("a 400 ms busy loop showed as %v of stalls: %+v", all, rb.Stalls)
	}
	if q := rq.StalledDuring(0, rq.At); q > rq.At/2 {
		t.Errorf("the quiet page's ticker ran late %v of %v: throttled? %+v", q, rq.At, rq.Stalls)
	}
}

// TestWaitRunningDiscountsStalls: a page held up for 800 ms by a busy loop
// gets its whole second of running time from WaitRunning.
func TestWaitRunningDiscountsStalls(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) { w.hold() })
	tab := openPage(t, b, srv, Page{StreamURL: srv.URL + "/stream"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go within(ctx, tab.ctx, func(rctx context.Context) error {
		_, err := chromedp.Run(rctx, chromedp.Evaluate[float64](
			`(function(){ var t = performance.now(); while (performance.now() - t < 800) {} return 0; })()`))
		return err
	})
	waited, stalled := tab.WaitRunning(ctx, time.Second, func(Log, Recorded) bool { return false })
	t.Logf("waited %v, %v of it held up", waited, stalled)
	if stalled < 600*time.Millisecond || waited < time.Second+stalled {
		t.Errorf("waited %v with %v held up; want at least 1 s more than the hold-up, which should be about 800 ms", waited, stalled)
	}
}

// TestRecordedReadsWhatIsNew: Recorded fetches only the events it has not
// read, yet every read, overlapping ones included, returns the page's whole
// history, the same as one full read; a page loaded again starts afresh.
func TestRecordedReadsWhatIsNew(t *testing.T) {
	t.Parallel()
	b := testBrowser(t)
	const n = 60
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, _ int) {
		for i := range n {
			w.send(fmt.Sprintf("data: event %d\n\n", i))
			time.Sleep(5 * time.Millisecond) // arrive across many polls
		}
		w.hold()
	})
	tab := openPage(t, b, srv, Page{StreamURL: srv.URL + "/stream", Swaps: []Swap{{ID: "msg", Names: "message"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Three readers at once, each checking that what it got has no gap
	// and no duplicate: event i's messages follow event i-1's.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				rec, err := tab.Recorded(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				msgs := rec.OfType("htmx:sseMessage")
				for i, e := range msgs {
					if want := fmt.Sprintf("event %d", i); !e.DataIs(want) {
						t.Errorf("message %d of %d read: %q, want %q", i, len(msgs), e.Data, want)
						return
					}
				}
				if len(msgs) == n {
					return
				}
			}
		})
	}
	wg.Wait()
	full, err := chromedp.Run(tab.ctx, chromedp.Evaluate[*recordedJSON](`window.__ssespec.snapshot()`))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := tab.Recorded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := full.convert(tab.Opened()); len(rec.Events) != len(want.Events) {
		t.Fatalf("incremental reads kept %d events, a full read has %d", len(rec.Events), len(want.Events))
	} else {
		for i := range want.Events {
			if rec.Events[i] != want.Events[i] {
				t.Fatalf("event %d: %+v, a full read has %+v", i, rec.Events[i], want.Events[i])
			}
		}
	}
	// Loaded again: a new recorder, whose events replace the old ones.
	if _, err := chromedp.Run(tab.ctx, chromedp.Evaluate[int](`window.__ssespec.epoch = "reloaded"; window.__ssespec.events.length = 1; 0`)); err != nil {
		t.Fatal(err)
	}
	if rec, err = tab.Recorded(ctx); err != nil || len(rec.Events) != 1 {
		t.Fatalf("after a new recorder: %d events (%v), want its 1", len(rec.Events), err)
	}
}
