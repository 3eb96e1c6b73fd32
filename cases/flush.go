package cases

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// FLUSH-001's series: twice the catalog's minimum count, at its minimum
// spacing, so one outlier is 5% of it and a median means something.
const (
	flushEvents = 20
	flushGap    = 200 * time.Millisecond
)

var _ = Describe("FLUSH", func() {
	// An event is useful when it happens: buffering (compression middleware,
	// proxy or output buffers) holds events back and delivers them in
	// batches (expressjs/compression #61, gin-contrib/gzip #16,
	// fanout/django-eventstream #57).
	suite.Check(suite.Meta{
		ID: "SSE-FLUSH-001", Level: suite.MUST, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title: "Each event is flushed when complete",
		Requirement: "Every event is flushed as soon as it is complete: over 20 events published 200 ms apart, each publish→receipt latency, " +
			"less the suite's own loopback latency at the same moment, is within --latency-budget and no two events arrive in one read. " +
			"(Buffering is systematic; a series where only outliers exceed — at most one event in ten, median within budget — is measured " +
			"once more and judged with it. A machine whose own loopback stream is too slow to judge is an error, not a fail.)",
	}, checkFlushEach)

	// "Events are one behind": the blank line that completes an event is
	// held until the next event is written (tpeczek/Lib.AspNetCore.
	// ServerSentEvents #6), so the first event after connect waits.
	suite.Check(suite.Meta{
		ID: "SSE-FLUSH-002", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title:       "The first event after connect arrives within the budget",
		Requirement: "The first event published after a stream opens arrives within --latency-budget, not only when a second event pushes it out.",
	}, func(ctx SpecContext) {
		p := suite.NeedPublisher()
		budget := suite.Current().LatencyBudget
		hold := max(500*time.Millisecond, 3*budget) // how long the first event may take before a second is published
		var late []string
		lost := 0
		// A late or lost first event gets a second try on a fresh stream: one
		// slow moment on a noisy machine, or a target that subscribes a
		// stream just after its headers, is not a held flush.
		for try := range 2 {
			conn := openStream(ctx)
			if lost > 0 { // give a late subscriber time before the first event
				sleepUntil(ctx, time.Now().Add(200*time.Millisecond))
			}
			nonce := suite.Nonce()
			first := suite.PublishEvent(ctx, p, publish.Event{Data: "first " + nonce}, nonce)
			if ev, ok := suite.Await(ctx, conn, nonce, hold); ok {
				rec := conn.Close()
				suite.AttachRecording(fmt.Sprintf("SSE-FLUSH-002 try %d", try+1), rec)
				lat := suite.Latency(rec, first, ev)
				if lat <= budget {
					suite.Evidence("first_ms", ms(lat))
					if try == 0 {
						suite.Note("the first event arrived %s after its publish", fmtMS(lat))
					} else {
						suite.Note("first try: %s; on a fresh stream the first event arrived %s after its publish",
							strings.Join(append(late, lostNote(lost)...), ", "), fmtMS(lat))
					}
					return
				}
				late = append(late, fmtMS(lat))
				continue
			}
			n2 := suite.Nonce()
			second := suite.PublishEvent(ctx, p, publish.Event{Data: "second " + n2}, n2)
			got := awaitAll(ctx, conn, []string{nonce, n2}, eventWait())
			rec := conn.Close()
			suite.AttachRecording(fmt.Sprintf("SSE-FLUSH-002 try %d", try+1), rec)
			ev, firstOK := got[nonce]
			_, secondOK := got[n2]
			switch {
			case firstOK && ev.At < rec.Since(second.At):
				suite.Failf(fmt.Sprintf("the first event within %v", budget),
					"the first event after connect arrived %s after its publish", fmtMS(suite.Latency(rec, first, ev)))
			case firstOK:
				suite.Evidence("first_ms", ms(suite.Latency(rec, first, ev)))
				suite.Failf(fmt.Sprintf("the first event within %v", budget),
					"the first event arrived only after a second was published: %s after its publish, %s after the second's",
					fmtMS(suite.Latency(rec, first, ev)), fmtMS(suite.Latency(rec, second, ev)))
			case secondOK:
				lost++
			default:
				suite.Failf(fmt.Sprintf("the first event within %v", budget),
					"neither the first event (%v) nor a second one (%v) arrived%s%s", hold+eventWait(), eventWait(), encodingNote(rec), ended(rec))
			}
		}
		if lost == 2 {
			suite.Failf(fmt.Sprintf("the first event within %v", budget),
				"on two fresh streams the first event published after connect never arrived, while a second one did")
		}
		suite.Failf(fmt.Sprintf("the first event within %v", budget), "the first event after connect arrived late: %s",
			strings.Join(append(late, lostNote(lost)...), ", then "))
	})
})

func lostNote(lost int) []string {
	if lost > 0 {
		return []string{"lost (a second event arrived)"}
	}
	return nil
}

// latencies is FLUSH-001's measurement of one or more series.
type latencies struct {
	raw           []time.Duration // publish→receipt, in publish order; latencyMissing for one that never arrived
	p50, p95, max time.Duration
	missing       int
	held          int      // events that arrived in one read with a later event
	batched       []string // reads that carried several published events
}

// ms is the arrived events' latencies in milliseconds.
func (m latencies) ms() []float64 {
	var out []float64
	for _, d := range m.raw {
		if d != latencyMissing {
			out = append(out, ms(d))
		}
	}
	return out
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
			m.batched = append(m.batched, fmt.Sprintf("events %v in one read at %s", evs, fmtMS(rec.Chunks[r].At)))
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

func ms(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Microsecond)) / 1000 }

func fmtMS(d time.Duration) string {
	if d == math.MaxInt64 {
		return "—"
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
