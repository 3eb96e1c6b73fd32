package faults

import (
	"fmt"
	"strings"
	"time"
)

// Hostile targets whose fields are huge but legal: each value is copied
// into every event the report lists, so without cuts one 1 MiB id makes a
// report of hundreds of megabytes (issue 9).
var (
	mib = strings.Repeat("x", 1<<20)

	_ = register("hostile-1mb-ids", Stream{Interval: 10 * time.Millisecond, Frame: func(n int) string {
		return fmt.Sprintf("id: %d-%s\ndata: %d\n\n", n, mib, n)
	}})
	_ = register("hostile-1mb-event-names", Stream{Interval: 10 * time.Millisecond, Frame: func(n int) string {
		return fmt.Sprintf("id: %d\nevent: %d-%s\ndata: %d\n\n", n, n, mib, n)
	}})
	// One big id, then small events: the id sticks to every later event.
	_ = register("hostile-1mb-id-sticky", Stream{Interval: 5 * time.Millisecond, Frame: func(n int) string {
		if n == 1 {
			return "id: " + mib + "\ndata: 1\n\n"
		}
		return fmt.Sprintf("data: %d\n\n", n)
	}})
	_ = register("hostile-1mb-comments", Stream{Interval: 10 * time.Millisecond, Frame: func(n int) string {
		return fmt.Sprintf(": %s\nid: %d\ndata: %d\n\n", mib, n, n)
	}})
)
