package faults

import (
	"fmt"
	"net/http"
	"time"
)

// KEEP-area faults: keepalives missing, misplaced or sent as events, and
// streams that do not stay open.
var (
	_ = register("silent-30s", Stream{Keepalive: -1, Interval: 30 * time.Second}) // SSE-KEEP-001: no keepalive, no event for 30 s
	_ = register("keepalive-splits-event", Stream{Frame: func(n int) string {     // SSE-KEEP-002: ": keepalive\n\n" lands inside every third event
		if n%3 == 0 {
			return fmt.Sprintf("id: %d\ndata: message %d\n: keepalive\n\ndata: second line\n\n", n, n)
		}
		return DefaultFrame(n)
	}})
	_ = register("keepalive-writer-splits-event", flushedParts{Step: 40 * time.Millisecond, Parts: func(n int) []string { // SSE-KEEP-002: an unsynchronised keepalive writer's ": keepalive\n\n" between an event's lines
		return []string{fmt.Sprintf("id: %d\ndata: message %d\n", n, n), ": keepalive\n\n", "data: second line\n\n", ": keepalive\n\n"}
	}})
	_ = register("blank-keepalive-splits-event", keepLineWriter{Step: 40 * time.Millisecond}) // SSE-KEEP-002: "\n" keepalives, one inside each event
	_ = register("ping-event-keepalive", Stream{KeepaliveAs: "event: ping\ndata: ping\n\n"})  // SSE-KEEP-003
	_ = register("empty-event-keepalive", Stream{KeepaliveAs: "data:\n\n"})                   // SSE-KEEP-003: the `data:` heartbeat
	_ = register("closes-after-1s", Stream{Events: 9, EndBody: ": bye\n\n"})                  // SSE-KEEP-004: ends the body after ~1 s
	_ = register("write-timeout-1s", writeTimeout(time.Second, Stream{}))                     // SSE-KEEP-004: Go's WriteTimeout bug
)

// keepLineWriter writes each event line by line, flushing each write, with a
// keepalive ticker that is not synchronised with the event writer: its bare
// blank line lands both between events and between an event's lines, where
// it dispatches the first half early.
type keepLineWriter struct {
	Step time.Duration // between writes
}

func (k keepLineWriter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for key, v := range defaultHeader {
		w.Header().Set(key, v)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	fmt.Fprint(w, ": ok\nretry: 3000\n\n")
	rc.Flush()
	t := time.NewTicker(k.Step)
	defer t.Stop()
	for n := 1; ; n++ {
		for _, part := range []string{
			fmt.Sprintf("id: %d\ndata: message %d\n", n, n),
			"\n", // keepalive, inside the event
			"data: second line\n\n",
			"\n", // keepalive, between events
		} {
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

// writeTimeout gives the response a write deadline d after the request, as
// http.Server.WriteTimeout does: the first write after it fails and the
// server drops the connection.
func writeTimeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
		next.ServeHTTP(w, r)
	})
}
