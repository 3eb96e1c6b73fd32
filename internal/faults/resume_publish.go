package faults

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
)

// Publish-mode RESUME faults: a replay that resends or loses events around
// the client's Last-Event-ID (SSE-RESUME-002), and a "done" URL answered 200
// instead of 204 (SSE-RESUME-005).
var (
	// Replays from id >= k instead of > k, so the client sees event k twice
	// (launchdarkly/eventsource SliceRepository; MAIF/izanami PR #51).
	_ = register("resume-replays-k", &rpubHub{Offset: -1}) // SSE-RESUME-002
	// Off by one the other way: the first event after k is lost.
	_ = register("resume-skips-one", &rpubHub{Offset: 1}) // SSE-RESUME-002
	// Ignores Last-Event-ID: everything published while the client was away is lost.
	_ = register("resume-ignores-last-event-id", &rpubHub{NoReplay: true}) // SSE-RESUME-002
	// Resuming from the newest id (nothing missed) replays the whole history
	// (tmaxmax/go-sse v0.11 auto-ID replayers, findIDInQueue).
	_ = register("resume-newest-replays-all", &rpubHub{NewestReplaysAll: true}) // SSE-RESUME-002
	// Every fresh connection (no Last-Event-ID) is sent the whole log first
	// (r3labs/sse AutoReplay), so events published before it connected arrive.
	_ = register("replay-log-to-fresh-publish", &rpubHub{ReplayFresh: true}) // SSE-RESUME-003
	// Each new stream makes every open stream get the latest event again.
	_ = register("resend-latest-to-all-publish", &rpubHub{ResendToAll: true}) // SSE-CONN-004
	// The correct replay, for pass rows.
	_ = register("resume-ok", &rpubHub{}) // SSE-RESUME-002 (pass)

	// The finished stream answers 200 and ends the body: every EventSource
	// reconnects after its retry delay, forever (EventSource/eventsource #14).
	_ = register("done-200-close", rpubDone{next: &Broker{}}) // SSE-RESUME-005
	// The finished stream answers 200 and then stays open with keepalives.
	_ = register("done-200-stream", rpubDone{Stream: true, next: &Broker{}}) // SSE-RESUME-005
)

// rpubHub is a publish-capable SSE server with Last-Event-ID replay: GET
// /events streams (the reference headers, a retry preamble, keepalives),
// POST /publish takes the publish hook's JSON and broadcasts it with the
// next decimal id, GET /done answers 204. A stream sending Last-Event-ID k
// first gets every event published after k. The zero value is correct;
// each field breaks one thing. State is kept per request Host, so one
// registered hub serves any number of test servers.
type rpubHub struct {
	Offset           int  // replay starts this many events away from the one after k: -1 resends k, 1 loses one
	NoReplay         bool // ignore Last-Event-ID
	NewestReplaysAll bool // a Last-Event-ID naming the newest event replays the whole history
	ReplayFresh      bool // a request without Last-Event-ID gets the whole log first
	ResendToAll      bool // a new stream makes every open stream get the latest event again

	mu    sync.Mutex
	hosts map[string]*rpubHost
}

type rpubHost struct {
	log  []string // frames; event i has id i+1
	subs map[chan string]struct{}
}

func (h *rpubHub) host(name string) *rpubHost {
	if h.hosts == nil {
		h.hosts = map[string]*rpubHost{}
	}
	st := h.hosts[name]
	if st == nil {
		st = &rpubHost{subs: map[chan string]struct{}{}}
		h.hosts[name] = st
	}
	return st
}

func (h *rpubHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/publish":
		h.publish(w, r)
	case "/done":
		w.WriteHeader(http.StatusNoContent)
	default:
		h.stream(w, r)
	}
}

func (h *rpubHub) publish(w http.ResponseWriter, r *http.Request) {
	var ev publish.Event
	if r.Method != http.MethodPost || json.NewDecoder(io.LimitReader(r.Body, 8<<20)).Decode(&ev) != nil {
		http.Error(w, `POST {"event","data","id"}`, http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	st := h.host(r.Host)
	id := len(st.log) + 1
	frame := Frame(ev, id)
	st.log = append(st.log, frame)
	for q := range st.subs {
		select {
		case q <- frame:
		default: // 256 events behind; the tests never get there
		}
	}
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"id\":\"%d\"}\n", id)
}

// replay is what a stream resuming after lastID is sent first.
func (h *rpubHub) replay(st *rpubHost, lastID string) []string {
	if lastID == "" && h.ReplayFresh {
		return append([]string(nil), st.log...)
	}
	k, err := strconv.Atoi(lastID)
	if lastID == "" || h.NoReplay || err != nil || k < 1 || k > len(st.log) {
		return nil
	}
	if h.NewestReplaysAll && k == len(st.log) {
		return append([]string(nil), st.log...)
	}
	from := min(max(k+h.Offset, 0), len(st.log)) // st.log[k] has id k+1
	return append([]string(nil), st.log[from:]...)
}

func (h *rpubHub) stream(w http.ResponseWriter, r *http.Request) {
	q := make(chan string, 256)
	h.mu.Lock()
	st := h.host(r.Host)
	replay := h.replay(st, r.Header.Get("Last-Event-ID"))
	if h.ResendToAll && len(st.log) > 0 {
		for o := range st.subs {
			select {
			case o <- st.log[len(st.log)-1]:
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
	io.WriteString(w, ": ok\nretry: 3000\n\n")
	for _, f := range replay {
		io.WriteString(w, f)
	}
	rc.Flush()
	keep := time.NewTicker(250 * time.Millisecond)
	defer keep.Stop()
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case <-keep.C:
			_, err = io.WriteString(w, ": keepalive\n\n")
		case f := <-q:
			_, err = io.WriteString(w, f)
		}
		if err != nil || rc.Flush() != nil {
			return
		}
	}
}

// rpubDone serves next, except that GET /done (the target's finished
// stream) answers 200 text/event-stream instead of 204: with a last event
// and the end of the body, or (Stream) staying open with keepalives.
type rpubDone struct {
	Stream bool
	next   http.Handler
}

func (d rpubDone) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/done" {
		d.next.ServeHTTP(w, r)
		return
	}
	for k, v := range defaultHeader {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	io.WriteString(w, "retry: 3000\nevent: done\ndata: finished\n\n")
	rc.Flush()
	if !d.Stream {
		return
	}
	keep := time.NewTicker(250 * time.Millisecond)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-keep.C:
			if _, err := io.WriteString(w, ": keepalive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
