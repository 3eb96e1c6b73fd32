package cases

import (
	"context"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// latencyControl is the suite's own SSE stream on 127.0.0.1: an in-process
// origin that flushes each event at once, read like the target's stream.
// A control event sent at the same moment as each target event measures
// the machine's own delay then (scheduling, a stalled reader), so a loaded
// machine is told from a slow target.
type latencyControl struct {
	o    *origin.Server
	sc   *origin.Scenario
	conn *stream.Conn

	mu   sync.Mutex
	sent []latencySent
}

type latencySent struct {
	nonce string
	at    time.Time
}

// startLatencyControl opens the control stream. Without one (the loopback
// origin could not start) the latency checks judge the target alone: each
// method is a no-op on a nil or empty control.
func startLatencyControl(ctx context.Context) *latencyControl {
	o, err := origin.Start("127.0.0.1:0", origin.Options{})
	if err != nil {
		suite.Note("no control stream (%v): latencies judged without the machine's own for comparison", err)
		return nil
	}
	c := &latencyControl{o: o, sc: o.Add(origin.Script{Name: "latency-control"})}
	c.conn, err = stream.Open(context.WithoutCancel(ctx), stream.Request{URL: o.URL() + c.sc.Path}, stream.Options{})
	if err != nil {
		suite.Note("no control stream (%v): latencies judged without the machine's own for comparison", err)
		c.close()
		return nil
	}
	DeferCleanup(c.close)
	return c
}

// send writes one control event now; call it right before the target's.
func (c *latencyControl) send() {
	if c == nil {
		return
	}
	nonce := suite.Nonce()
	at, _ := c.sc.Broadcast(fmt.Sprintf("data: control %s\n\n", nonce))
	c.mu.Lock()
	c.sent = append(c.sent, latencySent{nonce, at})
	c.mu.Unlock()
}

// latencies waits (at most wait) for the control events sent since from
// and returns their send→receipt latencies, latencyMissing for one that
// never arrived.
func (c *latencyControl) latencies(ctx context.Context, from int, wait time.Duration) []time.Duration {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	sent := c.sent[from:]
	c.mu.Unlock()
	ns := make([]string, len(sent))
	for i, s := range sent {
		ns[i] = s.nonce
	}
	got := awaitAll(ctx, c.conn, ns, wait)
	rec := c.conn.Recording() // only its Start is read
	out := make([]time.Duration, len(sent))
	for i, s := range sent {
		out[i] = latencyMissing
		if ev, ok := got[s.nonce]; ok {
			out[i] = ev.At - rec.Since(s.at)
		}
	}
	return out
}

// count is how many control events were sent so far.
func (c *latencyControl) count() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent)
}

func (c *latencyControl) close() {
	if c.conn != nil {
		c.conn.Close()
	}
	c.o.Close()
}
