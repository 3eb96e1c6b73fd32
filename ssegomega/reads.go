package ssegomega

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/ssespec/ssespec/harness/stream"
)

// HaveNoBatchedReads succeeds when no read of the body carried the ends of
// two or more events: each event reached the client on its own. A read is
// one read of the connection as the harness recorded it (one timestamped
// Chunk): a server that flushes each event as it is complete, written apart
// in time, is read once per event; a buffering server or proxy, or
// compression without flushing, delivers several at once.
//
// Judge only events the server wrote apart: events sent back to back (a
// replayed backlog, a burst) legitimately share a read. The options select
// them (HaveNoBatchedReads(WithType("price"))); events before a Mark are
// not judged.
//
// Tolerance: a reader that stalls (a loaded CI machine, a GC pause) can
// find two events waiting in the socket at once. For a long series use
// HaveBatchedReadsAtMost(n) (ssespec's own SSE-FLUSH-001 tolerates one
// such read per ten events); a buffering server batches nearly every read.
func HaveNoBatchedReads(opts ...EventOption) types.GomegaMatcher {
	return HaveBatchedReadsAtMost(0, opts...)
}

// HaveBatchedReadsAtMost is HaveNoBatchedReads tolerating n batched reads.
func HaveBatchedReadsAtMost(n int, opts ...EventOption) types.GomegaMatcher {
	return &batchMatcher{allowed: n, spec: newSpec(opts)}
}

type batchMatcher struct {
	allowed int
	spec    *eventSpec
	last    *snapshot
	judged  int
	batched [][]int // per batched read, the indexes of its events in last.events
	reads   []int   // the read (chunk index) of each batched group
}

func (m *batchMatcher) Match(actual any) (bool, error) {
	if m.spec.err != nil {
		return false, m.spec.err
	}
	if m.spec.into != nil || m.spec.within > 0 {
		return false, fmt.Errorf("ssegomega: StoreIn and Within do not apply to HaveNoBatchedReads")
	}
	s, err := take(actual)
	if err != nil {
		return false, err
	}
	m.last, m.judged, m.batched, m.reads = s, 0, nil, nil
	byRead := map[int][]int{}
	for i := range s.events {
		ok, err := m.spec.match(&s.events[i], s.since)
		if err != nil {
			return false, err
		}
		if !ok {
			continue
		}
		m.judged++
		r := readOf(s.chunks, s.events[i].End-1) // the read that brought its blank line
		byRead[r] = append(byRead[r], i)
	}
	for r, evs := range byRead {
		if len(evs) > 1 {
			m.reads = append(m.reads, r)
		}
	}
	sort.Ints(m.reads)
	for _, r := range m.reads {
		m.batched = append(m.batched, byRead[r])
	}
	return len(m.batched) <= m.allowed, nil
}

// readOf is the index of the read that delivered body offset off.
func readOf(chunks []stream.Chunk, off int64) int {
	return sort.Search(len(chunks), func(i int) bool {
		return chunks[i].Offset+int64(len(chunks[i].Data)) > off
	})
}

func (m *batchMatcher) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of the %d reads carried more than one of the %d events judged (%s)",
		len(m.batched), len(m.last.chunks), m.judged, m.spec)
	for k, evs := range m.batched {
		if k == maxReads {
			fmt.Fprintf(&b, "\n  … and %d more", len(m.batched)-maxReads)
			break
		}
		c := m.last.chunks[m.reads[k]]
		nums := make([]string, len(evs))
		for j, i := range evs {
			nums[j] = fmt.Sprintf("#%d", m.last.skipped+i+1)
		}
		fmt.Fprintf(&b, "\n  one read of %d bytes at %s carried events %s", len(c.Data), ms(c.At), strings.Join(nums, ", "))
		for _, i := range evs[:min(len(evs), 3)] {
			b.WriteString("\n  ")
			b.WriteString(eventLine(m.last.skipped+i, &m.last.events[i]))
		}
		if len(evs) > 3 {
			fmt.Fprintf(&b, "\n    … and %d more", len(evs)-3)
		}
	}
	return b.String()
}

func (m *batchMatcher) FailureMessage(any) string {
	tolerance := ""
	if m.allowed > 0 {
		tolerance = fmt.Sprintf(" (tolerating %d batched reads)", m.allowed)
	}
	return fmt.Sprintf("Expected %s\nto deliver each event in its own read%s\nbut %s\n(%s)",
		m.last.target(), tolerance, m.describe(), m.last.state())
}

func (m *batchMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected %s\nto batch more than %d reads\nbut %s",
		m.last.target(), m.allowed, m.describe())
}

func (m *batchMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
