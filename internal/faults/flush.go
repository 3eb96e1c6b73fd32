package faults

import "time"

// FLUSH-area faults: events reach the wire late or together.
var (
	_ = register("batched-flush", &Broker{FlushEvery: 2 * time.Second}) // SSE-FLUSH-001: flushes every 2 s (PHP/ASGI output buffering)
	_ = register("gzip-no-flush", &Broker{Gzip: true})                  // SSE-FLUSH-001/002: compression holds events back (expressjs/compression #61)
	_ = register("hold-first-event", &Broker{HoldFirst: true})          // SSE-FLUSH-002: the first event leaves with the second (Lib.AspNetCore.ServerSentEvents #6)

	// Known flush delays, for the latency-accuracy test, and either side of
	// the default 100 ms budget (40 ms passes SSE-FLUSH-001, 180 ms fails it).
	_ = register("flush-delay-40ms", &Broker{FlushDelay: 40 * time.Millisecond})
	_ = register("flush-delay-50ms", &Broker{FlushDelay: 50 * time.Millisecond})
	_ = register("flush-delay-100ms", &Broker{FlushDelay: 100 * time.Millisecond})
	_ = register("flush-delay-180ms", &Broker{FlushDelay: 180 * time.Millisecond})
	_ = register("flush-delay-200ms", &Broker{FlushDelay: 200 * time.Millisecond})
)
