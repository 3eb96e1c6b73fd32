package cases

import (
	"fmt"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
)

const milli = time.Millisecond

// counter is events "count i" for i in from..to, event i arriving at at(i).
func counter(from, to int, at func(i int) time.Duration) []parser.Event {
	var evs []parser.Event
	for i := from; i <= to; i++ {
		id := fmt.Sprint(i)
		evs = append(evs, parser.Event{Type: "message", Data: "count " + id, ID: &id, At: at(i)})
	}
	return evs
}

// The judgement on recordings too rare to build with a live server: a
// per-connection counter whose second stream the reader saw late, so its
// first events arrived together.
func TestResumeJudge(t *testing.T) {
	paced := func(i int) time.Duration { return time.Duration(i) * 200 * milli }
	a := counter(1, 6, paced) // A: headers at 0, one event each 200 milli
	cutoff := 1300 * milli    // B's request, after A's count 6
	for _, c := range []struct {
		name   string
		b      []parser.Event
		replay bool
	}{
		{"per-connection, paced", counter(1, 3, paced), false},
		{"per-connection, first three read together", counter(1, 3, func(i int) time.Duration { return 600*milli + time.Duration(i)*milli }), false},
		{"per-connection, all six read together", counter(1, 6, func(i int) time.Duration { return 900*milli + time.Duration(i)*milli }), false},
		{"per-connection, faster than A", counter(1, 6, func(i int) time.Duration { return time.Duration(i) * 60 * milli }), false},
		{"history burst", counter(1, 6, func(int) time.Duration { return 5 * milli }), true},
		{"ring of the last three", counter(4, 6, func(int) time.Duration { return 5 * milli }), true},
		{"latest only", counter(6, 6, func(int) time.Duration { return 5 * milli }), false},
		{"history trickled, 45 ms an event", counter(1, 6, func(i int) time.Duration { return time.Duration(i) * 45 * milli }), true},
	} {
		j := resumeJudge(a, 0, c.b, 0, cutoff)
		if got := len(j.replayed) > 0; got != c.replay {
			t.Errorf("%s: replayed %v (matched %v, %v on A, %v on B), want %v", c.name, got, j.matched, j.offA, j.offB, c.replay)
		}
	}

	// Both readers stalled: A got counts 2..6 together a second late, B its
	// first five together.
	late := append(counter(1, 1, paced), counter(2, 6, func(i int) time.Duration { return 1250*milli + time.Duration(i)*milli })...)
	b := counter(1, 5, func(i int) time.Duration { return 1000*milli + time.Duration(i)*milli })
	if j := resumeJudge(late, 0, b, 0, 1300*milli); len(j.replayed) > 0 {
		t.Errorf("stalled readers: replayed %v (%v on A, %v on B)", j.replayed, j.offA, j.offB)
	}
}
