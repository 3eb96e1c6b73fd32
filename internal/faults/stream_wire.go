package faults

import (
	"fmt"
	"strings"
)

// Wire is what the stream sends for its first n events, without their
// timing: the preamble, then each event followed by one keepalive, then the
// end body if the stream ends first. It is built from the same fields
// ServeHTTP writes, so a canned recording of a fault
// (testdata/recordings/faults) is checked against the fault it records.
func (s Stream) Wire(n int) string {
	var b strings.Builder
	b.WriteString(or(s.Preamble, ": ok\nretry: 3000\n\n"))
	frame := s.Frame
	if frame == nil {
		frame = DefaultFrame
	}
	for i := 1; i <= n; i++ {
		if s.Events > 0 && i > s.Events {
			b.WriteString(s.EndBody)
			break
		}
		b.WriteString(frame(i))
		if s.Keepalive >= 0 {
			b.WriteString(or(s.KeepaliveAs, ": keepalive\n\n"))
		}
	}
	return b.String()
}

// Wire is the named fault's Wire(n); only the Stream faults that answer
// 200 have one.
func Wire(name string, n int) (string, error) {
	s, ok := registered(name).(Stream)
	if !ok {
		return "", fmt.Errorf("fault %q is not a Stream: it has no fixed wire form", name)
	}
	if s.Status != 0 && s.Status != 200 {
		return "", fmt.Errorf("fault %q answers %d: its body is no event stream", name, s.Status)
	}
	return s.Wire(n), nil
}
