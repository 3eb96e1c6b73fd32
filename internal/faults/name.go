package faults

import (
	"fmt"
	"strings"

	"github.com/ssespec/ssespec/harness/publish"
)

// NAME-area faults: event names changed on the way out.
var (
	_ = register("lowercase-names", Encoded(func(ev publish.Event, id int) string { // SSE-NAME-001
		ev.Event = strings.ToLower(ev.Event)
		return Frame(ev, id)
	}))
	_ = register("unnamed-as-undefined", Encoded(func(ev publish.Event, id int) string { // SSE-NAME-002: `event: ${name}` with no name
		if ev.Event == "" {
			ev.Event = "undefined"
		}
		return Frame(ev, id)
	}))
	_ = register("name-injection", &Broker{Unsafe: true}) // SSE-NAME-003: CR/LF in a name written raw (fastify-sse-v2 #110)

	// SSE-NAME-004: the backend says user_joined where the frontend listens
	// for user-joined (with --events or --templates naming the listeners).
	_ = register("name-drift", Stream{Frame: func(n int) string {
		if n%2 == 0 {
			return fmt.Sprintf("id: %d\nevent: user_joined\ndata: joined %d\n\n", n, n)
		}
		return fmt.Sprintf("id: %d\nevent: price-update\ndata: price %d\n\n", n, n)
	}})
)
