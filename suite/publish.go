package suite

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
)

// Publisher is the run's publish hook, or nil when there is none.
func (c Config) Publisher() publish.Publisher {
	switch {
	case c.PublishFunc != nil:
		return guardedHook{publish.Func(c.PublishFunc), c.run}
	case c.PublishURL != "":
		return guardedHook{publish.URL(client(c.Insecure), c.PublishURL, c.Header), c.run}
	case c.PublishCmd != "":
		return guardedHook{publish.Command(c.PublishCmd), c.run}
	}
	return nil
}

// NeedPublisher returns the run's publish hook or skips the check, saying
// how to enable it.
func NeedPublisher(ctx context.Context) publish.Publisher {
	p := Current(ctx).Publisher()
	if p == nil {
		Skipf("needs a publish hook: pass --publish-url URL (the suite POSTs {\"event\",\"data\",\"id\"}) or --publish-cmd CMD")
	}
	return p
}

// NeedCapability skips the check unless the target claims cp.
func NeedCapability(ctx context.Context, cp Capability) {
	if !Current(ctx).Has(cp) {
		Skipf("the target does not declare the %q capability (--capabilities %s)", cp, cp)
	}
}

var nonces atomic.Int64

// Nonce is a fresh marker to put in published data, so the suite matches
// what it sent with what arrives even among the target's own events.
func Nonce() string {
	return fmt.Sprintf("ssespec-%d-%d", time.Now().UnixNano()%1e6, nonces.Add(1))
}

// Published is one event the suite made the target emit.
type Published struct {
	Event publish.Event
	Nonce string
	At    time.Time // when the publish call started
	Took  time.Duration
}

// PublishEvent sends ev through the hook; a hook failure leaves the check
// undecided (error), since nothing was emitted to judge.
func PublishEvent(ctx context.Context, p publish.Publisher, ev publish.Event, nonce string) Published {
	start := time.Now()
	if err := p.Publish(ctx, ev); err != nil {
		Undecided("publishing failed, nothing to judge: %v", err)
	}
	return Published{Event: ev, Nonce: nonce, At: start, Took: time.Since(start)}
}

// Await waits up to timeout for an event on conn whose data contains nonce
// and returns it; ok is false when none came.
func Await(ctx context.Context, conn *stream.Conn, nonce string, timeout time.Duration) (ev parser.Event, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn.WaitUntil(ctx, func(r *stream.Recording) bool {
		ev, ok = FindEvent(r, nonce)
		return ok
	})
	return ev, ok
}

// FindEvent returns the first dispatched event whose data contains nonce.
func FindEvent(r *stream.Recording, nonce string) (parser.Event, bool) {
	for _, e := range r.Parse.Events {
		if strings.Contains(e.Data, nonce) {
			return e, true
		}
	}
	return parser.Event{}, false
}

// Latency is the publish→receipt delay of ev on the recording rec.
func Latency(rec *stream.Recording, p Published, ev parser.Event) time.Duration {
	return ev.At - rec.Since(p.At)
}
