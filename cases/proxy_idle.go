package cases

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// checkProxyIdle is SSE-PROXY-004: one stream with a comment every 15 s
// (or --keepalive-max) must last --hold; alongside, one silent stream per
// step of proxyIdleSteps finds the longest silence the proxy tolerates.
// All streams run at once, so the check takes --hold, not the sum.
func checkProxyIdle(ctx context.Context) {
	cfg := suite.Current(ctx)
	o := proxyOrigin(ctx)
	every := min(15*time.Second, cfg.KeepaliveMax)
	open := func(name string, silence, keepalive time.Duration) *proxyLeg {
		script := origin.Script{Name: name, Keepalive: keepalive, End: true, Steps: []origin.Step{
			{Data: "id: 0\ndata: open\n\n"},
			{At: silence, Data: "id: 1\ndata: after " + silence.String() + "\n\n"},
		}}
		l := &proxyLeg{name: "proxied", sc: o.Add(script), origin: o}
		l.url = proxyVia(cfg) + l.sc.Path
		l.open(ctx, nil, stream.Options{Duration: cfg.Hold + 10*time.Second})
		suite.Cleanup(ctx, func() { l.conn.Close() })
		return l
	}
	steps := proxyIdleSteps(cfg.Hold)
	silent := make([]*proxyLeg, len(steps))
	var keep *proxyLeg
	var wg sync.WaitGroup
	wg.Go(func() { keep = open("idle-keepalive", cfg.Hold, every) })
	for i, s := range steps {
		wg.Go(func() { silent[i] = open("idle-silent", s, 0) })
	}
	wg.Wait()
	wctx, cancel := context.WithTimeout(ctx, cfg.Hold+10*time.Second)
	defer cancel()
	for _, l := range append([]*proxyLeg{keep}, silent...) {
		wg.Go(func() { l.conn.Wait(wctx) })
	}
	wg.Wait()

	found := proxyIdleFind(steps, silent)
	suite.Evidence(ctx, "idle_timeout", found)
	proxyAttach(ctx, "idle-keepalive", keep)
	if keep.err != nil || keep.rec().Status != 200 {
		suite.Undecided("the held stream did not open through the proxy: status %d, %v", keep.rec().Status, keep.err)
	}
	keep.hit()
	if proxyHasID(keep.rec(), "1") {
		suite.Note(ctx, "%s", found.Summary)
		return
	}
	r := keep.rec()
	if proxyCutWhileLively(r, keep.sc.Hits(), every) {
		suite.Failf(ctx, fmt.Sprintf("the stream open for --hold (%v) with a comment every %v", cfg.Hold, every),
			"the proxy cut it after %v (%s) although its comments were arriving (the last %v before the cut): a limit on the response's "+
				"total duration, not an idle timeout, so more comments cannot help (Varnish: send_timeout; SSE-PROXY-013 checks it with events)",
			proxyRound(r.EndAt), proxyEndText(r), proxyRound(r.EndAt-proxyLastChunk(r)))
	}
	suite.Failf(ctx, fmt.Sprintf("the stream open for --hold (%v) with a comment every %v", cfg.Hold, every),
		"the proxy cut it after %v (%s); %s", proxyRound(r.EndAt), proxyEndText(r), found.Summary)
}

// proxyIdleSteps are the silences tried: a ladder of common proxy
// timeouts below hold, and hold itself.
func proxyIdleSteps(hold time.Duration) []time.Duration {
	var out []time.Duration
	for _, s := range []float64{0.5, 1, 2, 3, 5, 10, 15, 20, 30, 45, 55, 60, 75, 90, 100, 120, 180, 240, 300, 600} {
		if d := time.Duration(s * float64(time.Second)); d < hold {
			out = append(out, d)
		}
	}
	return append(out, hold)
}

// proxyIdleResult is what the silent streams found.
type proxyIdleResult struct {
	ToleratedS []float64 `json:"tolerated_s,omitempty"` // silences that passed
	CutS       []float64 `json:"cut_s,omitempty"`       // silences that were cut
	CutAfterS  []float64 `json:"cut_after_s,omitempty"` // how long the cut ones had been silent when cut
	AdviceS    float64   `json:"comment_every_s"`       // the advice: a comment at least this often
	Summary    string    `json:"summary"`               // the finding in words
	Errors     []string  `json:"errors,omitempty"`      // steps that did not open
}

func proxyIdleFind(steps []time.Duration, legs []*proxyLeg) proxyIdleResult {
	var res proxyIdleResult
	longestOK, timeout := time.Duration(0), time.Duration(0)
	for i, l := range legs {
		r := l.rec()
		switch {
		case l.err != nil || r.Status != 200:
			res.Errors = append(res.Errors, fmt.Sprintf("%v: status %d %v", steps[i], r.Status, l.err))
		case proxyHasID(r, "1"):
			res.ToleratedS = append(res.ToleratedS, steps[i].Seconds())
			longestOK = max(longestOK, steps[i])
		default:
			res.CutS = append(res.CutS, steps[i].Seconds())
			from := time.Duration(0)
			if evs := r.Parse.Events; len(evs) > 0 {
				from = evs[0].At
			}
			cut := r.EndAt - from
			if hits := l.sc.Hits(); len(hits) > 0 && len(hits[0].Steps) > 0 && !hits[0].Steps[0].IsZero() {
				// From the origin's write of that event: the proxy's idle
				// timer starts when it reads it, and a loaded machine hands
				// it to the client later, which made a 1 s timeout look
				// like 900 ms.
				cut = r.Start.Add(r.EndAt).Sub(hits[0].Steps[0])
			}
			res.CutAfterS = append(res.CutAfterS, cut.Round(10*time.Millisecond).Seconds())
			if timeout == 0 || cut < timeout {
				timeout = cut
			}
		}
	}
	switch {
	case timeout == 0:
		res.AdviceS = 15
		res.Summary = fmt.Sprintf("no idle timeout found: the proxy tolerated %v of silence; still send a comment at least every 15 s "+
			"for the intermediaries after it (the spec's advice)", longestOK)
	default:
		// The advice is half the timeout as reported, so the two numbers
		// agree ("about 10s … every 5s"), not half of 9.99 s truncated.
		shown := timeout.Round(time.Second)
		if timeout < 2*time.Second {
			shown = timeout.Round(100 * time.Millisecond)
		}
		advice := max(shown/2, 100*time.Millisecond)
		res.AdviceS = advice.Seconds()
		res.Summary = fmt.Sprintf("the proxy's idle timeout is about %v (it tolerated %v of silence and cut a silent stream after %v): "+
			"send a comment at least every %v", shown, longestOK, timeout.Round(10*time.Millisecond), advice)
	}
	return res
}

func proxyHasID(r *stream.Recording, id string) bool {
	for _, ev := range r.Parse.Events {
		if ev.ID != nil && *ev.ID == id {
			return true
		}
	}
	return false
}

// proxyEndText says how a recording ended.
func proxyEndText(r *stream.Recording) string {
	if r.Err != nil {
		return fmt.Sprintf("%s: %v", r.End, r.Err)
	}
	return string(r.End)
}

// proxyCutWhileLively tells a cut of a stream that was getting its
// keepalives (two at least, the last at most 1.5 × every before the cut) from
// an idle timeout, which cuts before the first keepalive arrives.
func proxyCutWhileLively(r *stream.Recording, hits []origin.Hit, every time.Duration) bool {
	if len(hits) == 0 || hits[0].Keepalives == 0 || proxyComments(r) < 2 {
		return false
	}
	return r.EndAt-proxyLastChunk(r) <= every+every/2
}

// proxyLastChunk is when the last body bytes of r arrived.
func proxyLastChunk(r *stream.Recording) time.Duration {
	if len(r.Chunks) == 0 {
		return 0
	}
	return r.Chunks[len(r.Chunks)-1].At
}
