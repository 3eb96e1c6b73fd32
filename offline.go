package ssespec

import (
	"errors"
	"fmt"

	"github.com/ssespec/ssespec/harness/parser"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// OfflineMode is the report's mode of a run that judged a capture (ssespec
// judge), so nobody takes its report for a live run's.
const OfflineMode = "offline"

// offlineWarnings say, in the report, that the run judged a capture, what
// the capture lacked, and where a limit stopped its recording (on a live
// stream SSE-FRAME-005 says that; offline no check does). The notes name
// the user's file: they are cut like every warning, and the console and
// the HTML report make them printable.
func offlineWarnings(c *suite.Capture, recs map[string]*stream.Recording) []string {
	out := []string{"judged offline from a capture, not a live target: only the checks that judge the body's bytes" +
		" (and, when the capture has them, the status and headers, and a report.json's arrival times) give verdicts; the rest skip, and `ssespec run` judges them"}
	for _, n := range c.Notes {
		out = append(out, reports.CutText(n))
	}
	if rec := recs["observation"]; rec != nil && rec.End == stream.EndCap {
		parsed := rec.Bytes
		if n := len(rec.Parse.Lines); n > 0 {
			last := rec.Parse.Lines[n-1]
			parsed = last.Offset + int64(len(last.Raw))
		}
		out = append(out, reports.CutText(fmt.Sprintf("the capture's recording stopped at a limit (%v): the checks judged the lines up to body byte %d only; %s",
			rec.Err, parsed, offlineRemedy(rec.Err))))
	}
	return out
}

// offlineRemedy says how to judge what a limit left out of a capture.
func offlineRemedy(err error) string {
	switch {
	case errors.Is(err, parser.ErrTooManyLines):
		return fmt.Sprintf("to judge the rest, split the file at a blank line and judge each part (the parser keeps %d lines)", parser.DefaultMaxLines)
	case errors.Is(err, parser.ErrDataTooLong):
		return "no flag raises the parser's limit on one event's data"
	}
	return "to judge the rest, " + suite.LimitRemedy(err)
}
