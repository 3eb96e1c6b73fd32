package cases

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

var _ = suite.Area("FRAME", func() {
	observe := []suite.Mode{suite.Observe}

	// "Event streams in this format must always be encoded as UTF-8."
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-001", Level: suite.MUST, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "The body is valid UTF-8",
		Requirement: "Event streams are always decoded as UTF-8; a byte sequence a strict UTF-8 decoder rejects reaches the page as U+FFFD.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		off := frameInvalidUTF8(rec)
		if off < 0 {
			return
		}
		res := rec.Parse
		i := frameLineAt(res, off)
		ln := res.Lines[i]
		suite.Evidence(ctx, "invalid_utf8", frameRef(ctx, res, i, off))
		suite.Failf(ctx, "a body a strict UTF-8 decoder accepts",
			"invalid UTF-8 byte 0x%02X at byte %d (line %d%s): %s",
			ln.Raw[off-ln.Offset], off, i+1, frameAt(ctx, ln.At), quoteWire(ln.Raw))
	})

	// "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark
	// (BOM), if any." Any other U+FEFF at a line start stays part of the field
	// name, so that line's field is ignored (wpt format-bom, format-bom-2).
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-002", Level: suite.MUST, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "At most one BOM, only at byte 0",
		Requirement: "Clients strip one U+FEFF at the very start of the stream; a BOM anywhere else at a line start makes that line an unknown field.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		var refs []frameLoc
		for _, off := range res.StrayBOMs {
			refs = append(refs, frameRef(ctx, res, frameLineAt(res, off), off))
		}
		if len(refs) > 0 {
			frameFail(ctx, "stray_boms", refs, "no U+FEFF except one at byte 0", "U+FEFF at the start of a line other than byte 0")
		}
		if res.BOM {
			suite.Note(ctx, "the body starts with a BOM, which clients strip")
		}
	})

	// "Field names must be compared literally, with no case folding
	// performed." / "Otherwise: The field is ignored." (wpt format-field-parsing,
	// format-field-unknown)
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-003", Level: suite.SHOULD, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "Every line is a comment or a data/event/id/retry field",
		Requirement: "Field names are case-sensitive and clients ignore unknown fields, so every non-blank line is a comment or a field named exactly data, event, id or retry.",
		Tolerates:   "comment lines anywhere and any of the three line endings (SSE-FRAME-004 judges those); in publish mode it also judges the target's encoding of the varied sample the suite publishes into the window.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		var refs []frameLoc
		for i, ln := range res.Lines {
			if ln.Kind != parser.KindField || ln.Known || ln.Ending == parser.EndingNone {
				continue
			}
			r := frameRef(ctx, res, i, ln.Offset)
			switch {
			case !bytes.ContainsRune(ln.Raw, ':'):
				r.Why = "a text line without a colon"
			case frameKnownFold(ln.Name):
				r.Why = fmt.Sprintf("field %q (names are case-sensitive)", ln.Name)
			default:
				r.Why = fmt.Sprintf("unknown field %q", ln.Name)
			}
			refs = append(refs, r)
		}
		if len(refs) > 0 {
			frameFail(ctx, "unknown_lines", refs, "only comments and data/event/id/retry fields", "%d line(s) that clients ignore", len(refs))
		}
	})

	// "while line buffering with lines are defined to end with a single U+000A
	// LINE FEED (LF) character is safe, block buffering or line buffering with
	// different expected line endings can cause delays in event dispatch."
	// CR and mixed endings broke clients: react-native-sse #41, BlackSheep #577.
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-004", Level: suite.BP, Source: "bug", Modes: observe, Offline: suite.OfflineBody,
		Title:       "One line-ending style, LF",
		Requirement: "Lines end in LF throughout; CR-only or mixed line endings, though valid, break line-buffering clients and proxies.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		styles := []parser.Ending{parser.EndingLF, parser.EndingCRLF, parser.EndingCR}
		count := map[parser.Ending]int{}
		first := map[parser.Ending]int{}
		for i, ln := range res.Lines {
			if ln.Ending == parser.EndingNone || frameTrailingCR(rec, i) {
				continue // no ending yet, or a CR whose LF may still have been on its way
			}
			if count[ln.Ending] == 0 {
				first[ln.Ending] = i
			}
			count[ln.Ending]++
		}
		var used []string
		for _, s := range styles {
			if n := count[s]; n > 0 {
				i := first[s]
				used = append(used, fmt.Sprintf("%s on %d line(s), first at byte %d (line %d%s)",
					s, n, res.Lines[i].Offset, i+1, frameAt(ctx, res.Lines[i].At)))
			}
		}
		suite.Evidence(ctx, "line_endings", count)
		switch {
		case len(used) == 0:
			suite.Skipf("no complete line arrived %s; nothing to judge", frameSpan(ctx))
		case len(used) > 1:
			suite.Failf(ctx, "every line ends in LF", "mixed line endings: %s", strings.Join(used, "; "))
		case count[parser.EndingCR] > 0:
			suite.Failf(ctx, "every line ends in LF", "every line ends in a bare CR: %s", used[0])
		case count[parser.EndingCRLF] > 0:
			suite.Note(ctx, "every line ends in CRLF: valid and consistent, but LF alone is safest (CRLF broke react-native-sse #41)")
		}
	})

	// "Once the end of the file is reached, any pending data must be
	// discarded. (If the file ends in the middle of an event, before the final
	// empty line, the incomplete event is not dispatched.)" On a stream still
	// open at the window's end, an event whose data lines arrived but whose
	// blank line did not, with no byte at all for frameStallMin before the
	// end, is held back: the browser has not dispatched it (the "one event
	// behind" fault: the blank line is written with the next event). An event
	// still arriving (its last byte under frameStallMin before the end, as in
	// a large event trickled out slowly) is in flight, not judged; a block of
	// only comments or retry is no event.
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-005", Level: suite.MUST, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "Every event is terminated by a blank line",
		Requirement: "Every event ends with a blank line, written with the event: clients silently drop an event the stream ends inside, and dispatch an event only when its blank line arrives (an event left without one for 1 s on an open stream is held back).",
		Tolerates:   "open streams whose events are all terminated, an event still arriving in the last second of the window (a large event trickled out slowly), and comment-only streams (skip: no event to judge).",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		if suite.Current(ctx).Offline() {
			frameJudgeCapture(ctx, rec)
			return
		}
		switch rec.End {
		case stream.EndEOF:
		case stream.EndDeadline, stream.EndCanceled:
			frameJudgeOpen(ctx, rec)
			return
		case stream.EndCap:
			// A limit is the harness giving up, not a verdict on the target:
			// error (which a MUST turns into exit 1), never a quiet skip.
			suite.Undecided("the recording stopped at the harness's limit after %d bytes (%s), before the stream ended: %v; to judge it, %s",
				rec.Bytes, msText(rec.EndAt), rec.Err, suite.LimitRemedy(rec.Err))
		default:
			suite.Skipf("the recording ended with %s (%v), not with the server closing the stream; nothing to judge", rec.End, rec.Err)
		}
		blk := res.Pending
		if blk == nil || !frameLosesData(res, blk) {
			suite.Note(ctx, "the server closed the stream at %s with no event left unterminated", msText(rec.EndAt))
			return
		}
		r := frameRef(ctx, res, blk.First, blk.Offset)
		r.Text = frameBlockText(res, blk)
		suite.Evidence(ctx, "unterminated_event", r)
		suite.Failf(ctx, "a blank line after the last event before the stream ends",
			"the server closed the stream at byte %d (%s) inside an event that no blank line ended, begun at byte %d (line %d, %s): %s",
			res.Bytes, msText(rec.EndAt), blk.Offset, blk.First+1, msText(r.at), r.Text)
	})

	// "If the data buffer is an empty string, set the data buffer and the event
	// type buffer to the empty string and return." — nothing is fired. Data-less
	// signals browsers drop: r3labs/sse #46, eventsource-stream #6.
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-006", Level: suite.SHOULD, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "Every event block carries a data line",
		Requirement: "A block with event or id fields but no data line dispatches nothing in browsers; every event carries at least one data line.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		var refs []frameLoc
		closed := 0
		for i := range res.Blocks {
			blk := &res.Blocks[i]
			if blk.End == 0 {
				continue // pending: SSE-FRAME-005's business
			}
			closed++
			if !blk.HasData && (blk.HasEvent || blk.HasID) {
				r := frameRef(ctx, res, blk.First, blk.Offset)
				r.Text = frameBlockText(res, blk)
				refs = append(refs, r)
			}
		}
		if closed == 0 {
			suite.Skipf("no event block was completed %s; nothing to judge", frameSpan(ctx))
		}
		if len(refs) > 0 {
			frameFail(ctx, "blocks_without_data", refs, "every block with event or id fields also has a data line", "%d of %d block(s) without data, which browsers never fire", len(refs), closed)
		}
	})

	// "If the field value consists of only ASCII digits, then interpret the
	// field value as an integer in base ten ... Otherwise, ignore the field."
	// (wpt format-field-retry-bogus)
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-007", Level: suite.SHOULD, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "retry values are ASCII digits only",
		Requirement: "A retry field whose value is not only ASCII digits is ignored by clients, so the server's reconnection time never applies.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		var refs []frameLoc
		seen := 0
		for i, ln := range res.Lines {
			if ln.Name != "retry" || ln.Ending == parser.EndingNone {
				continue
			}
			seen++
			if !frameDigits(ln.Value) {
				r := frameRef(ctx, res, i, ln.Offset)
				r.Why = fmt.Sprintf("value %q", ln.Value)
				refs = append(refs, r)
			}
		}
		if seen == 0 {
			suite.Skipf("no retry field arrived %s; retry is optional, nothing to judge", frameSpan(ctx))
		}
		if len(refs) > 0 {
			frameFail(ctx, "bad_retry", refs, "retry values of ASCII digits only (milliseconds)", "%d retry field(s) that clients ignore", len(refs))
		}
	})

	// "If the field value does not contain U+0000 NULL, then set the last event
	// ID buffer to the field value. Otherwise, ignore the field." Fetch lets a
	// Last-Event-ID skip the CORS preflight only when it is at most 128 bytes
	// with no CORS-unsafe request-header bytes.
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-008", Level: suite.SHOULD, Source: "html", Modes: observe, Offline: suite.OfflineBody,
		Title:       "id values contain no NUL",
		Requirement: "Clients ignore an id containing U+0000; best practice also keeps ids to 128 bytes without CORS-unsafe bytes, so Last-Event-ID needs no preflight.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		var nul, long, unsafe []frameLoc
		seen := 0
		for i, ln := range res.Lines {
			if ln.Name != "id" || ln.Ending == parser.EndingNone {
				continue
			}
			seen++
			r := frameRef(ctx, res, i, ln.Offset)
			r.Why = fmt.Sprintf("id %s", quoteWire([]byte(ln.Value)))
			switch {
			case strings.ContainsRune(ln.Value, 0):
				r.Offset = ln.Offset + int64(bytes.IndexByte(ln.Raw, 0))
				nul = append(nul, r)
			case len(ln.Value) > 128:
				r.Why = fmt.Sprintf("a %d-byte id", len(ln.Value))
				long = append(long, r)
			case strings.IndexFunc(ln.Value, frameCORSUnsafe) >= 0:
				unsafe = append(unsafe, r)
			}
		}
		if seen == 0 {
			suite.Skipf("no id field arrived %s; ids are optional, nothing to judge", frameSpan(ctx))
		}
		if len(nul) > 0 {
			suite.Evidence(ctx, "ids_with_nul", frameFirst(nul))
			suite.Failf(ctx, "id values without U+0000", "%d id(s) containing NUL, which clients ignore: %s", len(nul), frameList(nul))
		}
		if len(long) > 0 {
			suite.Evidence(ctx, "long_ids", frameFirst(long))
			suite.Note(ctx, "best practice: %d id(s) longer than 128 bytes make Last-Event-ID need a CORS preflight: %s", len(long), frameList(long))
		}
		if len(unsafe) > 0 {
			suite.Evidence(ctx, "cors_unsafe_ids", frameFirst(unsafe))
			suite.Note(ctx, "best practice: %d id(s) with CORS-unsafe bytes make Last-Event-ID need a CORS preflight: %s", len(unsafe), frameList(unsafe))
		}
	})

	// An id names an event for resumption after Last-Event-ID; a repeated id
	// makes a resume skip or replay the wrong events (izanami PR #51).
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-009", Level: suite.BP, Source: "bug", Modes: observe, Offline: suite.OfflineBody,
		Title:       "Event ids never repeat within a connection",
		Requirement: "When events carry ids, each id names one event: a repeated id makes a resume with Last-Event-ID ambiguous.",
	}, func(ctx context.Context) {
		rec := frameWindow(ctx)
		res := rec.Parse
		firstAt := map[string]int{} // id → index of the first event carrying it
		var refs []frameLoc
		withID := 0
		for i, ev := range res.Events {
			if ev.ID == nil || *ev.ID == "" {
				continue
			}
			withID++
			j, dup := firstAt[*ev.ID]
			if !dup {
				firstAt[*ev.ID] = i
				continue
			}
			prev := res.Events[j]
			r := frameRef(ctx, res, res.Blocks[ev.Block].First, ev.Offset)
			r.Why = fmt.Sprintf("id %s, first used by the event at byte %d%s", quoteWire([]byte(*ev.ID)), prev.Offset, frameAt(ctx, prev.At))
			refs = append(refs, r)
		}
		if withID == 0 {
			suite.Skipf("no event carried an id %s; ids are optional, nothing to judge", frameSpan(ctx))
		}
		if len(refs) > 0 {
			frameFail(ctx, "repeated_ids", refs, "a distinct id on every event", "%d of %d event id(s) repeat an earlier one", len(refs), withID)
		}
	})
})
