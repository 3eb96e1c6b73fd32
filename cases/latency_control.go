package cases

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// ctlEvery is how often the control stream carries an event: often enough
// that a stall while a target event is in flight delays one of them too.
const ctlEvery = 20 * time.Millisecond

// latencyControl is the suite's own SSE stream on 127.0.0.1: an in-process
// origin that flushes each event at once, read like the target's stream,
// with an event every ctlEvery while it runs. The control events in flight
// while a target event was measure the machine's own delay then
// (scheduling, a stalled reader), so a loaded machine is told from a slow
// target.
type latencyControl struct {
	o    *origin.Server
	sc   *origin.Scenario
	conn *stream.Conn
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	sent []ctlSample
}

// ctlSample is one control event: when it was due to be written and when
// it arrived (zero: not by the last snapshot).
type ctlSample struct {
	nonce        string
	sent, arrive time.Time
}

// startLatencyControl opens the control stream and starts its ticks.
// Without one (the loopback origin could not start) the latency checks
// judge the target alone: every method is a no-op on a nil control.
func startLatencyControl(ctx context.Context) *latencyControl {
	o, err := origin.Start("127.0.0.1:0", origin.Options{})
	if err != nil {
		suite.Note(ctx, "no control stream (%v): latencies judged without the machine's own for comparison", err)
		return nil
	}
	c := &latencyControl{o: o, sc: o.Add(origin.Script{Name: "latency-control"}), stop: make(chan struct{}), done: make(chan struct{})}
	c.conn, err = stream.Open(context.WithoutCancel(ctx), stream.Request{URL: o.URL() + c.sc.Path}, stream.Options{})
	if err != nil {
		suite.Note(ctx, "no control stream (%v): latencies judged without the machine's own for comparison", err)
		close(c.done)
		c.close()
		return nil
	}
	go c.run()
	suite.Cleanup(ctx, func() { c.close() })
	return c
}

// run sends a control event every ctlEvery. Each is timed from when it was
// due, not when the ticker woke: a timer firing late (a starved process)
// delays an in-process target's timers too.
func (c *latencyControl) run() {
	defer close(c.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	due := time.Now()
	for {
		select {
		case <-c.stop:
			return
		case <-timer.C:
		}
		nonce := suite.Nonce()
		c.sc.Broadcast(fmt.Sprintf("data: control %s\n\n", nonce))
		c.mu.Lock()
		c.sent = append(c.sent, ctlSample{nonce: nonce, sent: due})
		c.mu.Unlock()
		due = later(due.Add(ctlEvery), time.Now()) // after a stall, on from now
		timer.Reset(time.Until(due))
	}
}

// snapshot waits (at most wait) for the events sent so far and returns
// them all, with their arrivals.
func (c *latencyControl) snapshot(ctx context.Context, wait time.Duration) []ctlSample {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	n := len(c.sent) // the ones sent later are not waited for
	last := ""
	if n > 0 {
		last = c.sent[n-1].nonce
	}
	c.mu.Unlock()
	if n == 0 { // not one tick yet: no figure, which judges as a lost control
		return []ctlSample{}
	}
	suite.Await(ctx, c.conn, last, wait)
	arrived := map[string]time.Time{}
	c.conn.View(func(r *stream.Recording) {
		for _, ev := range r.Parse.Events {
			if n, ok := strings.CutPrefix(ev.Data, "control "); ok {
				arrived[n] = r.Start.Add(ev.At)
			}
		}
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, s := range c.sent[:n] {
		if s.arrive.IsZero() {
			c.sent[i].arrive = arrived[s.nonce]
		}
	}
	return append([]ctlSample(nil), c.sent[:n]...)
}

// ctlDuring is the machine's own delay while something was in flight from
// start to end: the longest latency of the control events in flight at any
// moment of it (or, when none was, of the one sent nearest to start);
// latencyMissing for one that never arrived, or without a control.
func ctlDuring(samples []ctlSample, start, end time.Time) time.Duration {
	worst, found := time.Duration(0), false
	nearest, gap := latencyMissing, time.Duration(latencyMissing)
	for _, s := range samples {
		lat := latencyMissing
		if !s.arrive.IsZero() {
			lat = s.arrive.Sub(s.sent)
		}
		if !s.sent.After(end) && (s.arrive.IsZero() || !s.arrive.Before(start)) {
			worst, found = max(worst, lat), true
		}
		if d := max(s.sent.Sub(start), start.Sub(s.sent)); d < gap {
			nearest, gap = lat, d
		}
	}
	if found {
		return worst
	}
	return nearest
}

func (c *latencyControl) close() {
	if c == nil {
		return
	}
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	<-c.done
	if c.conn != nil {
		c.conn.Close()
	}
	c.o.Close()
}
