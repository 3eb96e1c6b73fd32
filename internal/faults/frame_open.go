package faults

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SSE-FRAME-005 on a stream that stays open: events whose blank line comes
// late, and correct streams that only look like it.
var (
	_ = register("blank-line-one-behind", oneBehind{Interval: 3 * time.Second})                                // SSE-FRAME-005: each event's blank line leaves only with the next event
	_ = register("huge-event-trickle", flushedParts{Step: 50 * time.Millisecond, Parts: func(n int) []string { // correct: a 200-line event trickled out over 10 s, after a small one
		parts := []string{fmt.Sprintf("id: %d\ndata: small %d\n\n", 2*n-1, 2*n-1), fmt.Sprintf("id: %d\n", 2*n)}
		for i := range 200 {
			parts = append(parts, fmt.Sprintf("data: line %d %s\n", i, strings.Repeat("x", 200)))
		}
		return append(parts, "\n")
	}})
	_ = register("comments-only", Stream{Interval: time.Hour}) // correct: an open stream of keepalive comments, no event yet
)

// oneBehind writes each event's lines flushed, then its blank line without a
// flush: the blank line sits in the response buffer until the next event's
// flush, so every event reaches the client one event late.
type oneBehind struct {
	Interval time.Duration
}

func (o oneBehind) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for key, v := range defaultHeader {
		w.Header().Set(key, v)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	fmt.Fprint(w, ": ok\nretry: 3000\n\n")
	t := time.NewTicker(o.Interval)
	defer t.Stop()
	for n := 1; ; n++ {
		fmt.Fprintf(w, "id: %d\ndata: message %d\n", n, n)
		rc.Flush()
		fmt.Fprint(w, "\n") // not flushed: the bug
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
	}
}
