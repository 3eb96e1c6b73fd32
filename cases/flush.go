package cases

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// FLUSH-001's series: twice the catalog's minimum count, at its minimum
// spacing, so one outlier is 5% of it and a median means something.
const (
	flushEvents = 20
	flushGap    = 200 * time.Millisecond
)

var _ = suite.Area("FLUSH", func() {
	// An event is useful when it happens: buffering (compression middleware,
	// proxy or output buffers) holds events back and delivers them in
	// batches (expressjs/compression #61, gin-contrib/gzip #16,
	// fanout/django-eventstream #57).
	suite.Check(suite.Meta{
		ID: "SSE-FLUSH-001", Level: suite.MUST, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title: "Each event is flushed when complete",
		Requirement: "Every event is flushed as soon as it is complete: over 20 events published 200 ms apart, each publish→receipt latency, " +
			"less the suite's own loopback latency at the same moment, is within --latency-budget and no two events arrive in one read. " +
			"(Buffering is systematic; a series where only outliers exceed — late events in at most one run of consecutive events per ten, median within budget — is measured " +
			"once more and judged with it. While the suite's own loopback stream is too slow to judge, the measurement is made afresh a second later, up to three times in all; " +
			"a machine too slow in all three is an error, not a fail.)",
	}, checkFlushEach)

	// "Events are one behind": the blank line that completes an event is
	// held until the next event is written (tpeczek/Lib.AspNetCore.
	// ServerSentEvents #6), so the first event after connect waits.
	suite.Check(suite.Meta{
		ID: "SSE-FLUSH-002", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title: "The first event after connect arrives within the budget",
		Requirement: "The first event published after a stream opens arrives within --latency-budget, not only when a second event pushes it out. " +
			"A late first event gets a second try on a fresh stream; late tries are judged less the suite's own loopback stream's delay at the same moments, and tries that stream was too slow to judge are made afresh a second later, up to three times in all.",
	}, checkFlushFirst)
})

// latencies is FLUSH-001's measurement of one or more series.
type latencies struct {
	raw           []time.Duration // publish→receipt, in publish order; latencyMissing for one that never arrived
	p50, p95, max time.Duration
	missing       int
	held          int      // events that arrived in one read with a later event
	batched       []string // reads that carried several published events
}

// measure computes publish→receipt latencies (an event that never arrived
// counts as infinitely late) and finds reads that carried more than one
// published event.
func measure(rec *stream.Recording, pubs []suite.Published, got map[string]parser.Event) latencies {
	var m latencies
	byRead := map[int][]int{}
	for i, pub := range pubs {
		ev, ok := got[pub.Nonce]
		if !ok {
			m.missing++
			m.raw = append(m.raw, latencyMissing)
			continue
		}
		m.raw = append(m.raw, suite.Latency(rec, pub, ev))
		read := chunkAt(rec, ev.End-1)
		byRead[read] = append(byRead[read], i+1)
	}
	reads := make([]int, 0, len(byRead))
	for r := range byRead {
		reads = append(reads, r)
	}
	sort.Ints(reads)
	for _, r := range reads {
		if evs := byRead[r]; len(evs) > 1 {
			m.held += len(evs) - 1
			m.batched = append(m.batched, fmt.Sprintf("events %v in one read at %s", evs, msTenths(rec.Chunks[r].At)))
		}
	}
	return m
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// chunkAt is the index of the read that delivered body offset off.
func chunkAt(rec *stream.Recording, off int64) int {
	return sort.Search(len(rec.Chunks), func(i int) bool {
		c := rec.Chunks[i]
		return c.Offset+int64(len(c.Data)) > off
	})
}

func nonces(pubs []suite.Published) []string {
	out := make([]string, len(pubs))
	for i, p := range pubs {
		out[i] = p.Nonce
	}
	return out
}

// sleepUntil waits until t; the check's end is an error, not a verdict.
func sleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		suite.Undecided("the check's deadline passed while publishing")
	}
}

// encodingNote names a Content-Encoding, the usual reason events are held.
func encodingNote(rec *stream.Recording) string {
	if ce := rec.Header.Get("Content-Encoding"); ce != "" {
		return fmt.Sprintf(" (Content-Encoding: %s: the compressor holds events until its buffer fills)", ce)
	}
	return ""
}
