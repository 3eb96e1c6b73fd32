package faults

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
)

// racyBatch is a Broker whose publish path batches events without a
// thread-safe hand-off (SSE-CONN-005): each publish appends its frame to a
// shared pending list, copies the list, sends the copy to every stream and
// then clears the list — three steps, each under the lock, but not one
// step. Publishes one at a time are delivered exactly once; overlapping
// ones are sent twice (two publishers copy the same pending list) or never
// (one clears the list after another appended to it, before that one
// copied it). Each step takes a moment, as formatting and a write to Redis
// or a socket would, which is what lets publishes overlap here as they do
// in production.
type racyBatch struct {
	*Broker
	pending map[string][]string // by Host, like the Broker's streams
}

func (b *racyBatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/publish" {
		b.Broker.ServeHTTP(w, r)
		return
	}
	var ev publish.Event
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&ev); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	h := b.host(r.Host)
	h.seq++
	b.pending[r.Host] = append(b.pending[r.Host], Frame(ev, h.seq))
	b.mu.Unlock()
	time.Sleep(time.Millisecond) // formatting the batch takes a moment

	b.mu.Lock()
	batch := append([]string(nil), b.pending[r.Host]...)
	b.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // the hand-off to the streams takes a moment
	b.mu.Lock()
	for q := range h.subs {
		for _, f := range batch {
			select {
			case q <- f:
			default:
			}
		}
	}
	b.mu.Unlock()

	b.mu.Lock()
	b.pending[r.Host] = nil // also drops what others appended since the copy
	b.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

var _ = register("publish-racy-batch", &racyBatch{Broker: &Broker{}, pending: map[string][]string{}})
