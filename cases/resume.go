package cases

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

var _ = suite.Area("RESUME", func() {
	observe := []suite.Mode{suite.Observe}

	// Reestablishing the connection: "if the EventSource object's last event
	// ID string is not the empty string, set (`Last-Event-ID`, last event ID
	// string, UTF-8 encoded) in request's header list" — its value is
	// "essentially any UTF-8 encoded string" without NUL, LF or CR, and a
	// response that is not 200 text/event-stream fails the connection for good.
	suite.Check(suite.Meta{
		ID: "SSE-RESUME-001", Level: suite.MUST, Source: "html", Modes: observe,
		Title:       "Reconnects with Last-Event-ID get a 200 event stream",
		Requirement: "A reconnect carrying Last-Event-ID — an id the server sent, an id it never sent, or a non-ASCII UTF-8 id — is answered 200 text/event-stream; anything else ends the client's EventSource for good.",
	}, func(ctx context.Context) {
		// The first id the shared stream sees will do: no need to wait out
		// the whole window.
		known, knownName := "", "known"
		shared := suite.SharedConn(ctx)
		shared.WaitUntil(ctx, func(r *stream.Recording) bool {
			known = r.Parse.LastEventID
			return known != ""
		})
		if known == "" || !resumeHeaderSafe(known) {
			if known != "" {
				suite.Note(ctx, "the target's last id %q cannot be sent as a header value; a made-up id stood in for a known one", known)
			} else {
				suite.Note(ctx, "the target sent no ids in the window; a made-up id stood in for a known one")
			}
			known, knownName = "ssespec-1", "made-up"
		}
		tries := []struct{ name, id string }{
			{knownName, known},
			{"unknown", "ssespec-unknown-9f2c7e1d"},
			{"utf8", "ssespec-é-ид-事件-🙂"},
		}
		var bad, names []string
		for _, tr := range tries {
			conn, err := suite.OpenStream(ctx, http.Header{"Last-Event-ID": {tr.id}}, stream.Options{})
			r := conn.Close()
			suite.AttachRecording(ctx, "last-event-id-"+tr.name, r)
			names = append(names, "last-event-id-"+tr.name)
			ok, got := keepServed(r)
			if err != nil {
				ok, got = false, fmt.Sprintf("no response: %v", err)
			}
			if !ok {
				bad = append(bad, fmt.Sprintf("%s id %q: %s", tr.name, tr.id, got))
			}
		}
		suite.Evidence(ctx, "recordings", names)
		suite.Require(ctx, len(bad) == 0, fmt.Sprintf("200 text/event-stream for a %s, an unknown and a non-ASCII Last-Event-ID", knownName),
			"%s", strings.Join(bad, "; "))
	})

	// r3labs/sse #61: with AutoReplay on (the default) every new subscriber
	// was sent the stream's whole history. A fresh EventSource sends no
	// Last-Event-ID; it asked for no history.
	//
	// Replay is history: events generated before the stream connected,
	// arriving as a burst at connect. Many correct servers instead generate
	// each connection's events themselves (ids restarting at 1, the same data
	// on every connection at its own time); that is not replay. So: stream A
	// (the shared stream) receives three events after its connect burst, then
	// stream B opens. B fails when its connect burst repeats A's history (see
	// resumeJudge): in A's order, reaching A's newest, and far faster than A
	// received it. One event alone — the latest — is a current-state snapshot
	// and passes with a note. With a publish hook three events are published
	// before B connects and one after: any of the first three on B fails,
	// whatever its timing. B is watched until its connect burst is over, it
	// receives an event A also received after B connected, or the last
	// published event arrives, or --window.
	suite.Check(suite.Meta{
		ID: "SSE-RESUME-003", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Observe, suite.Publish},
		Title:       "A fresh connection is not replayed history",
		Requirement: "A connection without Last-Event-ID gets live events only, not the history it never asked for (the AutoReplay bug); servers that generate each connection's events themselves pass.",
		Tolerates:   "per-connection generators (a loop per request, ids restarting at 1, the same data on every connection at its own pace, per-connection timestamps) and a one-event current-state snapshot at connect; events are matched by type and data, not by per-connection ids.",
	}, func(ctx context.Context) {
		// Stream A is the shared observation stream, open since the run
		// began: it usually has its events already, so this check costs one
		// event's wait, not a window. It is only read, never closed. Once
		// its window is over it sees nothing more (and a window with fewer
		// than three events after the connect burst shows too little
		// history), so a stream of the check's own stands in.
		wait := suite.Current(ctx).Window
		a := suite.SharedConn(ctx)
		var served bool
		var got string
		a.View(func(r *stream.Recording) { served, got = keepServed(r) })
		if !served {
			suite.Skipf("the stream request answered %s, so there is no event stream to judge (see SSE-HTTP-001/002)", got)
		}
		postBurst := func(r *stream.Recording) int { return len(r.Parse.Events) - resumeBurst(r.Parse.Events, r.HeadersAt) }
		var own *stream.Conn
		openOwn := func() *stream.Conn {
			if own == nil {
				c, err := suite.OpenStream(ctx, nil, stream.Options{})
				suite.Cleanup(ctx, func() { c.Close() })
				if err != nil {
					suite.Undecided("could not open the first stream: %v", err)
				}
				own = c
			}
			return own
		}
		// With a publish hook, the published events count as sent before B
		// once a stream of the check's own received them before B's request.
		p, base := suite.Current(ctx).Publisher(), ""
		if p != nil {
			c := openOwn()
			base = suite.Nonce()
			for i := 1; i <= 3; i++ {
				suite.PublishEvent(ctx, p, publish.Event{Data: rpubData(base, i)}, base)
			}
			if got := rpubAwait(ctx, c, base, 3, rpubWait(ctx)); len(got) < 3 {
				suite.Note(ctx, "a stream open before the second one received %s of the 3 events published before it, so they were not used", rpubList(got))
				base = ""
			}
		}
		enough := func(c *stream.Conn, wait time.Duration) int {
			wctx, cancel := context.WithTimeout(ctx, wait)
			c.WaitUntil(wctx, func(r *stream.Recording) bool { return postBurst(r) >= 3 })
			cancel()
			var n int
			c.View(func(r *stream.Recording) { n = postBurst(r) })
			return n
		}
		aName, live := "observation", 0
		if base == "" {
			live = enough(a, wait)
		}
		var ended bool
		var total int
		a.View(func(r *stream.Recording) { ended, total = r.End != stream.EndOpen, len(r.Parse.Events) })
		if (ended || base == "" && live < 3) && total > 0 {
			a, aName = openOwn(), "fresh-first"
			if base == "" {
				// A second chance, short when the whole window showed no
				// event after the connect burst.
				if live == 0 {
					wait = rpubWait(ctx)
				} else {
					wait = max(wait, rpubWait(ctx))
				}
				live = enough(a, wait)
			}
		}
		if base == "" && live == 0 {
			suite.Skipf("a fresh stream received no event after its connect burst within %v; nothing to judge", wait)
		}
		aHeaders := a.Recording().HeadersAt

		b, err := suite.OpenStream(ctx, nil, stream.Options{})
		if err != nil {
			suite.Undecided("could not open the second stream: %v", err)
		}
		cutoff := b.Recording().Start.Sub(a.Recording().Start)
		bHeaders := b.Recording().HeadersAt
		if base != "" {
			suite.PublishEvent(ctx, p, publish.Event{Data: rpubData(base, 4)}, base)
		}
		bctx, cancel := context.WithTimeout(ctx, wait)
		b.WaitUntil(bctx, func(br *stream.Recording) bool {
			if base != "" {
				return len(rpubCollectN(br, base, 4)) > 0
			}
			var j resumeJudgement
			a.View(func(ar *stream.Recording) {
				j = resumeJudge(ar.Parse.Events, aHeaders, br.Parse.Events, bHeaders, cutoff)
			})
			return j.done || j.sawLive
		})
		cancel()
		var aEvents []parser.Event
		a.View(func(r *stream.Recording) { aEvents = slices.Clone(r.Parse.Events) })
		br := b.Close()
		suite.AttachRecording(ctx, "fresh-second", br)
		if aName != "observation" {
			suite.AttachRecording(ctx, aName, a.Close())
		}
		suite.Evidence(ctx, "recordings", []string{aName, "fresh-second"})
		suite.Evidence(ctx, "second_connected_ms", cutoff.Milliseconds())

		if base != "" {
			var early []rpubSeen
			for n := 1; n <= 3; n++ {
				early = append(early, rpubCollectN(br, base, n)...)
			}
			suite.Evidence(ctx, "published_before_received", len(early))
			switch {
			case len(early) == 1 && early[0].n == 3:
				suite.Note(ctx, "the second stream began with e3, the latest event published before it connected: a current-state snapshot rather than history")
			case len(early) > 0:
				suite.Failf(ctx, "no event published before the connection arrives on it",
					"a fresh connection (no Last-Event-ID) received %s, published before it connected (e1..e3; e4 was published after)", rpubList(early))
			}
			if len(rpubCollectN(br, base, 4)) == 0 {
				suite.Note(ctx, "the event published after the second stream connected did not arrive on it within %v", wait)
			}
		}

		j := resumeJudge(aEvents, aHeaders, br.Parse.Events, br.HeadersAt, cutoff)
		suite.Evidence(ctx, "old_events", len(j.old))
		suite.Evidence(ctx, "matched", j.matched)
		if len(j.replayed) == 0 {
			switch {
			case len(j.matched) == 1 && j.matched[0] == j.latest:
				suite.Note(ctx, "the second stream began with the latest event the first had received (%s), a current-state snapshot rather than history", j.matched[0])
			case len(j.matched) > 0:
				suite.Note(ctx, "the second stream's first events repeat %d events the first received (%s), but on the server's own schedule (the last %d ms after its headers, %d ms on the first): a per-connection generator, not replay",
					len(j.matched), listSome(j.matched, 5, ", "), j.offB.Milliseconds(), j.offA.Milliseconds())
			case base == "" && !j.sawLive && !j.done:
				suite.Note(ctx, "the second stream received no event the first also received within %v", wait)
			}
			return
		}
		suite.Evidence(ctx, "replayed", j.replayed)
		suite.Failf(ctx, "a fresh connection gets live events only",
			"a fresh connection (no Last-Event-ID) opened %d ms after the first received, in a burst at connect (%d ms after its headers; the first got the newest of them %d ms after its own), %d event(s) the first had already received before it connected: %s",
			cutoff.Milliseconds(), j.offB.Milliseconds(), j.offA.Milliseconds(), len(j.replayed), listSome(j.replayed, 5, ", "))
	})

	// "If the field name is "retry": If the field value consists of only ASCII
	// digits, then interpret the field value as an integer in base ten, and
	// set the event stream's reconnection time to that integer." Without it
	// clients wait an implementation-defined time, "probably in the region of
	// a few seconds", and every client differs.
	suite.Check(suite.Meta{
		ID: "SSE-RESUME-004", Level: suite.BP, Source: "html", Modes: observe,
		Title:       "The server sends a retry: field",
		Requirement: "The server sets clients' reconnection time with a retry: field rather than leaving it to each client's default.",
	}, func(ctx context.Context) {
		rec := keepWindow(ctx)
		var field *parser.Line
		for i, ln := range rec.Parse.Lines {
			if ln.Kind == parser.KindField && ln.Name == "retry" && ln.Ending != parser.EndingNone {
				field = &rec.Parse.Lines[i]
				break
			}
		}
		suite.Require(ctx, field != nil, "a retry: field",
			"no retry: field in %d bytes over %v", rec.Bytes, (rec.EndAt - rec.HeadersAt).Round(time.Millisecond))
		suite.Evidence(ctx, "retry_line", fmt.Sprintf("byte %d (%d ms): %s", field.Offset, field.At.Milliseconds(), quoteWire(field.Raw)))
		if rec.Parse.RetrySet {
			suite.Evidence(ctx, "retry_ms", rec.Parse.Retry.Milliseconds())
		} else {
			suite.Note(ctx, "the retry: value %q is not ASCII digits only, so clients ignore it (see SSE-FRAME-007)", field.Value)
		}
	})

	// "Clients will reconnect if the connection is closed": every dropped
	// connection, deploy or proxy timeout brings all clients back at once,
	// each reconnecting again and again.
	suite.Check(suite.Meta{
		ID: "SSE-RESUME-006", Level: suite.SHOULD, Source: "html", Modes: observe,
		Title:       "20 reconnects in a row are all served",
		Requirement: "Repeated reconnects — 20 in a row, each opened and closed — are all answered 200 text/event-stream.",
	}, func(ctx context.Context) {
		const n = 20
		const headerTimeout = 5 * time.Second
		start := time.Now()
		var ms []int64
		for i := 1; i <= n; i++ {
			conn, err := suite.OpenStream(ctx, nil, stream.Options{HeaderTimeout: headerTimeout})
			rec := conn.Close()
			ok, got := keepServed(rec)
			if err != nil {
				ok, got = false, fmt.Sprintf("no response: %v", err)
			}
			ms = append(ms, rec.HeadersAt.Milliseconds())
			if !ok {
				suite.AttachRecording(ctx, "reconnect-refused", rec)
				suite.Evidence(ctx, "headers_ms", ms)
				suite.Failf(ctx, fmt.Sprintf("all %d reconnects answered 200 text/event-stream", n),
					"reconnect %d of %d (%d ms into the series) was refused: %s", i, n, time.Since(start).Milliseconds(), got)
			}
		}
		suite.Evidence(ctx, "headers_ms", ms)
	})
})

// resumeHeaderSafe reports whether s can go into a request header as is.
func resumeHeaderSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
