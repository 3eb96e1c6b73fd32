package browser

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
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
