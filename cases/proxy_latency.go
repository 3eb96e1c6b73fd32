package cases

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// proxyTwins names the direct legs as the latency control in messages.
const proxyTwins = "the direct twins (same events, same moments, not proxied)"

// proxyJudgeLatency judges the proxied events' latency (SSE-PROXY-002,
// -012) with judgeLatency: each proxied event against its direct twin, the
// same script step written to the direct leg at the same moment, as the
// control. A run with only outliers over budget (one stall of the proxy
// process on a loaded machine) is run once more with script and judged
// with it; a series whose direct legs were too slow to judge is run afresh
// a second later (remeasureWhileLoaded). why explains the scenario in the
// failure message.
func proxyJudgeLatency(ctx context.Context, d, p *proxyLeg, script func(context.Context) origin.Script, scenario, why string) {
	proxyNeedServed(ctx, d, p, scenario)
	budget := suite.Current(ctx).LatencyBudget
	steps := proxyEventSteps()
	var (
		target, control []time.Duration
		dl, pl          proxyLatency // the judged series'
		runs            int          // runs of the script, over every series
		twice           bool         // the judged series has a second run: the first had only outliers
		fresh           bool         // d and p are judged already: run the script again
	)
	series := func() latencyJudgement {
		target, control, dl, pl = nil, nil, proxyLatency{}, proxyLatency{}
		var j latencyJudgement
		for n := 1; n <= 2; n++ {
			if fresh {
				d, p = proxyRunScript(ctx, proxyOrigin(ctx), script(ctx), nil)
				proxyNeedServed(ctx, d, p, scenario+" again")
			}
			fresh = true
			runs++
			t, c := proxyPairs(d, p, steps)
			target, control = append(target, t...), append(control, c...)
			dl = dl.add(proxyLatencies(d.rec(), d.rec().Parse.Events, d.hit(), steps))
			pl = pl.add(proxyLatencies(p.rec(), p.events(), p.hit(), steps))
			j = judgeLatency(target, control, proxyTwins, budget, n == 2)
			if j.Outcome != latencyRemeasure || n == 2 || ctx.Err() != nil {
				twice = n == 2
				break
			}
		}
		return j
	}
	j, nSeries := remeasureWhileLoaded(ctx, loadedAttempts, loadedPause, series)
	suite.Evidence(ctx, "latency_ms", map[string][]float64{"direct": msSeries(dl.lat), "proxied": msSeries(pl.lat)})
	suite.Evidence(ctx, "budget_ms", budget.Milliseconds())
	suite.Evidence(ctx, "runs", runs)
	again := loadedNote(nSeries, true)
	if twice {
		again = "; run twice: the first run had only outliers" + again
	}
	n := len(target)
	expected := fmt.Sprintf("each event within %v through the proxy (late events in at most one run of consecutive events per ten)", budget)
	if len(pl.lat) == 0 {
		suite.Failf(ctx, expected, "none of the %d events came through (the proxied stream ended: %s after %v); %s",
			n, p.rec().End, proxyRound(p.rec().EndAt), why)
	}
	switch j.Outcome {
	case latencyPass, latencyRemeasure: // a remeasure cut short by the deadline: outliers only
		suite.Note(ctx, "%s%s", j.Why, again)
		return
	case latencyUndecided:
		suite.Undecided("%s%s", j.Why, loadedNote(nSeries, false))
	}
	pp, pok := pl.p95()
	dp, _ := dl.p95()
	measured := "p95 " + proxyRound(pp).String()
	if !pok {
		measured = fmt.Sprintf("%d of %d events never arrived", len(pl.missing), n)
	}
	atEnd := ""
	if pl.atEnd > 0 {
		atEnd = fmt.Sprintf("; %d of %d events arrived only when the origin ended the stream: the proxy buffers it", pl.atEnd, n)
	}
	suite.Failf(ctx, expected, "latency through the proxy: %s, worst %v (directly: p95 %v)%s; added over the direct twin: %s; %s",
		measured, proxyRound(pl.worst()), proxyRound(dp), atEnd, j.Why, why)
}

// proxyPairs is each step's proxied latency (latencyMissing when it never
// arrived) and, as its control, the direct leg's worst latency while it was
// in flight.
func proxyPairs(d, p *proxyLeg, steps []int) (target, control []time.Duration) {
	return proxyPairsOf(d, p, p.events(), steps) // decoded: a compressing proxy is judged on its events
}

// proxyPairsOf is proxyPairs with the proxied events given (decoded from a
// compressed body).
func proxyPairsOf(d, p *proxyLeg, events []parser.Event, steps []int) (target, control []time.Duration) {
	dh, ph := d.hit(), p.hit()
	da, pa := proxyStepArrivals(d.rec(), d.rec().Parse.Events, dh), proxyStepArrivals(p.rec(), events, ph)
	var twins []ctlSample
	for _, n := range steps {
		if n < len(dh.Steps) && !dh.Steps[n].IsZero() {
			twins = append(twins, ctlSample{sent: dh.Steps[n], arrive: da[n]})
		}
	}
	for _, n := range steps {
		var start time.Time
		if n < len(ph.Steps) {
			start = ph.Steps[n]
		}
		if start.IsZero() && n < len(dh.Steps) { // never written to the proxied leg: its twin's moment
			start = dh.Steps[n]
		}
		at, ok := pa[n]
		if !ok {
			target, control = append(target, latencyMissing), append(control, ctlDuring(twins, start, start))
			continue
		}
		target, control = append(target, at.Sub(start)), append(control, ctlDuring(twins, start, at))
	}
	return target, control
}

// proxyStepArrivals is when the event of rec naming each script step (by
// its id) first arrived.
func proxyStepArrivals(rec *stream.Recording, events []parser.Event, hit origin.Hit) map[int]time.Time {
	got := map[int]time.Time{}
	for _, ev := range events {
		if ev.ID == nil {
			continue
		}
		if n, err := strconv.Atoi(*ev.ID); err == nil && n >= 0 && n < len(hit.Steps) && !hit.Steps[n].IsZero() {
			if _, dup := got[n]; !dup {
				got[n] = rec.Start.Add(ev.At)
			}
		}
	}
	return got
}

// add is both runs' latencies together.
func (l proxyLatency) add(m proxyLatency) proxyLatency {
	return proxyLatency{lat: append(l.lat, m.lat...), missing: append(l.missing, m.missing...), atEnd: l.atEnd + m.atEnd}
}
