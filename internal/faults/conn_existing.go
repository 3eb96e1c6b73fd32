package faults

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// SSE-CONN-004: what a new connection makes the streams already open receive.
var (
	// One library re-broadcasts its "initial" events (a welcome and the
	// recent history) to every client on each connect, so every open
	// stream gets them again whenever anyone connects.
	_ = register("initial-to-all-on-connect", &connHub{InitToAll: true}) // SSE-CONN-004
	// The correct version: the welcome goes to the new client only.
	_ = register("welcome-to-new-only", &connHub{}) // SSE-CONN-004 (pass)
)

// connHub is one broadcast stream per server (by Host): event n ("tick n",
// id n) goes to every open stream 200 ms × n after the server's first
// request, and each new stream is sent a welcome first. With InitToAll the
// welcome and three recent events are sent to every open stream too.
type connHub struct {
	InitToAll bool

	mu    sync.Mutex
	hosts map[string]*connHost
}

type connHost struct {
	start time.Time
	subs  map[chan string]struct{}
}

const connHubTick = 200 * time.Millisecond

func connHubFrame(n int) string { return fmt.Sprintf("id: %d\ndata: tick %d\n\n", n, n) }

func (h *connHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := make(chan string, 64)
	h.mu.Lock()
	if h.hosts == nil {
		h.hosts = map[string]*connHost{}
	}
	st := h.hosts[r.Host]
	if st == nil {
		st = &connHost{start: time.Now(), subs: map[chan string]struct{}{}}
		h.hosts[r.Host] = st
	}
	next := int(time.Since(st.start)/connHubTick) + 1
	initial := "event: init\ndata: welcome\n\n"
	if h.InitToAll {
		for n := max(1, next-4); n < next-1; n++ { // not the newest: an open stream busy writing may not have it yet
			initial += connHubFrame(n)
		}
		for o := range st.subs {
			select {
			case o <- initial:
			default:
			}
		}
	}
	st.subs[q] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(st.subs, q)
		h.mu.Unlock()
	}()

	for k, v := range defaultHeader {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	io.WriteString(w, ": ok\nretry: 3000\n\n"+initial)
	rc.Flush()
	for ; ; next++ {
		t := time.NewTimer(time.Until(st.start.Add(time.Duration(next) * connHubTick)))
	wait:
		for {
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case s := <-q:
				if _, err := io.WriteString(w, s); err != nil || rc.Flush() != nil {
					t.Stop()
					return
				}
			case <-t.C:
				break wait
			}
		}
		if _, err := io.WriteString(w, connHubFrame(next)); err != nil || rc.Flush() != nil {
			return
		}
	}
}
