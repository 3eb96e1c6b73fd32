package cases

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// proxyBigLen is SSE-PROXY-010's data size: one line of 1 MiB.
const proxyBigLen = 1 << 20

// checkProxyBigEvent is SSE-PROXY-010. The recordings (a MiB each) are
// attached only when the check fails.
func checkProxyBigEvent(ctx context.Context) {
	payload := strings.Repeat("ssespec-1MiB-single-line/", proxyBigLen/25+1)[:proxyBigLen]
	script := origin.Script{Name: "big", End: true, Steps: []origin.Step{
		{Data: "id: 1\ndata: " + payload + "\n\n"},
		{Data: "id: 2\ndata: after the big one\n\n"},
	}}
	d, p := proxyOpen(ctx, proxyOrigin(ctx), script, nil, stream.Options{MaxLine: max(suite.Current(ctx).MaxLine, parser.DefaultMaxLine)})
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for _, l := range []*proxyLeg{d, p} {
		suite.Cleanup(ctx, func() { l.conn.Close() })
		l.waitEnd(wctx, proxyEndWait)
	}
	intact := func(r *stream.Recording) (string, bool) {
		var big, after *parser.Event
		evs := proxyEventsOf(r, limitsOf(suite.Current(ctx))) // decoded, if the proxy compressed it
		for i, ev := range evs {
			switch {
			case ev.ID != nil && *ev.ID == "1":
				big = &evs[i]
			case ev.ID != nil && *ev.ID == "2":
				after = &evs[i]
			}
		}
		switch {
		case big == nil:
			return fmt.Sprintf("the 1 MiB event never completed: %d body bytes arrived, then the stream ended (%s)", r.Bytes, proxyEndText(r)), false
		case big.Data != payload:
			n := 0
			for n < min(len(big.Data), len(payload)) && big.Data[n] == payload[n] {
				n++
			}
			return fmt.Sprintf("the 1 MiB event arrived with %d bytes of data, differing from byte %d", len(big.Data), n), false
		case after == nil:
			return fmt.Sprintf("the event after the 1 MiB one never arrived (the stream ended: %s)", proxyEndText(r)), false
		}
		return "", true
	}
	if why, ok := intact(d.rec()); !ok || d.err != nil {
		proxyAttach(ctx, "big", d)
		suite.Undecided("the origin's 1 MiB event did not arrive intact directly (%v): %s", d.err, why)
	}
	p.hit()
	if p.err != nil || p.rec().Status != http.StatusOK {
		proxyAttach(ctx, "big", p)
		suite.Failf(ctx, "200 and the 1 MiB event", "status %d, %v", p.rec().Status, p.err)
	}
	suite.Evidence(ctx, "bytes", map[string]int64{"direct": d.rec().Bytes, "proxied": p.rec().Bytes})
	if why, ok := intact(p.rec()); !ok {
		proxyAttach(ctx, "big", p)
		suite.Failf(ctx, "the 1 MiB single-line event and the event after it, byte-exact", "%s", why)
	}
}

// The fan-out: proxyStreams streams through the proxy (and as many direct,
// for the baseline), proxyBroadcasts events broadcast to all of them.
const (
	proxyStreams    = 100
	proxyBroadcasts = 3
)

// checkProxyFanout is SSE-PROXY-011.
func checkProxyFanout(ctx context.Context) {
	cfg := suite.Current(ctx)
	budget := cfg.LatencyBudget
	o := proxyOrigin(ctx)
	script := origin.Script{Name: "fanout", Header: proxyAppHeader(cfg), Steps: []origin.Step{{Data: ": fanout\n\n"}}}
	scs := map[string]*origin.Scenario{"direct": o.Add(script), "proxied": o.Add(script)}
	base := map[string]string{"direct": o.URL(), "proxied": proxyVia(cfg)}
	legs := map[string][]*proxyLeg{}
	var wg sync.WaitGroup
	for _, name := range []string{"direct", "proxied"} {
		for range proxyStreams {
			l := &proxyLeg{name: name, sc: scs[name], url: base[name] + scs[name].Path, origin: o}
			legs[name] = append(legs[name], l)
			wg.Go(func() { l.open(ctx, nil, stream.Options{}) })
		}
	}
	wg.Wait()
	for _, ls := range legs {
		for _, l := range ls {
			suite.Cleanup(ctx, func() { l.conn.Close() })
		}
	}
	refused := func(ls []*proxyLeg) []string {
		var out []string
		for _, l := range ls {
			if l.err != nil {
				out = append(out, l.err.Error())
			} else if l.rec().Status != http.StatusOK {
				out = append(out, fmt.Sprintf("status %d", l.rec().Status))
			}
		}
		return out
	}
	if bad := refused(legs["direct"]); len(bad) > 0 {
		suite.Undecided("%d of %d direct streams failed to open (%s): the origin or this machine cannot hold the load", len(bad), proxyStreams, proxyList(bad, 3))
	}
	bad := refused(legs["proxied"])
	suite.Evidence(ctx, "refused", len(bad))
	suite.Require(ctx, len(bad) == 0, fmt.Sprintf("all %d streams served", proxyStreams),
		"%d of %d concurrent streams refused: %s", len(bad), proxyStreams, proxyList(proxyCount(bad), 3))

	// Each broadcast's p95 over the proxied streams, judged against the
	// same broadcast's p95 over the direct streams (its twin, written at
	// the same moment): a stall hits a whole broadcast, so a broadcast is
	// the sample, and a run with one slow broadcast gets three more. A
	// series whose twins were too slow to judge says nothing about the
	// proxy: a load spike passes, so a fresh series is measured after a
	// pause, and only the last one is judged.
	var (
		dl, pl proxyLatency // the judged series'
		sent   int          // broadcasts made, over every series
	)
	cpu := startCPUWaitMeter()
	pids := startProcWaitMeter(proxyVia(suite.Current(ctx))) // finds the proxy's processes once
	j, attempt := remeasureWhileLoaded(ctx, loadedAttempts, loadedPause, func() latencyJudgement {
		return proxyFanoutSeries(ctx, scs, legs, budget, &sent, &dl, &pl, pids)
	})
	suite.Evidence(ctx, "series", attempt)
	if j.Outcome == latencyUndecided {
		j.Why += loadedNote(attempt, false)
	}
	waiting, measured := cpu.share()
	if measured {
		suite.Evidence(ctx, "cpu_waiting_pct", int(waiting*100))
	}
	suite.Evidence(ctx, "latency_ms", map[string][]float64{"direct": msSeries(dl.lat), "proxied": msSeries(pl.lat)})
	suite.Evidence(ctx, "budget_ms", budget.Milliseconds())
	total := j.N * proxyStreams // the judged series'
	suite.Require(ctx, len(pl.missing) == 0, fmt.Sprintf("all %d deliveries (%d events × %d streams)", total, j.N, proxyStreams),
		"%d of %d deliveries missing %v after their broadcast", len(pl.missing), total, max(2*time.Second, 10*budget))
	switch j.Outcome {
	case latencyUndecided:
		suite.Undecided("%s", j.Why)
	case latencyFail:
		pp, _ := pl.p95()
		suite.Failf(ctx, fmt.Sprintf("each broadcast's p95 ≤ %v across %d streams", budget, proxyStreams),
			"p95 %v, worst %v across %d streams; per broadcast, added over the direct streams: %s", proxyRound(pp), proxyRound(pl.worst()), proxyStreams, j.Why)
	}
	suite.Note(ctx, "per broadcast, p95 across %d streams: %s%s", proxyStreams, j.Why, loadedNote(attempt, true))
}

// proxyFanoutSeries measures one series of SSE-PROXY-011's broadcasts
// (three, and three more when the first have only outliers) and judges it
// on its own; sent numbers the broadcasts across series, dl and pl are
// the series' latencies.
func proxyFanoutSeries(ctx context.Context, scs map[string]*origin.Scenario, legs map[string][]*proxyLeg, budget time.Duration, sent *int, dl, pl *proxyLatency, proxy procWaitMeter) latencyJudgement {
	var (
		target, control []time.Duration
		j               latencyJudgement
	)
	*dl, *pl = proxyLatency{}, proxyLatency{}
	cpu := startCPUWaitMeter()
	proxy = proxy.restart()
	for round := 1; round <= 2; round++ {
		for range proxyBroadcasts {
			*sent++
			d, p := proxyFanoutBroadcast(ctx, scs, legs, *sent, budget)
			*dl, *pl = dl.add(d), pl.add(p)
			target, control = append(target, proxyP95(p)), append(control, proxyP95(d))
		}
		j = judgeLatency(target, control, proxyTwins, budget, round == 2)
		// A proxy on this machine handling 100 streams, starved of CPU,
		// is late in runs while its twins are not.
		share, ok := cpu.share()
		j = contended(j, budget, share, ok)
		waited, measured := proxy.busiest()
		j = starved(j, waited, measured)
		if j.Outcome != latencyRemeasure {
			break
		}
	}
	return j
}

// proxyFanoutBroadcast broadcasts event k to every stream of both legs
// (proxied first) and waits for it; the latencies are per stream.
func proxyFanoutBroadcast(ctx context.Context, scs map[string]*origin.Scenario, legs map[string][]*proxyLeg, k int, budget time.Duration) (direct, proxied proxyLatency) {
	if k > 1 {
		select {
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			suite.Undecided("the check's deadline came during the broadcast")
		}
	}
	id := fmt.Sprint(k)
	lim := limitsOf(suite.Current(ctx))
	sentAt := map[string]time.Time{}
	for _, name := range []string{"proxied", "direct"} {
		sentAt[name], _ = scs[name].Broadcast(fmt.Sprintf("id: %d\ndata: fanout %d\n\n", k, k))
	}
	wctx, cancel := context.WithTimeout(ctx, max(2*time.Second, 10*budget))
	defer cancel()
	var wg sync.WaitGroup
	for _, ls := range legs {
		for _, l := range ls {
			wg.Go(func() {
				l.conn.WaitUntil(wctx, func(r *stream.Recording) bool { return proxyHasIDIn(proxyEventsOf(r, lim), id) })
			})
		}
	}
	wg.Wait()
	lat := map[string]*proxyLatency{"direct": &direct, "proxied": &proxied}
	for name, ls := range legs {
		for _, l := range ls {
			var at time.Time
			l.conn.View(func(r *stream.Recording) {
				for _, ev := range proxyEventsOf(r, lim) { // decoded: a compressing proxy is judged on its events
					if ev.ID != nil && *ev.ID == id {
						at = r.Start.Add(ev.At)
						break
					}
				}
			})
			if at.IsZero() {
				lat[name].missing = append(lat[name].missing, k)
			} else {
				lat[name].lat = append(lat[name].lat, at.Sub(sentAt[name]))
			}
		}
	}
	return direct, proxied
}

// proxyP95 is l's p95, latencyMissing when a missing delivery is in it.
func proxyP95(l proxyLatency) time.Duration {
	if v, ok := l.p95(); ok {
		return v
	}
	return latencyMissing
}

// proxyCount groups identical reasons: "status 503 ×50".
func proxyCount(reasons []string) []string {
	n := map[string]int{}
	for _, r := range reasons {
		n[r]++
	}
	var out []string
	for r, c := range n {
		out = append(out, fmt.Sprintf("%s ×%d", r, c))
	}
	return out
}
