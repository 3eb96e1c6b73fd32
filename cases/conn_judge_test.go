package cases

import (
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
)

func ev(data string, at time.Duration) parser.Event {
	return parser.Event{Type: "message", Data: data, At: at}
}

// What connResent finds in one connect's window (1000..2000 ms) of the open
// stream's events.
func TestConnResent(t *testing.T) {
	round := connRound{start: 1000 * milli, end: 2000 * milli}
	for _, c := range []struct {
		name string
		evs  []parser.Event
		want bool // a burst of two or more different repeats
	}{
		{"welcome and history again at connect", []parser.Event{
			ev("welcome", 0), ev("t1", 200*milli), ev("t2", 400*milli), ev("t3", 600*milli),
			ev("welcome", 1010*milli), ev("t2", 1010*milli), ev("t3", 1011*milli), ev("t4", 1200*milli),
		}, true},
		{"unique live events", []parser.Event{
			ev("t1", 200*milli), ev("t2", 400*milli), ev("t3", 600*milli), ev("t4", 1200*milli), ev("t5", 1400*milli),
		}, false},
		{"a cycle of three, paced", []parser.Event{
			ev("q1", 200*milli), ev("q2", 400*milli), ev("q3", 600*milli), ev("q1", 800*milli),
			ev("q2", 1000*milli), ev("q3", 1200*milli), ev("q1", 1400*milli), ev("q2", 1600*milli),
		}, false},
		{"the same hello all the time", []parser.Event{
			ev("hello", 0), ev("hello", 200*milli), ev("hello", 1010*milli), ev("hello", 1011*milli),
		}, false},
		{"presence counts", []parser.Event{
			ev("1 online", 0), ev("2 online", 1010*milli), ev("t9", 1012*milli),
		}, false},
	} {
		got := connResent(c.evs, round, connRoutine(c.evs, round.start))
		if len(got) >= 2 != c.want {
			t.Errorf("%s: re-sent %q, want a burst: %v", c.name, got, c.want)
		}
	}
}
