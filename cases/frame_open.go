package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// frameStallMin is how long an open stream may sit silent after an event's
// data lines without its blank line before that event counts as held back
// (SSE-FRAME-005); shorter, the blank line may still be on its way.
const frameStallMin = time.Second

// frameJudgeOpen is SSE-FRAME-005 on a stream still open when the window
// ended: its pending block, if it holds a complete data line and nothing
// arrived for frameStallMin, is an event the browser has not dispatched.
func frameJudgeOpen(ctx context.Context, rec *stream.Recording) {
	res := rec.Parse
	done := 0
	for _, b := range res.Blocks {
		if b.End != 0 && b.HasData {
			done++
		}
	}
	last := rec.HeadersAt
	if n := len(rec.Chunks); n > 0 {
		last = rec.Chunks[n-1].At
	}
	idle := rec.EndAt - last
	suite.Evidence(ctx, "idle_at_end_ms", idle.Milliseconds())
	blk := res.Pending
	inFlight := ""
	if blk != nil && frameHasDataLine(res, blk) {
		r := frameRef(ctx, res, blk.First, blk.Offset)
		r.Text = frameBlockText(res, blk)
		if idle >= frameStallMin {
			suite.Evidence(ctx, "unterminated_event", r)
			suite.Failf(ctx, "a blank line written with every event, so the browser dispatches it",
				"the event begun at byte %d (line %d, %s) had its data lines but no blank line, and nothing arrived for the last %v of the %s window: the browser has not dispatched it (the server writes an event's blank line late, e.g. only with the next event): %s",
				blk.Offset, blk.First+1, msText(r.at), idle.Round(time.Millisecond), msText(rec.EndAt), r.Text)
		}
		inFlight = fmt.Sprintf("; the event begun at byte %d was still arriving (last byte %v before the window ended), so it is not judged", blk.Offset, idle.Round(time.Millisecond))
	}
	if done == 0 {
		suite.Skipf("the stream stayed open and no event (a block with a data line) was completed in the %v window%s; nothing to judge", suite.Current(ctx).Window, inFlight)
	}
	suite.Note(ctx, "the stream stayed open; every event begun in the window was terminated by a blank line (%d)%s", done, inFlight)
}

// frameHasDataLine reports whether blk holds a data line that ended.
func frameHasDataLine(res *parser.Result, blk *parser.Block) bool {
	for _, ln := range res.Lines[blk.First : blk.Last+1] {
		if ln.Kind == parser.KindField && ln.Known && ln.Name == "data" && ln.Ending != parser.EndingNone {
			return true
		}
	}
	return false
}

// frameJudgeCapture is SSE-FRAME-005 on a capture (ssespec judge). With no
// arrival times and no telling whether the server ended the stream, an
// event the capture ends inside (its blank line held back by the server,
// the stream closed inside it, or curl stopped there) is not judged; every
// event before it ended with its blank line, since a blank line is what
// ends a block. A limit that stopped the recording ends it the same way.
func frameJudgeCapture(ctx context.Context, rec *stream.Recording) {
	res := rec.Parse
	done := 0
	for _, b := range res.Blocks {
		if b.End != 0 && b.HasData {
			done++
		}
	}
	if blk := res.Pending; blk != nil && frameLosesData(res, blk) {
		suite.Skipf("the capture ends inside the event begun at byte %d (line %d), after %d complete event(s): whether the server held its blank line back, closed the stream inside it, or the capture stopped there takes arrival times and the stream's end to tell (`ssespec run` judges it): %s",
			blk.Offset, blk.First+1, done, frameBlockText(res, blk))
	}
	if done == 0 {
		suite.Skipf("no event (a block with a data line) was completed in the capture; nothing to judge")
	}
	suite.Note(ctx, "every event in the capture (%d) ends with its blank line; whether the server writes each blank line with its event, not later, takes arrival times (`ssespec run`)", done)
}
