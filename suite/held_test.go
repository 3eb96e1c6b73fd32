package suite

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
)

// heldBroker holds every stream's headers until the first publish, then
// sends them with the event, as Flask's generator responses do.
type heldBroker struct {
	released chan struct{}
	once     sync.Once
}

func (b *heldBroker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case <-b.released:
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Write([]byte("data: first\n\n"))
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

func (b *heldBroker) publish(context.Context, publish.Event) error {
	b.once.Do(func() { close(b.released) })
	return nil
}

// A held target whose headers another check's publish released inside the
// sample's grace is still recognised as holding them (its streams and
// browser pages are then nudged at once), not taken for a prompt one.
func TestHeldHeadersReleasedByAnotherPublish(t *testing.T) {
	b := &heldBroker{released: make(chan struct{})}
	ts := httptest.NewServer(b)
	defer ts.Close()
	cfg := Config{URL: ts.URL, PublishFunc: b.publish, Window: 3 * time.Second, KeepaliveMax: time.Second}
	r := BeginRun(cfg, "", true)
	defer r.End()
	// Another check publishes 200 ms in, well inside the 1 s grace.
	time.Sleep(200 * time.Millisecond)
	if err := r.Config().Publisher().Publish(context.Background(), publish.Event{Data: "another check"}); err != nil {
		t.Fatal(err)
	}
	WaitSample(r.context(context.Background()))
	if !r.HeadersHeld() {
		t.Fatal("a target holding its headers until a publish was taken for a prompt one")
	}
}

// A page waiting for its stream is nudged after the grace even when the run
// has not recognised the target as holding its headers (a loaded machine
// can hide it), so a held target still opens the page's stream.
func TestNudgeWhileWithoutKnownHeldHeaders(t *testing.T) {
	var published atomic.Int32
	cfg := Config{URL: "http://127.0.0.1:1/events", PublishFunc: func(context.Context, publish.Event) error {
		published.Add(1)
		return nil
	}}
	r := BeginRun(cfg, "", false)
	defer r.End()
	if r.HeadersHeld() {
		t.Fatal("held before anything was seen")
	}
	stop := NudgeWhile(r.context(context.Background()))
	deadline := time.Now().Add(10 * time.Second)
	for published.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if published.Load() == 0 {
		t.Fatal("no nudge while the page waited")
	}
}
