package cases

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

var _ = suite.Area("DATA", func() {
	// "If the field name is "data": Append the field value to the data
	// buffer, then append a single U+000A LINE FEED (LF) character to the
	// data buffer." A payload line break must become one data: line each.
	suite.Check(suite.Meta{
		ID: "SSE-DATA-001", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "A payload with line feeds arrives intact",
		Requirement: "Each line of a multi-line payload is sent as its own data: line, so the client rejoins exactly the payload (r3labs/sse #62 sent only the first line).",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		payloads := []string{
			suite.Nonce() + "\nsecond line\nthird line",
			suite.Nonce() + "\n\nafter an empty line\n", // an empty line inside, a line feed at the end
		}
		checkPayloads(ctx, conn, p, "", payloads)
	})

	// "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A
	// LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF)
	// character, or a single U+000D CARRIAGE RETURN (CR) character": a CR
	// in a payload written raw ends the line early.
	suite.Check(suite.Meta{
		ID: "SSE-DATA-002", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "CRLF and lone CR in a payload arrive as line feeds",
		Requirement: "CR and CRLF in a payload are line breaks to the client; the server splits on them like on LF, so none reaches the wire inside a data: line and the payload arrives with LF.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		nonce := suite.Nonce()
		sent := nonce + " crlf\r\nafter crlf\rafter cr\nafter lf"
		want := nonce + " crlf\nafter crlf\nafter cr\nafter lf"
		ev, rec := roundTrip(ctx, conn, p, publish.Event{Data: sent}, nonce)
		requireData(ctx, rec, ev, want, "CRLF and CR arrive as LF")
	})

	// Data is UTF-8 text; only CR and LF end a line. U+2028/U+2029/U+0085
	// are no line terminators here (modelcontextprotocol/java-sdk #1136),
	// and NUL is ordinary data.
	suite.Check(suite.Meta{
		ID: "SSE-DATA-003", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "Non-ASCII, U+2028, U+2029, U+0085 and NUL round-trip byte-exact",
		Requirement: "Only CR and LF are line breaks in an event stream; every other character, including U+2028, U+2029, U+0085 and NUL, arrives unchanged.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		nonce := suite.Nonce()
		sent := nonce + " é ß 日本語 😀 |\u2028|\u2029|\u0085|\x00| end"
		ev, rec := roundTrip(ctx, conn, p, publish.Event{Data: sent}, nonce)
		requireData(ctx, rec, ev, sent, "byte-exact")
	})

	// "If value starts with a U+0020 SPACE character, remove it from value."
	// Exactly one space is removed, so a server must write "data: " + line
	// for a line that itself starts with a space.
	suite.Check(suite.Meta{
		ID: "SSE-DATA-004", Level: suite.SHOULD, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "A leading space in the payload survives",
		Requirement: "The client removes one space after the colon, so the server writes \"data: \" before every line; a payload's own leading spaces then survive.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		nonce := suite.Nonce()
		sent := " one leading space\n  two leading spaces\n" + nonce // the nonce on a later line
		ev, rec := roundTrip(ctx, conn, p, publish.Event{Data: sent}, nonce)
		requireData(ctx, rec, ev, sent, "leading spaces kept")
	})

	// Streams have no size limit; fixed line buffers (64 KiB is common)
	// truncate or split large payloads.
	suite.Check(suite.Meta{
		ID: "SSE-DATA-005", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title:       "A 1 MiB payload arrives intact",
		Requirement: "A 1 MiB single-line payload arrives as one event, byte-exact: not truncated, split into several events or ending the stream.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		nonce := suite.Nonce()
		sent := nonce + " " + repeatTo("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_", 1<<20-len(nonce)-1)
		pub := suite.PublishEvent(ctx, p, publish.Event{Data: sent}, nonce)
		ev, ok := suite.Await(ctx, conn, pub.Nonce, 5*time.Second+suite.Current(ctx).LatencyBudget)
		rec := conn.Close()
		suite.AttachRecording(ctx, "SSE-DATA-005", rec)
		if !ok {
			suite.Failf(ctx, "one event carrying the 1 MiB payload", "no event carrying it arrived within %v%s%s", 5*time.Second+suite.Current(ctx).LatencyBudget, ended(rec), nonceLost(rec, pub.Nonce))
		}
		requireData(ctx, rec, ev, sent, "the 1 MiB payload byte-exact")
	})

	// "If the data buffer is an empty string, set the data buffer and the
	// event type buffer to the empty string and return": an event fires only
	// when a data: line was received, even an empty one.
	suite.Check(suite.Meta{
		ID: "SSE-DATA-006", Level: suite.SHOULD, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "An empty payload is delivered as an event with empty data",
		Requirement: "An empty payload is sent as a \"data:\" line with nothing after it, so the client fires an event with empty data; without a data: line no event fires (r3labs/sse #46).",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		var from int64
		conn.View(func(r *stream.Recording) { from = r.Bytes })
		const name = "ssespec-empty" // a name so the suite's own event is told from the target's
		suite.PublishEvent(ctx, p, publish.Event{Event: name, Data: ""}, "")
		nonce := suite.Nonce() // the empty payload cannot carry it: a later event does
		sentinel, rec := roundTrip(ctx, conn, p, publish.Event{Data: "after the empty event " + nonce}, nonce)
		for _, ev := range rec.Parse.Events {
			if ev.Offset >= from && ev.End <= sentinel.Offset && ev.Data == "" {
				if ev.Type != name {
					suite.Note(ctx, "the empty event arrived with type %q (published as %q)", ev.Type, name)
				}
				return
			}
		}
		for _, b := range rec.Parse.Blocks {
			if b.Offset >= from && b.End <= sentinel.Offset && !b.Dispatched {
				suite.Failf(ctx, "an event with empty data (a \"data:\" line with no value)",
					"the block sent for it has no data: line, so no event fires: %q", wire(rec, b.Offset, b.End))
			}
		}
		suite.Failf(ctx, "an event with empty data", "no event fired for the empty payload before the next event arrived; the wire in between: %q",
			wire(rec, from, sentinel.Offset))
	})

	// htmx swaps the data as HTML (htmx-ext-sse); the fragment's line
	// breaks and indentation matter in <pre> and inline text.
	suite.Check(suite.Meta{
		ID: "SSE-DATA-007", Level: suite.MUST, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title:       "A multi-line HTML fragment arrives byte-exact",
		Requirement: "An htmx swap payload, a multi-line HTML fragment with indentation, tabs, quotes and entities, arrives byte-exact (no line breaks stripped or joined differently).",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		nonce := suite.Nonce()
		sent := `<div id="` + nonce + `" class="row" hx-swap-oob="true">` + "\n" +
			`  <span title='quoted "text"'>Tom &amp; Jerry <b>&lt;3</b></span>` + "\n" +
			"\n" +
			"  <pre>  indented\n\ttabbed\n</pre>\n" +
			"</div>"
		ev, rec := roundTrip(ctx, conn, p, publish.Event{Data: sent}, nonce)
		requireData(ctx, rec, ev, sent, "the fragment byte-exact")
	})
})

// Publish-mode helpers, shared by the FLUSH, NAME and DATA checks.

// eventWait bounds one wait for a published event to arrive.
func eventWait(ctx context.Context) time.Duration {
	return 2*time.Second + suite.Current(ctx).LatencyBudget
}

// openStream opens the check's own stream; a target that cannot be
// streamed from leaves nothing to publish to.
func openStream(ctx context.Context) *stream.Conn {
	conn, err := suite.OpenStream(ctx, nil, stream.Options{})
	if err != nil {
		suite.Undecided("could not open a stream to publish to: %v", err)
	}
	if st := conn.Recording().Status; st != http.StatusOK {
		suite.Undecided("the stream answered %d; nothing to publish to", st)
	}
	return conn
}

// warmUp makes sure the target delivers to conn: it publishes an event, and
// another every 250 ms, until one arrives or limit passes. A target may
// subscribe a stream only after sending its headers; events published in
// between are not what the checks judge.
func warmUp(ctx context.Context, conn *stream.Conn, p publish.Publisher, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	var nonces []string
	for time.Now().Before(deadline) {
		nonce := suite.Nonce()
		nonces = append(nonces, nonce)
		suite.PublishEvent(ctx, p, publish.Event{Data: "warm-up " + nonce}, nonce)
		wctx, cancel := context.WithTimeout(ctx, min(time.Until(deadline), 250*time.Millisecond))
		ok := conn.WaitUntil(wctx, func(r *stream.Recording) bool {
			for _, n := range nonces {
				if _, ok := suite.FindEvent(r, n); ok {
					return true
				}
			}
			return false
		})
		cancel()
		if ok {
			return true
		}
		if ctx.Err() != nil {
			break
		}
	}
	return false
}

// liveStream is a stream the target is known to deliver published events to.
func liveStream(ctx context.Context, p publish.Publisher) *stream.Conn {
	conn := openStream(ctx)
	if !warmUp(ctx, conn, p, eventWait(ctx)) {
		suite.Undecided("no published event reached a fresh stream within %v (the publish hook %s answered 2xx); nothing to judge", eventWait(ctx), p)
	}
	return conn
}

// roundTrip publishes ev (whose data carries nonce), waits for it, closes
// the stream and attaches its recording under the check's ID. An event that
// never arrives fails the check.
func roundTrip(ctx context.Context, conn *stream.Conn, p publish.Publisher, ev publish.Event, nonce string) (parser.Event, *stream.Recording) {
	pub := suite.PublishEvent(ctx, p, ev, nonce)
	got, ok := suite.Await(ctx, conn, nonce, eventWait(ctx))
	rec := conn.Close()
	suite.AttachRecording(ctx, suite.CheckID(ctx), rec)
	if !ok {
		suite.Failf(ctx, "the published event arrives", "no event carrying the nonce %s arrived within %v of its publish%s%s", pub.Nonce, eventWait(ctx), ended(rec), nonceLost(rec, pub.Nonce))
	}
	return got, rec
}

// checkPayloads publishes each payload (each carries a distinct nonce on
// its first line) and requires each to arrive byte-exact.
func checkPayloads(ctx context.Context, conn *stream.Conn, p publish.Publisher, name string, payloads []string) {
	nonces := make([]string, len(payloads))
	for i, data := range payloads {
		nonces[i], _, _ = strings.Cut(data, "\n")
		suite.PublishEvent(ctx, p, publish.Event{Event: name, Data: data}, nonces[i])
	}
	got := awaitAll(ctx, conn, nonces, eventWait(ctx))
	rec := conn.Close()
	suite.AttachRecording(ctx, suite.CheckID(ctx), rec)
	for i, data := range payloads {
		ev, ok := got[nonces[i]]
		if !ok {
			suite.Failf(ctx, "the published event arrives", "no event carrying %s arrived within %v%s%s", nonces[i], eventWait(ctx), ended(rec), nonceLost(rec, nonces[i]))
		}
		requireData(ctx, rec, ev, data, "the payload byte-exact")
	}
}

// awaitAll waits up to timeout for an event carrying each nonce and returns
// those that arrived.
func awaitAll(ctx context.Context, conn *stream.Conn, nonces []string, timeout time.Duration) map[string]parser.Event {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	got := map[string]parser.Event{}
	conn.WaitUntil(ctx, func(r *stream.Recording) bool {
		for _, n := range nonces {
			if _, ok := got[n]; !ok {
				if ev, ok := suite.FindEvent(r, n); ok {
					got[n] = ev
				}
			}
		}
		return len(got) == len(nonces)
	})
	return got
}

// checkID is the running check's catalog ID.

// requireData fails unless ev carries exactly want, describing the first
// difference and what was on the wire.
func requireData(ctx context.Context, rec *stream.Recording, ev parser.Event, want, expected string) {
	got := ev.Data
	if got == want {
		return
	}
	var what string
	switch first, _, multi := strings.Cut(want, "\n"); {
	case multi && got == first:
		what = "only the first line arrived"
	case strings.HasPrefix(want, got):
		what = fmt.Sprintf("truncated: %d of %d bytes arrived", len(got), len(want))
	default:
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		what = fmt.Sprintf("differs from byte %d: sent …%q…, received …%q… (%d bytes sent, %d received)",
			i, excerpt(want, i), excerpt(got, i), len(want), len(got))
	}
	suite.Failf(ctx, expected+": "+quoteShort(want), "%s; on the wire: %q", what, wire(rec, ev.Offset, ev.End))
}

// excerpt is s around byte at, cut at rune boundaries.
func excerpt(s string, at int) string {
	from, to := max(0, at-12), min(len(s), at+24)
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	for to < len(s) && !utf8.RuneStart(s[to]) {
		to++
	}
	return s[from:to]
}

func quoteShort(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%q… (%d bytes)", s[:200], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// wire returns the body bytes [from, to) of a finished recording, cut to
// 300 bytes for messages.
func wire(rec *stream.Recording, from, to int64) string {
	var b []byte
	for _, c := range rec.Chunks {
		end := c.Offset + int64(len(c.Data))
		if end <= from || c.Offset >= to {
			continue
		}
		lo, hi := max(from, c.Offset)-c.Offset, min(to, end)-c.Offset
		b = append(b, c.Data[lo:hi]...)
		if len(b) > 300 {
			return string(b[:300]) + "…"
		}
	}
	return string(b)
}

// ended says how the stream ended, if it did before the check closed it.
func ended(rec *stream.Recording) string {
	switch {
	case rec.End == stream.EndCanceled || rec.End == stream.EndOpen:
		return ""
	case rec.Err != nil:
		return fmt.Sprintf("; the stream ended (%s: %v)", rec.End, rec.Err)
	default:
		return fmt.Sprintf("; the stream ended (%s)", rec.End)
	}
}

func repeatTo(s string, n int) string { return strings.Repeat(s, n/len(s)+1)[:n] }
