package faults

import (
	"io"
	"net/http"
	"time"
)

// Publish-mode RESUME faults: a replay that resends or loses events around
// the client's Last-Event-ID (SSE-RESUME-002), and a "done" URL answered 200
// instead of 204 (SSE-RESUME-005).
var (
	// Replays from id >= k instead of > k, so the client sees event k twice
	// (launchdarkly/eventsource SliceRepository; MAIF/izanami PR #51).
	_ = register("resume-replays-k", &Broker{Resume: true, ResumeOffset: -1}) // SSE-RESUME-002
	// Off by one the other way: the first event after k is lost.
	_ = register("resume-skips-one", &Broker{Resume: true, ResumeOffset: 1}) // SSE-RESUME-002
	// Ignores Last-Event-ID: everything published while the client was away is lost.
	_ = register("resume-ignores-last-event-id", &Broker{}) // SSE-RESUME-002
	// Resuming from the newest id (nothing missed) replays the whole history
	// (tmaxmax/go-sse v0.11 auto-ID replayers, findIDInQueue).
	_ = register("resume-newest-replays-all", &Broker{Resume: true, NewestReplaysAll: true}) // SSE-RESUME-002
	// Every fresh connection (no Last-Event-ID) is sent the whole log first
	// (r3labs/sse AutoReplay), so events published before it connected arrive.
	_ = register("replay-log-to-fresh-publish", &Broker{Resume: true, ReplayFresh: true}) // SSE-RESUME-003
	// Each new stream makes every open stream get the latest event again.
	_ = register("resend-latest-to-all-publish", &Broker{Resume: true, ResendToAll: true}) // SSE-CONN-004
	// The correct replay, for pass rows.
	_ = register("resume-ok", &Broker{Resume: true}) // SSE-RESUME-002 (pass)

	// The finished stream answers 200 and ends the body: every EventSource
	// reconnects after its retry delay, forever (EventSource/eventsource #14).
	_ = register("done-200-close", rpubDone{next: &Broker{}}) // SSE-RESUME-005
	// The finished stream answers 200 and then stays open with keepalives.
	_ = register("done-200-stream", rpubDone{Stream: true, next: &Broker{}}) // SSE-RESUME-005
)

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
