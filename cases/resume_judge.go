package cases

import (
	"fmt"
	"slices"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
)

// A connect burst is what a server writes at once when a stream opens: a
// greeting, a snapshot, or replayed history. Its first event arrives within
// resumeBurstConnect of the response headers and each next one within
// resumeBurstGap of the one before; live events, paced by the server's
// clock, do not.
const (
	resumeBurstConnect = time.Second
	resumeBurstGap     = 50 * time.Millisecond
)

// resumeBurst is how many of evs (a stream whose headers arrived at
// headersAt) belong to its connect burst.
func resumeBurst(evs []parser.Event, headersAt time.Duration) int {
	if len(evs) == 0 || evs[0].At-headersAt > resumeBurstConnect {
		return 0
	}
	n := 1
	for n < len(evs) && evs[n].At-evs[n-1].At <= resumeBurstGap {
		n++
	}
	return n
}

// resumeKey identifies an event's content across connections: its type and
// data. Ids are left out: servers that number each connection's events
// from 1 give different events the same id.
func resumeKey(ev parser.Event) string {
	return fmt.Sprintf("type %q data %s", ev.Type, quoteWire([]byte(ev.Data)))
}

type resumeJudgement struct {
	old      []string      // keys of A's history before B connected, oldest first
	latest   string        // the newest of them
	matched  []string      // old keys in B's connect burst, in A's order
	offA     time.Duration // when the newest matched event arrived on A, after A's headers...
	offB     time.Duration // ...and on B, after B's headers
	replayed []string      // matched, when they are replayed history
	sawLive  bool          // B received an event A received after B connected
	done     bool          // B's connect burst is over (a later event arrived)
}

// resumeJudge compares fresh stream B with stream A. Times are on each
// recording's clock; cutoff is when B's request was sent, on A's clock.
//
// A's history is what A received after its own connect burst and before
// cutoff, less anything A received again after cutoff (a server that sends
// the same data all the time). B replayed it when B's connect burst holds
// at least two of those events (three when A had three) in A's order,
// reaching A's newest or second-newest, and B got the newest of them at
// least three times sooner after its headers than A did: a per-connection
// generator sends B its events on the schedule it sent A's, and a slow
// reader only delays B's events, never hurries them.
func resumeJudge(a []parser.Event, aHeaders time.Duration, b []parser.Event, bHeaders, cutoff time.Duration) resumeJudgement {
	var j resumeJudgement
	after := map[string]bool{}
	for _, ev := range a {
		if ev.At >= cutoff {
			after[resumeKey(ev)] = true
		}
	}
	last := map[string]int{} // key → index of its last arrival in A
	for i := resumeBurst(a, aHeaders); i < len(a) && a[i].At < cutoff; i++ {
		if k := resumeKey(a[i]); !after[k] {
			last[k] = i
		}
	}
	var order []int
	for _, i := range last {
		order = append(order, i)
	}
	slices.Sort(order)
	rank := map[string]int{}
	for r, i := range order {
		k := resumeKey(a[i])
		rank[k] = r
		j.old = append(j.old, k)
		j.latest = k
	}

	nb := resumeBurst(b, bHeaders)
	j.done = nb < len(b)
	prev := -1
	for _, ev := range b[:nb] {
		k := resumeKey(ev)
		r, ok := rank[k]
		if !ok || r <= prev {
			continue
		}
		j.offA, j.offB, prev = a[order[r]].At-aHeaders, ev.At-bHeaders, r
		j.matched = append(j.matched, k)
	}
	for _, ev := range b {
		if after[resumeKey(ev)] {
			j.sawLive = true
		}
	}
	need := min(3, len(j.old))
	if len(j.matched) >= max(2, need) && prev >= len(j.old)-2 && j.offA >= 3*j.offB+resumeBurstGap {
		j.replayed = j.matched
	}
	return j
}
