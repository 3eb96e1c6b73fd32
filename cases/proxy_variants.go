package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/ssespec/ssespec/suite"
)

// What the SSE-friendly headers change: the latency-critical checks judge
// the app's bare stream, then look at the same scenario served with each
// of proxyVariants, so the message can name the header that fixes it
// ("the proxy buffers the stream unless the app sends X-Accel-Buffering:
// no") or say that none does.

// proxyVariantJudge says whether a variant's proxied leg passes the
// check's criterion and what was measured ("p95 0.4ms").
type proxyVariantJudge func(ctx context.Context, d, p *proxyLeg) (measured string, ok bool)

// proxyVariantsNote judges each variant run and records the results as
// evidence "with_sse_headers"; it returns a sentence for a failure message
// of the bare stream's check (who is the proxy's name).
func proxyVariantsNote(ctx context.Context, runs *[2]proxyShared, who string, judge proxyVariantJudge) string {
	got := map[string]string{}
	var fixes, none []string
	for i, v := range proxyVariants {
		d, p := proxyWait(ctx, &runs[i])
		hv := v.header + ": " + v.value
		if d.err != nil || p.err != nil || len(p.sc.Hits()) == 0 {
			got[hv] = "did not run"
			continue
		}
		m, ok := judge(ctx, d, p)
		got[hv] = m
		if ok {
			fixes = append(fixes, fmt.Sprintf("%s (then %s)", hv, m))
		} else {
			none = append(none, hv)
		}
	}
	suite.Evidence(ctx, "with_sse_headers", got)
	if len(fixes) > 0 {
		return fmt.Sprintf("%s unless the app sends %s", who, strings.Join(fixes, " or "))
	}
	if len(none) == 0 {
		return ""
	}
	return fmt.Sprintf("the app's %s would not help (the proxy must be configured)", strings.Join(none, " or "))
}

// proxyP95Judge is SSE-PROXY-002's criterion for a variant: the proxied
// events within the budget, judged as SSE-PROXY-002 judges them, by the
// latency added over their direct twins. A loaded machine slows both legs
// alike, and a buffering proxy adds seconds however loaded it is, so only
// a systematic excess says the variant did not help; the p95 is what the
// message shows.
func proxyP95Judge(ctx context.Context, d, p *proxyLeg) (string, bool) {
	budget := suite.Current(ctx).LatencyBudget
	steps := proxyEventSteps()
	pl := proxyLatencies(p.rec(), p.events(), p.hit(), steps)
	pp, ok := pl.p95()
	if !ok {
		return fmt.Sprintf("%d of %d events missing", len(pl.missing), proxyEvents), false
	}
	target, control := proxyPairs(d, p, steps)
	j := judgeLatency(target, control, proxyTwins, budget, true)
	return "p95 " + proxyRound(pp).String(), j.Outcome != latencyFail
}

// proxyHeadersJudge is SSE-PROXY-003's criterion: headers before the
// origin's first event.
func proxyHeadersJudge(ctx context.Context, d, p *proxyLeg) (string, bool) {
	hit, pr := p.hit(), p.rec()
	first := hit.Steps[0]
	if first.IsZero() || pr.HeadersAt == 0 {
		return "no headers", false
	}
	at := pr.Start.Add(pr.HeadersAt)
	return fmt.Sprintf("headers after %v", proxyRound(pr.HeadersAt)), at.Before(first)
}

// proxyDecodedJudge is SSE-PROXY-009's criterion: every event of the
// normal scenario decodable within the budget.
func proxyDecodedJudge(ctx context.Context, d, p *proxyLeg) (string, bool) {
	budget := suite.Current(ctx).LatencyBudget
	pr := p.rec()
	lat := proxyLatencies(pr, p.events(), p.hit(), []int{0, 1, 2, 3, 4, 5})
	coding := pr.Header.Get("Content-Encoding")
	if coding == "" {
		coding = "not compressed"
	}
	pp, ok := lat.p95()
	if !ok {
		return fmt.Sprintf("%s, %d of 6 events in time", coding, len(lat.lat)), false
	}
	return fmt.Sprintf("%s, p95 %v", coding, proxyRound(pp)), pp <= budget
}

// proxyFailedLike reports whether the bare latency scenario (SSE-PROXY-002's)
// also misses the budget, so SSE-PROXY-012 does not blame the charset
// (judged against the direct twins, as proxyP95Judge says).
func proxyFailedLike(ctx context.Context) (string, bool) {
	d, p := proxyWait(ctx, &proxyRuns(ctx).latency)
	if d.err != nil || p.err != nil || len(p.sc.Hits()) == 0 {
		return "", false
	}
	m, ok := proxyP95Judge(ctx, d, p)
	return m, !ok
}
