package suite

import (
	"context"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
)

// Publish mode copes with servers that send their response headers only
// with their first event (Flask's generator Response, go-sse): a stream
// whose headers are late gets a nudge, a published event, so its headers
// come. SSE-HTTP-010 alone judges the held headers.

// NudgeEvent is the type of the events the suite publishes to make a
// target send held headers; no page listens for it.
const NudgeEvent = "ssespec-nudge"

// headerGrace is how long a stream waits for its headers before it is
// nudged, until the run has seen the target hold them (then at once).
// Headers later than this fail SSE-HTTP-010 anyway.
const headerGrace = time.Second

// A run's headersHeld is set once a stream's headers came only after a
// publish. Its firstPublish is when it first published anything: the
// sample, another check's event or a nudge, any of which releases a held
// target's headers on every stream it broadcasts to. Its nudges coalesce
// the nudges of every stream waiting for its headers into one publish per
// nudgeGap: fifty streams opened at once share them.

// HeadersHeld reports whether the run has seen the target hold a stream's
// response headers until an event was published.
func (r *Run) HeadersHeld() bool { return r.headersHeld.Load() }

// noteHeld marks the target as holding its headers when the shared stream
// c got them only after the run's first publish, whoever made it: the
// sample, another check's publish or a nudge, any of which releases a held
// target's headers (a grace alone took a target released within it for a
// prompt one, and its browser pages then got no nudges). Judged when the
// headers arrive, however late a loaded machine delivers them.
func (r *Run) noteHeld(c *stream.Conn) {
	var came time.Time
	c.View(func(rec *stream.Recording) { came = rec.Start.Add(rec.HeadersAt) })
	if first := r.firstPublish.Load(); first != nil && came.After(*first) { // both monotonic
		r.headersHeld.Store(true)
	}
}

const nudgeGap = 100 * time.Millisecond

// nudge publishes one NudgeEvent unless one went out within nudgeGap.
func (c Config) nudge(ctx context.Context) {
	p := c.Publisher()
	if p == nil || c.run == nil {
		return
	}
	n := &c.run.nudges
	n.Lock()
	if time.Since(n.last) < nudgeGap {
		n.Unlock()
		return
	}
	n.last = time.Now()
	n.Unlock()
	_ = p.Publish(ctx, publish.Event{Event: NudgeEvent, Data: "ssespec headers nudge " + Nonce()})
}

// withNudge makes o nudge a target that holds its headers (publish mode).
func (c Config) withNudge(o stream.Options) stream.Options {
	if !c.CanPublish() || c.run == nil {
		return o
	}
	o.Nudge = c.nudge
	o.NudgeAfter = headerGrace
	if c.run.HeadersHeld() {
		o.NudgeAfter = time.Millisecond
	}
	return o
}

// SampleEvent is the type of the sample's named events.
const SampleEvent = "ssespec-sample"

// sample is what the suite publishes into the shared observation window in
// publish mode, so the FRAME, KEEP and RESUME checks judge the target's own
// encoding of real events even when it emits nothing unprompted: named and
// unnamed, single- and multi-line (LF and CRLF), with an id when the target
// declares ids, and an empty payload. Each carries a nonce or the
// ssespec-sample type, so checks that count the target's own events leave
// them out.
func (c Config) sample() []publish.Event {
	evs := []publish.Event{
		{Data: "ssespec sample " + Nonce()},
		{Event: SampleEvent, Data: "ssespec sample " + Nonce()},
		{Data: Nonce() + " sample\nsecond line\n\nafter an empty line"},
		{Event: SampleEvent, Data: Nonce() + " sample crlf\r\nafter crlf\rafter cr"},
		// An empty payload must still carry a "data:" line (SSE-FRAME-006);
		// its type marks it as the suite's, since it has no room for a nonce.
		{Event: SampleEvent, Data: ""},
	}
	if c.Has(CapIDs) {
		n := Nonce()
		evs = append(evs, publish.Event{Event: SampleEvent, Data: n + " sample with an id", ID: n})
	}
	return evs
}

// sampleSpan is how long the sample is spread over: at most half of the
// window beyond --keepalive-max (and 2 s), so the window's rest stays quiet
// for SSE-KEEP-001 to see the target's own keepalives.
func (c Config) sampleSpan() time.Duration {
	return min(max(0, c.Window-c.KeepaliveMax)/2, 2*time.Second)
}

// publishSample publishes the sample to conn, the shared stream just sent:
// the first event again (with a fresh nonce) every nudgeGap until one
// arrives, then the rest spread over sampleSpan. A hook failure is not a
// verdict here; the publish-mode checks report it.
func (c Config) publishSample(ctx context.Context, conn *stream.Conn, p publish.Publisher) {
	// A prompt target's headers mean the stream is subscribed; a held one's
	// never come until something is published.
	t := time.NewTimer(headerGrace)
	select {
	case <-conn.HeadersDone():
	case <-t.C:
	case <-ctx.Done():
	}
	t.Stop()
	evs := c.sample()
	first := evs[0]
	start := time.Now()
	for ctx.Err() == nil && time.Since(start) < 2*headerGrace {
		nonce := Nonce()
		first.Data = "ssespec sample " + nonce
		_ = p.Publish(ctx, first)
		wctx, cancel := context.WithTimeout(ctx, nudgeGap)
		got := conn.WaitUntil(wctx, func(r *stream.Recording) bool { _, ok := FindEvent(r, nonce); return ok })
		cancel()
		if got {
			break
		}
	}
	rest := evs[1:]
	gap := c.sampleSpan() / time.Duration(len(rest))
	for _, ev := range rest {
		t := time.NewTimer(gap)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		_ = p.Publish(ctx, ev)
	}
}

// NudgeWhile nudges the target (publish mode) while a client the suite
// does not drive, a browser page, waits for its stream to open: every
// 100 ms until stop is called or ctx ends, from the start when the run has
// seen the target hold its headers, else after the grace a stream gets
// (as OpenStream's streams are nudged). A held target the run did not
// recognise (a loaded machine) then still opens the page's stream.
func NudgeWhile(ctx context.Context) (stop func()) {
	cfg := Current(ctx)
	if !cfg.CanPublish() {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait := headerGrace
		if cfg.run.HeadersHeld() {
			wait = nudgeGap
		}
		for {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			cfg.nudge(ctx)
			wait = nudgeGap
		}
	}()
	return func() { cancel(); <-done }
}

// WaitSample waits until the sample has been published (at once without
// one), for checks that need a quiet target: a stream opened while the
// sample goes out gets its headers with a sample event.
func WaitSample(ctx context.Context) {
	sh := &runOf(ctx).shared
	sh.Lock()
	ready := sh.ready
	sh.Unlock()
	if ready == nil {
		return
	}
	select {
	case <-ready:
	case <-ctx.Done():
		return
	}
	sh.Lock()
	sampled := sh.sampled
	sh.Unlock()
	if sampled == nil {
		return
	}
	select {
	case <-sampled:
	case <-ctx.Done():
	}
}
