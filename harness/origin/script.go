package origin

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Script is what the origin does with every request of one scenario.
type Script struct {
	Name      string            // the scenario's path segment, e.g. "latency"
	Status    int               // default 200
	Header    map[string]string // response headers over StreamHeader; "" deletes one
	Steps     []Step            // body writes at fixed times after the request arrived
	Keepalive time.Duration     // a ": keepalive" comment after this much silence (0: none)
	End       bool              // end the response after the last step; otherwise hold it until the client leaves
}

// Step is one body write, flushed at once.
type Step struct {
	At   time.Duration // since the request arrived
	Data string
}

// StreamHeader is a well-behaved origin's stream headers: what a script
// answers with unless its Header overrides them.
func StreamHeader() map[string]string {
	return map[string]string{
		"Content-Type":      "text/event-stream",
		"Cache-Control":     "no-cache, no-transform",
		"X-Accel-Buffering": "no",
	}
}

// KeepaliveFrame is what a Script's keepalive writes.
const KeepaliveFrame = ": keepalive\n\n"

// EndReason says why the origin's response ended.
type EndReason string

const (
	EndOpen   EndReason = ""       // still being served
	EndScript EndReason = "script" // the script ended it (Script.End, or a status without a body)
	EndClient EndReason = "client" // the client (or the proxy) went away: the request context ended
	EndWrite  EndReason = "write"  // a write failed: the connection is gone
	EndClosed EndReason = "closed" // the origin was closed
)

// Hit is one request a scenario received and what the origin did with it.
type Hit struct {
	Method      string
	URI         string // the request target as received
	Proto       string
	Host        string
	Header      http.Header // request headers as received
	Arrived     time.Time
	HeadersSent time.Time   // response headers written and flushed
	Steps       []time.Time // when step i began to be written; zero if it never was
	Broadcasts  int         // Scenario.Broadcast writes this request got
	Keepalives  int
	Ended       time.Time
	End         EndReason
}

// Scenario is a registered Script and the requests it received.
type Scenario struct {
	Script
	Path string // /ssespec/<name>/<nonce>

	mu      sync.Mutex
	hits    []*hitState
	changed chan struct{} // closed and replaced on every change, to wake Wait
}

type hitState struct {
	Hit
	send chan string // Broadcast → this request's handler
}

func newScenario(sc Script, path string) *Scenario {
	return &Scenario{Script: sc, Path: path, changed: make(chan struct{})}
}

// Hits returns a snapshot of the requests received so far, in arrival order.
func (sc *Scenario) Hits() []Hit {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	out := make([]Hit, len(sc.hits))
	for i, h := range sc.hits {
		out[i] = h.snapshot()
	}
	return out
}

func (h *hitState) snapshot() Hit {
	c := h.Hit
	c.Header = h.Header.Clone()
	c.Steps = slices.Clone(h.Steps)
	return c
}

// Wait blocks until cond holds on the hits so far or ctx ends; it reports
// whether cond held.
func (sc *Scenario) Wait(ctx context.Context, cond func([]Hit) bool) bool {
	for {
		sc.mu.Lock()
		ch := sc.changed
		sc.mu.Unlock()
		if cond(sc.Hits()) {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return cond(sc.Hits())
		}
	}
}

// Broadcast writes data now to every request of the scenario still being
// served and returns when it was handed to them and to how many.
func (sc *Scenario) Broadcast(data string) (time.Time, int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	at, n := time.Now(), 0
	for _, h := range sc.hits {
		if h.End != EndOpen {
			continue
		}
		select {
		case h.send <- data:
			n++
		default: // a request that cannot keep up misses it, like a slow client
		}
	}
	return at, n
}

// update applies f to h under the scenario's lock and wakes waiters.
func (sc *Scenario) update(h *hitState, f func(*Hit)) {
	sc.mu.Lock()
	f(&h.Hit)
	close(sc.changed)
	sc.changed = make(chan struct{})
	sc.mu.Unlock()
}

func (sc *Scenario) begin(r *http.Request) *hitState {
	h := &hitState{
		Hit: Hit{
			Method: r.Method, URI: r.RequestURI, Proto: r.Proto, Host: r.Host,
			Header: r.Header.Clone(), Arrived: time.Now(), Steps: make([]time.Time, len(sc.Steps)),
		},
		send: make(chan string, 64),
	}
	sc.mu.Lock()
	sc.hits = append(sc.hits, h)
	close(sc.changed)
	sc.changed = make(chan struct{})
	sc.mu.Unlock()
	return h
}

// serve plays the script for one request.
func (sc *Scenario) serve(w http.ResponseWriter, r *http.Request, closed <-chan struct{}) {
	h := sc.begin(r)
	end := EndScript
	defer func() {
		now := time.Now()
		sc.update(h, func(x *Hit) { x.Ended, x.End = now, end })
	}()

	status := cmp.Or(sc.Status, http.StatusOK)
	hdr := w.Header()
	if status == http.StatusOK {
		for k, v := range StreamHeader() {
			hdr.Set(k, v)
		}
	}
	applyHeader(hdr, sc.Header)
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	rc.Flush()
	sent := time.Now()
	sc.update(h, func(x *Hit) { x.HeadersSent = sent })
	if status == http.StatusNoContent || status == http.StatusNotModified || r.Method == http.MethodHead {
		return
	}

	write := func(data string) bool {
		_, err := w.Write([]byte(data))
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			end = EndWrite
		}
		return err == nil
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	last := sent // the last write, for the keepalive
	for next := 0; next < len(sc.Steps) || !sc.End; {
		var wake time.Time // zero: nothing scheduled
		if next < len(sc.Steps) {
			wake = h.Arrived.Add(sc.Steps[next].At)
		}
		if ka := last.Add(sc.Keepalive); sc.Keepalive > 0 && (wake.IsZero() || ka.Before(wake)) {
			wake = ka
		}
		var tick <-chan time.Time
		if !wake.IsZero() {
			timer.Reset(time.Until(wake))
			tick = timer.C
		}
		select {
		case <-r.Context().Done():
			end = EndClient
			select {
			case <-closed:
				end = EndClosed
			default:
			}
			return
		case data := <-h.send:
			if !write(data) {
				return
			}
			sc.update(h, func(x *Hit) { x.Broadcasts++ })
		case <-tick:
			if next < len(sc.Steps) && !time.Now().Before(h.Arrived.Add(sc.Steps[next].At)) {
				at := time.Now()
				sc.update(h, func(x *Hit) { x.Steps[next] = at })
				if !write(sc.Steps[next].Data) {
					return
				}
				next++
			} else {
				if !write(KeepaliveFrame) {
					return
				}
				sc.update(h, func(x *Hit) { x.Keepalives++ })
			}
		}
		last = time.Now()
	}
}
