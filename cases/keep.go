package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

var _ = suite.Area("KEEP", func() {
	observe := []suite.Mode{suite.Observe}

	// "Legacy proxy servers are known to, in certain cases, drop HTTP
	// connections after a short timeout. To protect against such proxy
	// servers, authors can include a comment line (one starting with a ':'
	// character) every 15 seconds or so."
	//
	// Measured on the shared window from the arrival times of the body reads:
	// headers → first read, read → read, last read → end of the window. Any of
	// these longer than --keepalive-max fails, beyond a timing slack of 2 %
	// (at least 100 ms) for scheduling noise on either side, so that a server
	// sending its comment exactly every --keepalive-max ("every 15 seconds or
	// so") passes.
	suite.Check(suite.Meta{
		ID: "SSE-KEEP-001", Level: suite.SHOULD, Source: "html", Modes: observe, Offline: suite.OfflineTimes,
		Title:       "Something is sent at least every --keepalive-max",
		Requirement: "While no event is due, the server sends something (a comment line) at least every --keepalive-max (default 15 s, after the spec's advice to send a comment every 15 seconds or so), so proxies do not drop the idle connection.",
		Tolerates:   "anything on the wire counts as something sent (comments, events, bare blank lines); a slack of 2 % (at least 100 ms) absorbs scheduling noise, so a comment exactly every --keepalive-max passes.",
	}, func(ctx context.Context) {
		limit := suite.Current(ctx).KeepaliveMax
		slack := max(limit/50, 100*time.Millisecond)
		// A server that sends nothing at all, not even its response headers,
		// is silent too: judged when the harness waited longer than the limit.
		if _, err := suite.ObservationConn(ctx); errors.Is(err, stream.ErrNoHeaders) {
			if wait := keepHeaderTimeout(); wait > limit+slack {
				suite.Failf(ctx, fmt.Sprintf("no silence longer than --keepalive-max (%v)", limit),
					"nothing at all arrived, not even the response headers, in the %v the harness waited; --keepalive-max is %v", wait, limit)
			}
		}
		rec := keepTimed(ctx, keepWindow(ctx))
		g := keepLongestGap(rec)
		suite.Evidence(ctx, "longest_gap_ms", g.length().Milliseconds())
		suite.Evidence(ctx, "keepalive_max_ms", limit.Milliseconds())
		suite.Evidence(ctx, "gap", g)
		suite.Require(ctx, g.length() <= limit+slack,
			fmt.Sprintf("no silence longer than --keepalive-max (%v)", limit),
			"silent for %v, from %s to %s; --keepalive-max is %v",
			g.length().Round(time.Millisecond), g.FromWhat, g.ToWhat, limit)
		if observed := rec.EndAt - rec.HeadersAt; observed <= limit {
			suite.Skipf("only %v of stream was observed (recording ended: %s), not longer than --keepalive-max (%v); a silence that long cannot be seen — use a --window longer than --keepalive-max",
				observed.Round(time.Millisecond), rec.End, limit)
		}
	})

	// "If the line is empty (a blank line): Dispatch the event." A keepalive
	// written while an event is half written ends that event there: the part
	// before it is dispatched early, the rest arrives as a second event (or
	// is dropped). "If the line starts with a U+003A COLON character (:):
	// Ignore the line." — a comment between an event's lines is harmless
	// wherever it stands; only a blank line ends the event.
	//
	// The rule, judged on the shared window:
	//  1. A comment line inside an event block splits nothing (clients
	//     ignore it wherever it stands); its blank line does. A comment
	//     keepalive split an event when an event block ends with a comment
	//     line that the target also sends on its own as a keepalive block
	//     (same text, digits aside), and the very next line starts a block
	//     with event fields: the rest of the event, now a second event. A
	//     comment that is not the target's keepalive, or one whose blank
	//     line is followed by another blank line (the event's own
	//     terminator: nothing was cut off), is not a split.
	//  2. A keepalive made of bare blank lines cannot be told from an event's
	//     own terminator by its bytes, so it is judged by how it arrives: when
	//     the target sends body reads holding nothing but line endings between
	//     events (blank-line keepalives), a read of the same kind that ends an
	//     event whose lines arrived in an earlier read is such a keepalive
	//     splitting the event. (A target that writes its terminators on their
	//     own but never sends blank-line keepalives is not flagged.)
	suite.Check(suite.Meta{
		ID: "SSE-KEEP-002", Level: suite.MUST, Source: "html", Modes: observe,
		Title:       "Keepalives never split an event",
		Requirement: "Keepalives land between events: a keepalive's blank line written in the middle of an event's lines dispatches the event early and splits it. (A comment line alone inside an event is harmless: clients ignore it.)",
		Tolerates:   "comment lines anywhere in an event (before, between or after its fields), a keepalive that lands between an event's last line and its own blank line, servers with no keepalive at all, and a colon-started line a renderer put in the data (SSE-FRAME-006's matter).",
	}, func(ctx context.Context) {
		rec := keepWindow(ctx)

		// Rule 1: a comment keepalive whose blank line ended an event.
		if splits := keepCommentSplits(rec.Parse); len(splits) > 0 {
			suite.Evidence(ctx, "split_events", keepFirstN(splits, 10))
			suite.Failf(ctx, "comment keepalives only between events, never between an event's lines",
				"%d event(s) split by a keepalive: %s", len(splits), keepFirst(splits))
		}

		// Rule 2: blank-line keepalives, one of which ended an event.
		lone, splits := keepBlankReads(rec)
		if len(lone) > 0 && len(splits) > 0 {
			suite.Evidence(ctx, "blank_keepalives", keepFirstN(lone, 5))
			suite.Evidence(ctx, "split_events", splits)
			suite.Failf(ctx, "blank-line keepalives only between events",
				"the target sends bare blank lines as keepalives (%d read(s) of only line endings between events, first %s) and %d such read(s) ended an event whose lines had arrived in an earlier read: %s",
				len(lone), lone[0], len(splits), keepFirst(splits))
		}
	})

	// The spec's keepalive is "a comment line (one starting with a ':'
	// character)", which no handler sees. Keepalives sent as events
	// (leyabierta/leyabierta PR #28 switched to `event: keepalive`) wake every
	// handler and must be filtered by every client.
	//
	// The rule, judged on the shared window: a dispatched event is a
	// keepalive when its type, its data (trimmed), or the "type"/"event" of a
	// JSON object in its data is ping, pong, keepalive, heartbeat or noop
	// (case-insensitive, ignoring '-', '_' and spaces): one is enough. An
	// event with empty data is a keepalive when it repeats (two or more in the
	// window), the `data:\n\n` heartbeat. Events the suite itself published
	// (marked with its nonce) are not judged.
	suite.Check(suite.Meta{
		ID: "SSE-KEEP-003", Level: suite.BP, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "Keepalives are comments, not events",
		Requirement: "Keepalives are comment lines, which clients ignore, not named or data events that reach application handlers.",
		Tolerates:   "events the suite itself published, and empty-data events that appear once (a real message), not as a repeating heartbeat; in a capture, which may span hours, empty-data events fail only as a heartbeat's share (at least three, and half of the events).",
	}, func(ctx context.Context) {
		rec := keepWindow(ctx)
		var named, empty []string
		for _, ev := range rec.Parse.Events {
			if keepPublishedBySuite(ev) {
				continue
			}
			where := fmt.Sprintf("byte %d%s: type %q, data %s", ev.Offset, keepAt(ctx, ev.At), ev.Type, quoteWire([]byte(ev.Data)))
			switch {
			case keepaliveWord(ev.Type) || keepaliveWord(ev.Data) || keepaliveJSON(ev.Data):
				named = append(named, where)
			case ev.Data == "":
				empty = append(empty, where)
			}
		}
		if len(named) > 0 {
			suite.Evidence(ctx, "keepalive_events", keepFirstN(named, 10))
			suite.Failf(ctx, "keepalives as comment lines (\": keepalive\"), no event reaching handlers",
				"%d of %d event(s) %s are keepalives delivered as events: %s",
				len(named), len(rec.Parse.Events), keepSpan(ctx, rec), keepFirst(named))
		}
		// Twice in the window is a heartbeat; a capture may span hours, so
		// there empty events must be a heartbeat's share: at least three,
		// and half of all the events.
		heartbeat := len(empty) >= 2
		if suite.Current(ctx).Offline() {
			heartbeat = len(empty) >= 3 && 2*len(empty) >= len(rec.Parse.Events)
		}
		if heartbeat {
			suite.Evidence(ctx, "empty_events", keepFirstN(empty, 10))
			suite.Failf(ctx, "keepalives as comment lines (\": keepalive\"), no event reaching handlers",
				"%d empty-data event(s) %s, a heartbeat delivered as events: %s",
				len(empty), keepSpan(ctx, rec), keepFirst(empty))
		}
	})

	// A global http.Server WriteTimeout cuts every stream N seconds after it
	// opened (xdlc-labs/xdlc-agent #71, "SSE connections go deaf 30 s after
	// connect"); proxies' and frameworks' response timeouts do the same.
	suite.Check(suite.Meta{
		ID: "SSE-KEEP-004", Level: suite.SHOULD, Source: "bug", Modes: observe, Slow: true,
		Title:       "The stream stays open past --hold",
		Requirement: "The stream stays open for as long as the client wants (checked for --hold, default 65 s): no server write timeout or response timeout cuts it.",
	}, func(ctx context.Context) {
		hold := suite.Current(ctx).Hold
		conn, err := suite.OpenStream(ctx, nil, stream.Options{Duration: hold})
		if err != nil {
			suite.Undecided("could not open the stream: %v", err)
		}
		rec := conn.Recording()
		if ok, got := keepServed(rec); !ok {
			conn.Close()
			suite.Skipf("the stream request answered %s, so there is no stream to hold (see SSE-HTTP-001/002)", got)
		}
		wctx, cancel := context.WithTimeout(ctx, hold+30*time.Second)
		defer cancel()
		rec = conn.Wait(wctx)
		suite.AttachRecording(ctx, "hold", rec)
		open := rec.EndAt - rec.HeadersAt
		suite.Evidence(ctx, "held_ms", open.Milliseconds())
		suite.Evidence(ctx, "hold_ms", hold.Milliseconds())
		switch rec.End {
		case stream.EndDeadline:
			return
		case stream.EndEOF, stream.EndError:
			how := "ended the body"
			if rec.End == stream.EndError {
				how = fmt.Sprintf("cut the connection (%v)", rec.Err)
			}
			last := "nothing"
			if n := len(rec.Chunks); n > 0 {
				last = fmt.Sprintf("%d ms", rec.Chunks[n-1].At.Milliseconds())
			}
			suite.Failf(ctx, fmt.Sprintf("the stream still open after --hold (%v)", hold),
				"the server %s %v after the headers (%d ms after the request; last data at %s), before --hold (%v)",
				how, open.Round(time.Millisecond), rec.EndAt.Milliseconds(), last, hold)
		case stream.EndCap:
			suite.Undecided("the recording hit its size limit after %v (%v); the stream could not be held for %v", open.Round(time.Millisecond), rec.Err, hold)
		default:
			suite.Undecided("the recording ended (%s) after %v before --hold (%v): %v", rec.End, open.Round(time.Millisecond), hold, rec.Err)
		}
	})
})

// keepWindow is the complete shared observation, or a skip when it holds
// no event stream to judge.
func keepWindow(ctx context.Context) *stream.Recording {
	if c := suite.Current(ctx).Capture; c != nil {
		// A capture, judged as the FRAME checks judge it: one of the body
		// alone as a 200's, an encoded one only when curl decoded it.
		rec := frameWindow(ctx)
		if ok, got := keepServed(rec); c.HasHead() && !ok {
			suite.Skipf("the captured response is %s, so there is no event stream to judge (see SSE-HTTP-001/002)", got)
		}
		return rec
	}
	rec := suite.SharedWindow(ctx)
	if ok, got := keepServed(rec); !ok {
		suite.Skipf("the stream request answered %s, so there is no event stream to judge (see SSE-HTTP-001/002)", got)
	}
	if ce := rec.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		suite.Skipf("the body is %s-encoded although the request offered no Accept-Encoding; keepalives are only judged on an identity-encoded stream", ce)
	}
	return rec
}

// keepTimed is rec with the arrival times of a capture that has them (a
// report.json recording keeps the time of each read, not its bytes):
// the headers, each read and the end, as the live recording had them.
func keepTimed(ctx context.Context, rec *stream.Recording) *stream.Recording {
	c := suite.Current(ctx).Capture
	if c == nil || c.Timing == nil {
		return rec
	}
	t := *rec
	t.HeadersAt, t.EndAt, t.End = c.Timing.HeadersAt, c.Timing.EndAt, c.Timing.End
	t.Chunks = nil
	for _, at := range c.Timing.Reads {
		t.Chunks = append(t.Chunks, stream.Chunk{At: at, Offset: -1})
	}
	return &t
}

// keepAt is an arrival time for a message, none for a capture (it has none).
func keepAt(ctx context.Context, d time.Duration) string {
	if suite.Current(ctx).Offline() {
		return ""
	}
	return fmt.Sprintf(" (%d ms)", d.Milliseconds())
}

// keepSpan names what was judged: the recording's span, or the capture.
func keepSpan(ctx context.Context, rec *stream.Recording) string {
	if suite.Current(ctx).Offline() {
		return "in the capture"
	}
	return "in " + rec.EndAt.Round(time.Millisecond).String()
}

// keepHeaderTimeout is how long the shared observation waits for headers
// (it opens with the default).
func keepHeaderTimeout() time.Duration { return stream.DefaultHeaderTimeout }

// keepServed reports whether rec is a 200 text/event-stream response, and
// describes what it was.
func keepServed(rec *stream.Recording) (bool, string) {
	ct := rec.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	return rec.Status == http.StatusOK && mt == "text/event-stream", fmt.Sprintf("status %d, Content-Type %q", rec.Status, ct)
}

// keepGap is one silence on the wire.
type keepGap struct {
	FromMS   int64  `json:"from_ms"`
	ToMS     int64  `json:"to_ms"`
	FromWhat string `json:"from"`
	ToWhat   string `json:"to"`
	from, to time.Duration
}

func (g keepGap) length() time.Duration { return g.to - g.from }

// keepLongestGap is the longest silence between the headers, the body reads
// and the end of the recording.
func keepLongestGap(rec *stream.Recording) keepGap {
	prev, prevWhat := rec.HeadersAt, fmt.Sprintf("the response headers (%d ms)", rec.HeadersAt.Milliseconds())
	var best keepGap
	consider := func(at time.Duration, what string) {
		if g := (keepGap{from: prev, to: at, FromWhat: prevWhat, ToWhat: what}); g.length() > best.length() || best.ToWhat == "" {
			best = g
		}
	}
	for _, c := range rec.Chunks {
		what := fmt.Sprintf("the body read at %d ms (byte %d)", c.At.Milliseconds(), c.Offset)
		if c.Offset < 0 { // a capture's read: its time is kept, not its bytes
			what = fmt.Sprintf("the body read at %d ms", c.At.Milliseconds())
		}
		consider(c.At, what)
		prev, prevWhat = c.At, what
	}
	end := fmt.Sprintf("the end of the window (%d ms)", rec.EndAt.Milliseconds())
	if rec.End != stream.EndDeadline {
		end = fmt.Sprintf("the end of the recording (%s, %d ms)", rec.End, rec.EndAt.Milliseconds())
	}
	consider(rec.EndAt, end)
	best.FromMS, best.ToMS = best.from.Milliseconds(), best.to.Milliseconds()
	return best
}

// keepBlankReads finds body reads that hold nothing but line endings: lone
// ones between events (blank-line keepalives) and ones that ended an event
// whose lines had arrived in an earlier read.
func keepBlankReads(rec *stream.Recording) (lone, splits []string) {
	res := rec.Parse
	for _, c := range rec.Chunks {
		if !keepOnlyLineEndings(c.Data) {
			continue
		}
		end := c.Offset + int64(len(c.Data))
		i := sort.Search(len(res.Lines), func(i int) bool { return res.Lines[i].Offset >= c.Offset })
		for ; i < len(res.Lines) && res.Lines[i].Offset < end; i++ {
			ln := res.Lines[i]
			if ln.Kind != parser.KindBlank {
				continue
			}
			if ln.Block < 0 {
				lone = append(lone, fmt.Sprintf("byte %d (%d ms)", ln.Offset, c.At.Milliseconds()))
				continue
			}
			if i == 0 || res.Lines[i-1].At >= c.At {
				continue // the event's own terminator, in the read that ended its last line
			}
			prev := res.Lines[i-1]
			splits = append(splits, fmt.Sprintf("a read of %s at %d ms ended the event block that began at byte %d (%s), %d ms after its last line arrived",
				quoteWire(c.Data), c.At.Milliseconds(), res.Blocks[ln.Block].Offset, keepBlockText(res, ln.Block, i-1), (c.At-prev.At).Milliseconds()))
		}
	}
	return lone, splits
}

func keepOnlyLineEndings(b []byte) bool {
	for _, c := range b {
		if c != '\n' && c != '\r' {
			return false
		}
	}
	return len(b) > 0
}

// keepBlockText quotes block blk's lines up to and including line upto.
func keepBlockText(res *parser.Result, blk, upto int) string {
	b := res.Blocks[blk]
	var parts []string
	for i := b.First; i <= upto && i < len(res.Lines); i++ {
		parts = append(parts, string(res.Lines[i].Raw))
	}
	return quoteWire([]byte(strings.Join(parts, "\n")))
}

// keepPublishedBySuite reports whether ev carries the nonce marker of an
// event the suite published (suite.Nonce) in its type, data or id.
func keepPublishedBySuite(ev parser.Event) bool {
	const marker = "ssespec-"
	return strings.Contains(ev.Type, marker) || strings.Contains(ev.Data, marker) ||
		ev.ID != nil && strings.Contains(*ev.ID, marker)
}

// keepaliveWord reports whether s names a keepalive: ping, pong, keepalive,
// heartbeat or noop, ignoring case, surrounding space, '-', '_' and spaces.
func keepaliveWord(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("-", "", "_", "", " ", "").Replace(s)
	switch s {
	case "ping", "pong", "keepalive", "heartbeat", "noop":
		return true
	}
	return false
}

// keepaliveJSON reports whether data is a JSON object whose "type" or
// "event" names a keepalive, e.g. {"type":"ping"}.
func keepaliveJSON(data string) bool {
	data = strings.TrimSpace(data)
	if !strings.HasPrefix(data, "{") {
		return false
	}
	var obj map[string]any
	if json.Unmarshal([]byte(data), &obj) != nil {
		return false
	}
	for _, k := range []string{"type", "event"} {
		if s, ok := obj[k].(string); ok && keepaliveWord(s) {
			return true
		}
	}
	return false
}

// keepFirst is the first finding and how many more there are.
func keepFirst(list []string) string {
	if len(list) > 1 {
		return fmt.Sprintf("%s (and %d more)", list[0], len(list)-1)
	}
	return list[0]
}

func keepFirstN(list []string, n int) []string {
	return list[:min(n, len(list))]
}
