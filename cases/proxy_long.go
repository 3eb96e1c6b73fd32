package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// Some proxies bound a whole response, however lively: Varnish's
// send_timeout (600 s by default) cuts every stream after 10 minutes. An
// idle-timeout check cannot tell that apart, and its advice (comment more
// often) cannot help; this one holds a stream whose events keep flowing.
var _ = suite.Area("PROXY", func() {
	suite.Check(suite.Meta{
		ID: "SSE-PROXY-013", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Proxy}, Slow: true,
		Title: "A lively stream survives --hold through the proxy",
		Requirement: "A stream on which the origin sends an event every second stays open through the proxy for --hold: the proxy does not bound " +
			"a response's total duration (Varnish's send_timeout cuts every response after 600 s; use --hold 11m to see it).",
	}, checkProxyLively)
})

// proxyLivelyEvery is the event interval of SSE-PROXY-013's stream.
const proxyLivelyEvery = time.Second

func checkProxyLively(ctx context.Context) {
	cfg := suite.Current(ctx)
	o := proxyOrigin(ctx)
	n := int(cfg.Hold / proxyLivelyEvery)
	steps := make([]origin.Step, 0, n+1)
	for i := 0; i <= n; i++ {
		steps = append(steps, origin.Step{At: time.Duration(i) * proxyLivelyEvery, Data: fmt.Sprintf("id: %d\ndata: lively %d\n\n", i, i)})
	}
	script := origin.Script{Name: "lively", Header: proxyAppHeader(cfg), Steps: steps, End: true}
	l := &proxyLeg{name: "proxied", sc: o.Add(script), origin: o}
	l.url = proxyVia(cfg) + l.sc.Path
	l.open(ctx, nil, stream.Options{Duration: cfg.Hold + 10*time.Second})
	suite.Cleanup(ctx, func() { l.conn.Close() })
	wctx, cancel := context.WithTimeout(ctx, cfg.Hold+10*time.Second)
	defer cancel()
	l.conn.Wait(wctx)
	proxyAttach(ctx, "lively", l)
	r := l.rec()
	if l.err != nil || r.Status != 200 {
		suite.Undecided("the lively stream did not open through the proxy: status %d, %v", r.Status, l.err)
	}
	hit := l.hit()
	evs := l.events()
	suite.Evidence(ctx, "events", map[string]int{"sent": len(steps), "received": len(evs)})
	if proxyHasIDIn(evs, fmt.Sprint(n)) {
		return
	}
	if hit.End == origin.EndScript && len(evs) > 0 {
		suite.Undecided("the origin ended the stream before the proxy delivered its last event (%d of %d arrived)", len(evs), len(steps))
	}
	var lastAt time.Duration
	if len(evs) > 0 {
		lastAt = evs[len(evs)-1].At
	}
	gap := r.EndAt - lastAt
	cause := "a limit on the response's total duration, not an idle timeout (comments cannot help): Varnish's send_timeout " +
		"(default 600 s; varnishd -p send_timeout=86400), or a load balancer's maximum connection duration"
	if gap > 3*proxyLivelyEvery {
		cause = fmt.Sprintf("events had stopped arriving %v before the cut, so the proxy held them back", proxyRound(gap))
	}
	suite.Failf(ctx, fmt.Sprintf("the stream open for --hold (%v) with an event every %v", cfg.Hold, proxyLivelyEvery),
		"the proxy cut it after %v (%s), %v after its last event (%d of %d events arrived): %s",
		proxyRound(r.EndAt), proxyEndText(r), proxyRound(gap), len(evs), len(steps), cause)
}
