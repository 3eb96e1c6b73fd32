package suite

import "fmt"

// Report entry names the reports package reads back.
const (
	EntryVerdict  = "ssespec:verdict"
	EntryExpected = "ssespec:expected"
	EntryActual   = "ssespec:actual"
	EntryEvidence = "ssespec:evidence:" // + key
)

// The verdict helpers end the check in progress (see Execute); call them
// from the check's own goroutine, as with testing.T's FailNow.

// Failf fails the check h2spec-style: what the requirement expects and what
// the target actually did.
func Failf(expected, actualFormat string, args ...any) {
	actual := fmt.Sprintf(actualFormat, args...)
	addEntry(EntryExpected, expected)
	addEntry(EntryActual, actual)
	panic(stop{VerdictFail, actual})
}

// Require fails with Expected/Actual unless ok.
func Require(ok bool, expected, actualFormat string, args ...any) {
	if !ok {
		Failf(expected, actualFormat, args...)
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
func Evidence(key string, v any) {
	addEntry(EntryEvidence+key, v)
}

// EntryNote carries a remark on a passing check (e.g. a BP warning).
const EntryNote = "ssespec:note"

// Note attaches a remark the report shows even when the check passes.
func Note(format string, args ...any) {
	addEntry(EntryNote, fmt.Sprintf(format, args...))
}
