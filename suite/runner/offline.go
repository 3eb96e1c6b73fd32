package runner

import (
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// OfflineMode is the report's mode of a run that judged a capture (ssespec
// judge), so nobody takes its report for a live run's.
const OfflineMode = "offline"

// offlineWarnings say, in the report, that the run judged a capture and
// what the capture lacked. The notes name the user's file: they are cut
// and made printable like every warning.
func offlineWarnings(c *suite.Capture) []string {
	out := []string{"judged offline from a capture, not a live target: only the checks that judge the body's bytes" +
		" (and, when the capture has them, the status and headers) give verdicts; the rest skip, and `ssespec run` judges them"}
	for _, n := range c.Notes {
		out = append(out, reports.CutText(n))
	}
	return out
}
