package suite

import (
	"context"
	"fmt"
)

// Report entry names the reports package reads back.
const (
	EntryVerdict  = "ssespec:verdict"
	EntryExpected = "ssespec:expected"
	EntryActual   = "ssespec:actual"
	EntryEvidence = "ssespec:evidence:" // + key
)

// The verdict helpers end the check in progress (see Execute); call them
// from the check's own goroutine, as with testing.T's FailNow. Those that
// record something take the check's context, which says which check of
// which run it is.

// Failf fails the check h2spec-style: what the requirement expects and what
// the target actually did.
func Failf(ctx context.Context, expected, actualFormat string, args ...any) {
	actual := fmt.Sprintf(actualFormat, args...)
	addEntry(ctx, EntryExpected, expected)
	addEntry(ctx, EntryActual, actual)
	panic(stop{VerdictFail, actual})
}

// Require fails with Expected/Actual unless ok.
func Require(ctx context.Context, ok bool, expected, actualFormat string, args ...any) {
	if !ok {
		Failf(ctx, expected, actualFormat, args...)
	}
}

// Undecided ends the check with verdict error: the harness could not judge
// (timeout, refused connection), which is not the target's failure.
func Undecided(format string, args ...any) {
	panic(stop{VerdictError, fmt.Sprintf(format, args...)})
}

// Skipf ends the check with verdict skip; the message says why (mode,
// capability, or nothing observed to judge).
func Skipf(format string, args ...any) {
	panic(stop{VerdictSkip, fmt.Sprintf(format, args...)})
}

// Evidence attaches a named piece of evidence to the check's report entry;
// v must marshal to JSON.
func Evidence(ctx context.Context, key string, v any) {
	addEntry(ctx, EntryEvidence+key, v)
}

// EntryNote carries a remark on a passing check (e.g. a BP warning).
const EntryNote = "ssespec:note"

// Note attaches a remark the report shows even when the check passes.
func Note(ctx context.Context, format string, args ...any) {
	addEntry(ctx, EntryNote, fmt.Sprintf(format, args...))
}
