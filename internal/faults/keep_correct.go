package faults

import (
	"fmt"
	"net/http"
	"time"
)

// Correct but unusual KEEP-area targets: comments where a naive check
// sees a split event. SSE-KEEP-002 must pass each.
var (
	_ = register("comment-inside-event", Stream{Frame: func(n int) string { // a comment between two data lines of one event
		return fmt.Sprintf("id: %d\ndata: message %d\n: note\ndata: second line\n\n", n, n)
	}})
	_ = register("comments-everywhere", flushedParts{Step: 20 * time.Millisecond, Parts: func(n int) []string { // comments before, between and after an event's fields, each line its own write
		return []string{": before\n", fmt.Sprintf("id: %d\n", n), ": between\n", fmt.Sprintf("data: message %d\n", n),
			fmt.Sprintf(": end of event %d\n", n), "\n", ": keepalive\n\n"}
	}})
	_ = register("keepalive-before-terminator", flushedParts{Step: 20 * time.Millisecond, Parts: func(n int) []string { // a keepalive lands after an event's last line, before its own blank line: dispatched whole
		return []string{fmt.Sprintf("id: %d\ndata: message %d\n", n, n), ": keepalive\n\n", "\n", ": keepalive\n\n"}
	}})
	_ = register("colon-rendered-line", Stream{Keepalive: -1, Frame: func(n int) string { // no keepalive; a renderer wrote a payload line ":y" without "data: " (SSE-FRAME-006's matter, not a keepalive)
		return fmt.Sprintf("id: %d\ndata: x\n:y\n\n", n)
	}})
)

// flushedParts writes Parts(n) for n = 1, 2, … one part per write, each
// flushed, Step apart: each part arrives in a read of its own.
type flushedParts struct {
	Step  time.Duration
	Parts func(n int) []string
}

func (l flushedParts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for key, v := range defaultHeader {
		w.Header().Set(key, v)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	fmt.Fprint(w, ": ok\nretry: 3000\n\n")
	rc.Flush()
	t := time.NewTicker(l.Step)
	defer t.Stop()
	for n := 1; ; n++ {
		for _, part := range l.Parts(n) {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
			}
			fmt.Fprint(w, part)
			rc.Flush()
		}
	}
}
