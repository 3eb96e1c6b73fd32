package faults

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// RESUME-area faults: reconnection handled badly.
var (
	_ = register("last-event-id-500", resumeOnLastEventID(func(string) bool { return true }, http.StatusInternalServerError)) // SSE-RESUME-001
	_ = register("last-event-id-ascii-only", resumeOnLastEventID(func(id string) bool {                                       // SSE-RESUME-001: a header validator that rejects non-ASCII
		return strings.IndexFunc(id, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0
	}, http.StatusBadRequest))
	_ = register("replay-history-to-fresh", &resumeAutoReplay{Interval: 100 * time.Millisecond})                          // SSE-RESUME-003: r3labs/sse AutoReplay
	_ = register("replay-history-no-ids", &resumeAutoReplay{Interval: 100 * time.Millisecond, Frame: func(n int) string { // SSE-RESUME-003: no ids to match by
		return fmt.Sprintf("event: news\ndata: headline %d\n\n", n)
	}})
	_ = register("no-retry", Stream{Preamble: ": ok\n\n"})                                           // SSE-RESUME-004
	_ = register("refuse-after-10", &resumeRefuse{Refused: func(n int) bool { return n > 10 }})      // SSE-RESUME-006: a connection quota
	_ = register("refuse-every-other", &resumeRefuse{Refused: func(n int) bool { return n%2 == 0 }}) // SSE-RESUME-006
)

// resumeOnLastEventID answers status to a request whose Last-Event-ID
// matches bad, and a good stream otherwise.
func resumeOnLastEventID(bad func(id string) bool, status int) http.Handler {
	good, refuse := Stream{}, Stream{Status: status}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get("Last-Event-ID"); id != "" && bad(id) {
			refuse.ServeHTTP(w, r)
			return
		}
		good.ServeHTTP(w, r)
	})
}

// resumeRefuse counts the GET requests each server (by Host) gets and
// answers 503 to the n-th when Refused(n).
type resumeRefuse struct {
	Refused func(n int) bool
	mu      sync.Mutex
	count   map[string]int
}

func (f *resumeRefuse) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if f.count == nil {
		f.count = map[string]int{}
	}
	f.count[r.Host]++
	n := f.count[r.Host]
	f.mu.Unlock()
	if f.Refused(n) {
		Stream{Status: http.StatusServiceUnavailable}.ServeHTTP(w, r)
		return
	}
	Stream{}.ServeHTTP(w, r)
}

// resumeAutoReplay is one event stream shared by all clients of a server
// (by Host): event n is published Interval*n after the server's first
// request, and every new connection is first sent all events published so
// far, Last-Event-ID or not.
type resumeAutoReplay struct {
	Interval time.Duration
	Frame    func(n int) string // event n; default DefaultFrame
	mu       sync.Mutex
	start    map[string]time.Time
}

func (f *resumeAutoReplay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if f.start == nil {
		f.start = map[string]time.Time{}
	}
	start, ok := f.start[r.Host]
	if !ok {
		start = time.Now()
		f.start[r.Host] = start
	}
	f.mu.Unlock()
	frame := f.Frame
	if frame == nil {
		frame = DefaultFrame
	}
	for k, v := range defaultHeader {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	var b strings.Builder
	b.WriteString(": ok\nretry: 3000\n\n")
	next := int(time.Since(start)/f.Interval) + 1
	for n := 1; n < next; n++ {
		b.WriteString(frame(n))
	}
	fmt.Fprint(w, b.String())
	rc.Flush()
	for ; ; next++ {
		t := time.NewTimer(time.Until(start.Add(time.Duration(next) * f.Interval)))
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
		fmt.Fprint(w, frame(next))
		rc.Flush()
	}
}
