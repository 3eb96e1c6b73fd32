package cases

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// Concurrent publishes: streams and publishers of SSE-CONN-005.
const (
	concStreams    = 5
	concPublishers = 12
	concEach       = 5 // events per publisher
)

var _ = suite.Area("CONN", func() {
	// Apps publish from request handlers, worker threads and background
	// jobs at once. A broker that hands events to its streams without a
	// thread-safe hand-off — an asyncio queue fed from a worker thread, a
	// shared list that streams poll by index, a subscriber list copied
	// and cleared in two steps — loses or repeats events only when
	// publishes overlap, which a one-at-a-time test never shows
	// (seeds: htmx-sse-patterns-python "Thread-Safe SSE Publishing").
	suite.Check(suite.Meta{
		ID: "SSE-CONN-005", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title:       "Events published concurrently arrive exactly once on every stream",
		Requirement: "60 events published at once by 12 concurrent publishers each arrive exactly once on each of 5 open streams: none lost, none repeated.",
		Tolerates:   "any interleaving of the concurrent events (their relative order is not judged), and events of the target's own in between.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conns := make([]*stream.Conn, concStreams)
		for i := range conns {
			conns[i] = liveStream(ctx, p)
		}
		suite.Cleanup(ctx, func() { connCloseAll(conns) })

		total := concPublishers * concEach
		datas := make([]string, total) // each event's exact data
		for i := range datas {
			datas[i] = fmt.Sprintf("concurrent %d/%d %s", i+1, total, suite.Nonce())
		}
		errs := make([]error, concPublishers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := range concPublishers {
			wg.Go(func() {
				<-start
				for k := range concEach {
					if err := p.Publish(ctx, publish.Event{Data: datas[w*concEach+k]}); err != nil && errs[w] == nil {
						errs[w] = err
					}
				}
			})
		}
		close(start)
		wg.Wait()
		var failed []string
		for _, err := range errs {
			if err != nil {
				failed = append(failed, err.Error())
			}
		}
		if len(failed) > 0 {
			suite.Undecided("the publish hook failed under %d concurrent publishers, nothing to judge: %s", concPublishers, failed[0])
		}

		// Events on one stream stay in order: once the sentinel arrived,
		// every copy the concurrent publishes produced is on the wire.
		sn := suite.Nonce()
		suite.PublishEvent(ctx, p, publish.Event{Data: "after the concurrent events " + sn}, sn)
		var problems []string
		counts := make([]map[string]int, len(conns))
		for i, c := range conns {
			_, arrived := suite.Await(ctx, c, sn, eventWait(ctx))
			rec := c.Close()
			suite.AttachRecording(ctx, fmt.Sprintf("conn-005-stream-%d", i+1), rec)
			counts[i] = concCount(rec, datas)
			if what := concProblems(counts[i], datas); what != "" || !arrived {
				if !arrived {
					what = strings.TrimPrefix(what+"; the event published after them never arrived", "; ")
				}
				problems = append(problems, fmt.Sprintf("stream %d: %s", i+1, what))
			}
		}
		suite.Evidence(ctx, "streams", concStreams)
		suite.Evidence(ctx, "publishers", concPublishers)
		suite.Evidence(ctx, "events", total)
		suite.Require(ctx, len(problems) == 0,
			fmt.Sprintf("each of the %d concurrently published events exactly once on each of %d streams", total, concStreams),
			"%s", strings.Join(problems, "; "))
	})
})

// concCount counts the events on rec whose data is exactly one of datas.
func concCount(rec *stream.Recording, datas []string) map[string]int {
	want := map[string]bool{}
	for _, d := range datas {
		want[d] = true
	}
	n := map[string]int{}
	if rec.Parse == nil {
		return n
	}
	for _, ev := range rec.Parse.Events {
		if want[ev.Data] {
			n[ev.Data]++
		}
	}
	return n
}

// concProblems describes the lost and repeated events ("" when none).
func concProblems(n map[string]int, datas []string) string {
	var lost, repeated []string
	for _, d := range datas {
		label := strings.Fields(d)[1] // "i/N"
		switch c := n[d]; {
		case c == 0:
			lost = append(lost, label)
		case c > 1:
			repeated = append(repeated, fmt.Sprintf("%s (%d×)", label, c))
		}
	}
	sort.Strings(repeated)
	var out []string
	if len(lost) > 0 {
		out = append(out, fmt.Sprintf("%d of %d lost (%s)", len(lost), len(datas), listSome(lost, 8, ", ")))
	}
	if len(repeated) > 0 {
		out = append(out, fmt.Sprintf("%d repeated (%s)", len(repeated), listSome(repeated, 8, ", ")))
	}
	return strings.Join(out, ", ")
}
