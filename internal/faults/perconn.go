package faults

import (
	"fmt"
	"time"
)

// Correct servers that generate each connection's events themselves (a loop
// per request): ids restart on every connection and the same data arrives on
// each connection at its own time. That is not replay, so SSE-RESUME-003 and
// SSE-CONN-004 must pass them; real servers built like this are common.
var (
	// A counter per connection: id and data restart at 1 on every stream.
	_ = register("perconn-counter", Stream{Interval: 200 * time.Millisecond, Frame: func(n int) string {
		return fmt.Sprintf("id: %d\ndata: count %d\n\n", n, n)
	}})
	// The same "hello" on every connection, the first one right at connect.
	_ = register("perconn-hello", Stream{Interval: 200 * time.Millisecond,
		Preamble: ": ok\nretry: 3000\n\ndata: hello\n\n",
		Frame:    func(int) string { return "data: hello\n\n" }})
	// The wall clock to the second: several events share one data, and
	// another connection sends it too, at its own moment.
	_ = register("perconn-clock", Stream{Interval: 200 * time.Millisecond, Frame: func(int) string {
		return "event: time\ndata: " + time.Now().UTC().Format("15:04:05") + "\n\n"
	}})
	// A one-event snapshot at connect, then a counter per connection.
	_ = register("perconn-snapshot", Stream{Interval: 200 * time.Millisecond,
		Preamble: ": ok\nretry: 3000\n\nevent: snapshot\ndata: {\"state\":\"ready\"}\n\n",
		Frame: func(n int) string {
			return fmt.Sprintf("id: %d\nevent: update\ndata: update %d\n\n", n, n)
		}})
)
