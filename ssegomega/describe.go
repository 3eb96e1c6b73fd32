package ssegomega

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onsi/gomega/matchers"
	"github.com/onsi/gomega/types"

	"github.com/ssespec/ssespec/harness/stream"
)

// Bounds on failure messages: a hostile or merely large stream must not
// flood the terminal.
const (
	maxText   = 120 // bytes of one value (data, type, id, header) shown
	maxEvents = 10  // events listed
	maxReads  = 5   // batched reads listed
)

// clip quotes s as a Go string (control bytes, invalid UTF-8 and invisible
// characters escaped, so nothing a server sent can drive the terminal) after
// cutting it to n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

// describeMatcher names what a submatcher expects, briefly.
func describeMatcher(m types.GomegaMatcher) string {
	if e, ok := m.(*matchers.EqualMatcher); ok {
		if s, ok := e.Expected.(string); ok {
			return clip(s, maxText)
		}
	}
	v := reflect.ValueOf(m)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	name := strings.TrimSuffix(v.Type().Name(), "Matcher")
	d := fmt.Sprintf("%+v", v.Interface())
	if len(d) > 2*maxText {
		d = d[:2*maxText] + "…"
	}
	q := strconv.Quote(name + d) // escapes what the matcher's values hold
	return q[1 : len(q)-1]
}

// ms formats a recording time.
func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

// eventLine is one event for a failure message.
func eventLine(i int, ev *Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  #%d at %s: type %s", i+1, ms(ev.At), clip(ev.Type, maxText))
	if ev.ID != nil {
		fmt.Fprintf(&b, ", id %s", clip(*ev.ID, maxText))
	}
	fmt.Fprintf(&b, ", data %s", clip(ev.Data, maxText))
	return b.String()
}

// received lists the last events of the snapshot and how the stream stands.
func (s *snapshot) received() string { return s.listEvents(true) }

// listEvents counts the events judged, with the stream's state when asked,
// then lists the last of them.
func (s *snapshot) listEvents(state bool) string {
	var b strings.Builder
	n := len(s.events)
	switch {
	case n == 0 && s.skipped > 0:
		fmt.Fprintf(&b, "no event since the mark at %s (%s before it)", ms(s.since), plural(s.skipped, "event"))
	case n == 0:
		b.WriteString("no event")
	default:
		b.WriteString(plural(n, "event"))
		if s.skipped > 0 {
			fmt.Fprintf(&b, " since the mark at %s", ms(s.since))
		}
		if n > maxEvents {
			fmt.Fprintf(&b, " (the last %d shown)", maxEvents)
		}
	}
	fmt.Fprintf(&b, "; %s received", plural(int(s.bytes), "body byte"))
	if state {
		b.WriteString("; " + s.state())
	}
	for i := max(0, n-maxEvents); i < n; i++ {
		b.WriteString("\n")
		b.WriteString(eventLine(s.skipped+i, &s.events[i]))
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// state says whether the stream is open or how it ended.
func (s *snapshot) state() string {
	switch {
	case !s.headers && s.end == stream.EndOpen:
		return "still waiting for the response headers"
	case s.end == stream.EndOpen:
		return "the stream is still open"
	}
	msg := fmt.Sprintf("the recording ended at %s: %s", ms(s.endAt), endReason(s.end))
	if s.err != nil {
		msg += " (" + clip(s.err.Error(), 2*maxText) + ")"
	}
	return msg
}

func endReason(e stream.EndReason) string {
	switch e {
	case stream.EndEOF:
		return "the server ended the body"
	case stream.EndDeadline:
		return "the recording's duration elapsed"
	case stream.EndCap:
		return "a recording limit was hit"
	case stream.EndIdle:
		return "nothing arrived for the idle timeout"
	case stream.EndError:
		return "the connection failed"
	case stream.EndCanceled:
		return "the client closed it"
	}
	return string(e)
}

// target names the stream in a message.
func (s *snapshot) target() string { return "the stream from " + clip(s.url, 2*maxText) }
