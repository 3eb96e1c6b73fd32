package faults

import (
	"net/http"
	"sync"
)

// CONN faults: a correct publish-capable stream (Broker) behind a stream
// quota that either caps concurrent streams (SSE-CONN-001) or never
// notices streams ending, so abandoned ones use it up (SSE-CONN-002).
var (
	_ = register("max-10-streams", &connQuota{Max: 10, next: &Broker{}})                // SSE-CONN-001
	_ = register("leak-100-streams", &connQuota{Max: 100, Leak: true, next: &Broker{}}) // SSE-CONN-002
)

// connQuota answers 503 (with Retry-After, as the registration advises for
// capacity problems) to a stream request once Max streams are open. With
// Leak it counts every stream ever opened as open, like a server whose
// bookkeeping never learns that a client went away. Counts are kept per
// request Host, so one registered quota serves any number of test servers.
type connQuota struct {
	Max  int
	Leak bool
	next http.Handler

	mu   sync.Mutex
	open map[string]int
}

func (q *connQuota) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/publish" {
		q.next.ServeHTTP(w, r)
		return
	}
	q.mu.Lock()
	if q.open == nil {
		q.open = map[string]int{}
	}
	if q.open[r.Host] >= q.Max {
		q.mu.Unlock()
		w.Header().Set("Retry-After", "5")
		http.Error(w, "too many streams", http.StatusServiceUnavailable)
		return
	}
	q.open[r.Host]++
	q.mu.Unlock()
	if !q.Leak {
		defer func() {
			q.mu.Lock()
			q.open[r.Host]--
			q.mu.Unlock()
		}()
	}
	q.next.ServeHTTP(w, r)
}
