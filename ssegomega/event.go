package ssegomega

import (
	"fmt"
	"strings"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
)

// EventOption narrows which events match: ReceiveEvent needs one event that
// satisfies all of them; HaveNoBatchedReads judges only such events.
type EventOption func(*eventSpec)

type eventSpec struct {
	typ, data, id, lastID types.GomegaMatcher
	within                time.Duration
	into                  *Event
	err                   error
	desc                  []string
}

// WithType matches the event's type (its event field; "message" when it
// had none), a string for equality or any Gomega matcher.
func WithType(want any) EventOption {
	return func(s *eventSpec) { s.typ = s.matcher("type", want) }
}

// WithData matches the event's data (its data lines joined with LF, as
// MessageEvent.data), a string for equality or any Gomega matcher.
func WithData(want any) EventOption {
	return func(s *eventSpec) { s.data = s.matcher("data", want) }
}

// WithID matches the event's own id field; an event without one never
// matches.
func WithID(want any) EventOption {
	return func(s *eventSpec) { s.id = s.matcher("id", want) }
}

// WithLastEventID matches MessageEvent.lastEventId: the last id seen when
// the event was dispatched, which an event without an id field inherits.
func WithLastEventID(want any) EventOption {
	return func(s *eventSpec) { s.lastID = s.matcher("lastEventId", want) }
}

// Within matches an event that arrived at most d after the Mark (after the
// request was sent, when matching a *stream.Conn or *stream.Recording),
// measured on the recording's clock: unlike Eventually's timeout, it does
// not depend on when the assertion ran.
func Within(d time.Duration) EventOption {
	return func(s *eventSpec) {
		s.within = d
		s.desc = append(s.desc, "arriving within "+d.String())
	}
}

// StoreIn copies the first matching event into ev.
func StoreIn(ev *Event) EventOption {
	return func(s *eventSpec) { s.into = ev }
}

func (s *eventSpec) matcher(field string, want any) types.GomegaMatcher {
	var m types.GomegaMatcher
	switch w := want.(type) {
	case string:
		m = gomega.Equal(w)
	case types.GomegaMatcher:
		m = w
	default:
		s.err = fmt.Errorf("ssegomega: With%s wants a string or a Gomega matcher, got %T", strings.ToUpper(field[:1])+field[1:], want)
		return nil
	}
	s.desc = append(s.desc, field+" "+describeMatcher(m))
	return m
}

func newSpec(opts []EventOption) *eventSpec {
	s := &eventSpec{}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *eventSpec) String() string {
	if len(s.desc) == 0 {
		return "any event"
	}
	return "an event with " + strings.Join(s.desc, ", ")
}

// match reports whether ev satisfies every option; since is the Mark's time.
func (s *eventSpec) match(ev *Event, since time.Duration) (bool, error) {
	if s.within > 0 && ev.At-since > s.within {
		return false, nil
	}
	if s.id != nil && ev.ID == nil {
		return false, nil
	}
	checks := []struct {
		m types.GomegaMatcher
		v func() string
	}{
		{s.typ, func() string { return ev.Type }},
		{s.data, func() string { return ev.Data }},
		{s.id, func() string { return *ev.ID }},
		{s.lastID, func() string { return ev.LastEventID }},
	}
	for _, c := range checks {
		if c.m == nil {
			continue
		}
		ok, err := c.m.Match(c.v())
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// ReceiveEvent succeeds when some event recorded so far (since the Mark,
// for a Mark) satisfies every option; with none, any event does. It does
// not consume: the next assertion sees the same events. Poll a live stream
// with Eventually:
//
//	Eventually(conn).WithTimeout(time.Second).Should(ReceiveEvent(WithType("tick")))
func ReceiveEvent(opts ...EventOption) types.GomegaMatcher {
	return &receiveMatcher{spec: newSpec(opts)}
}

type receiveMatcher struct {
	spec *eventSpec
	last *snapshot
	hit  int // index in last.events of the event that matched
}

func (m *receiveMatcher) Match(actual any) (bool, error) {
	if m.spec.err != nil {
		return false, m.spec.err
	}
	s, err := take(actual)
	if err != nil {
		return false, err
	}
	m.last = s
	for i := range s.events {
		ok, err := m.spec.match(&s.events[i], s.since)
		if err != nil {
			return false, err
		}
		if ok {
			m.hit = i
			if m.spec.into != nil {
				*m.spec.into = s.events[i]
			}
			return true, nil
		}
	}
	return false, nil
}

func (m *receiveMatcher) FailureMessage(any) string {
	return fmt.Sprintf("Expected %s\nto have received %s\nbut it received %s", m.last.target(), m.spec, m.last.received())
}

func (m *receiveMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected %s\nnot to have received %s\nbut it received\n%s", m.last.target(), m.spec, eventLine(m.last.skipped+m.hit, &m.last.events[m.hit]))
}

// MatchMayChangeInTheFuture tells Eventually to stop polling a stream that
// has ended.
func (m *receiveMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
