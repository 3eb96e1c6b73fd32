package ssegomega

import (
	"fmt"

	"github.com/onsi/gomega/types"

	"github.com/ssespec/ssespec/harness/stream"
)

// EndCleanly succeeds when the server ended the stream in order: the body
// ended (EOF: a chunked body's terminating chunk, or the connection closed
// after a Content-Length or HTTP/1.0 body) with no transport error, and its
// last event was complete: no block of fields the blank line never
// terminated (clients silently drop it) and no unterminated last line.
// A reset, a truncated chunk, a recording limit, or a stream still open
// (or closed by the client) does not end cleanly. On a live stream, wait
// for the end with Eventually.
func EndCleanly() types.GomegaMatcher { return &endMatcher{} }

type endMatcher struct {
	last *snapshot
	why  string
}

func (m *endMatcher) Match(actual any) (bool, error) {
	s, err := take(actual)
	if err != nil {
		return false, err
	}
	m.last = s
	switch {
	case s.end == stream.EndOpen:
		m.why = s.state()
	case s.end != stream.EndEOF || s.err != nil:
		m.why = s.state()
		if s.end == stream.EndError {
			m.why += ": a reset or a truncated body"
		}
	case s.pending != nil:
		m.why = fmt.Sprintf("the server ended the body at byte %d inside an event no blank line terminated, begun at byte %d: %s",
			s.bytes, s.pending.Offset, s.pendText)
	case s.untermEnd:
		m.why = fmt.Sprintf("the server ended the body at byte %d inside a line with no line ending: %s", s.bytes, s.pendText)
	default:
		m.why = fmt.Sprintf("the server ended the body at %s after %d bytes, its last event complete", ms(s.endAt), s.bytes)
		return true, nil
	}
	return false, nil
}

func (m *endMatcher) FailureMessage(any) string {
	return fmt.Sprintf("Expected %s\nto end cleanly (the server ends the body after a complete event)\nbut %s\nIt received %s",
		m.last.target(), m.why, m.last.listEvents(false))
}

func (m *endMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected %s\nnot to end cleanly\nbut %s", m.last.target(), m.why)
}

func (m *endMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
