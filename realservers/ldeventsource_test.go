package realservers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/launchdarkly/eventsource"

	"github.com/ssespec/ssespec/harness/publish"
)

// ldEvent is a published event as github.com/launchdarkly/eventsource
// wants it: anything with Id, Event and Data.
type ldEvent struct{ id, name, data string }

func (e ldEvent) Id() string    { return e.id }
func (e ldEvent) Event() string { return e.name }
func (e ldEvent) Data() string  { return e.data }

// ldDrained is the library's SliceRepository with one workaround: its
// Replay channel is read out at once and handed to the server buffered.
// As shipped, SliceRepository.Replay sends on an unbuffered channel from a
// goroutine that holds the repository's read lock, and Server.Handler
// stops reading that channel when its client leaves mid-replay: the
// goroutine then blocks forever holding the lock, and the next Add blocks
// forever too, so publishing stops for everyone
// (TestLDEventSourceReplayDeadlock). The suite's RESUME checks drop
// resuming streams, so without this the run would hang at random; with
// it, what the repository replays (and every other behaviour) is
// unchanged.
type ldDrained struct{ *eventsource.SliceRepository }

func (r ldDrained) Replay(channel, id string) chan eventsource.Event {
	var evs []eventsource.Event
	for e := range r.SliceRepository.Replay(channel, id) {
		evs = append(evs, e)
	}
	out := make(chan eventsource.Event, len(evs))
	for _, e := range evs {
		out <- e
	}
	close(out)
	return out
}

// startLDEventSource serves github.com/launchdarkly/eventsource the way its
// Repository example does: Server.Handler for one channel, a registered
// SliceRepository for Last-Event-ID replay, and every event both added to
// the repository and published. The library assigns no ids, so the
// adapter numbers events; they are zero-padded because SliceRepository
// orders and searches ids as strings (sort.Search on Id() >= id), as the
// library's own example does with fixed-width UnixNano ids. The library
// has no keepalive of its own to configure (PublishComment exists, but
// nothing sends it on a timer).
func startLDEventSource(t *testing.T, withDemo bool) adapter {
	const channel = "events"
	srv := eventsource.NewServer()
	repo := eventsource.NewSliceRepository()
	srv.Register(channel, ldDrained{repo})
	mux := http.NewServeMux()
	mux.Handle("/events", srv.Handler(channel))
	ts := httptest.NewServer(mux)

	var mu sync.Mutex // ids increase in publish order, and the repository sees them in that order
	seq := 0
	emit := func(ctx context.Context, ev publish.Event) error {
		mu.Lock()
		defer mu.Unlock()
		id := ev.ID
		if id == "" {
			seq++
			id = fmt.Sprintf("%010d", seq)
		}
		e := ldEvent{id: id, name: ev.Event, data: ev.Data}
		repo.Add(channel, e)
		select {
		case <-srv.PublishWithAcknowledgment([]string{channel}, e):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	stop := func() {}
	if withDemo {
		stop = demo(func(ev publish.Event) error { return emit(context.Background(), ev) })
	}
	t.Cleanup(func() {
		stop()
		srv.Close()
		ts.CloseClientConnections()
		ts.Close()
	})
	return adapter{URL: ts.URL + "/events", Publish: emit}
}

func TestLDEventSource(t *testing.T)     { run(t, startLDEventSource, true, "launchdarkly-busy") }
func TestLDEventSourceIdle(t *testing.T) { run(t, startLDEventSource, false, "launchdarkly-idle") }

// TestLDEventSourceReplayDeadlock pins why the adapter wraps the
// repository (ldDrained): with the SliceRepository as shipped, clients that
// resume (Last-Event-ID) and leave before their replay was written strand
// a Replay goroutine holding the repository's read lock, after which Add —
// every publish — blocks forever. When a library update fixes this, this
// test fails: drop ldDrained then.
func TestLDEventSourceReplayDeadlock(t *testing.T) {
	const channel = "events"
	srv := eventsource.NewServer()
	repo := eventsource.NewSliceRepository()
	srv.Register(channel, repo)
	ts := httptest.NewServer(srv.Handler(channel))
	t.Cleanup(func() { srv.Close(); ts.CloseClientConnections(); ts.Close() })
	for i := 1; i <= 1000; i++ {
		repo.Add(channel, ldEvent{id: fmt.Sprintf("%010d", i), data: "event"})
	}
	for round := 1; round <= 5; round++ {
		for range 20 {
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL, nil)
			req.Header.Set("Last-Event-ID", "0000000001")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			cancel() // leave as soon as the headers arrived
			resp.Body.Close()
		}
		added := make(chan struct{})
		go func() { // leaks when blocked, as a stuck publisher would
			repo.Add(channel, ldEvent{id: fmt.Sprintf("%010d", 1000+round), data: "after"})
			close(added)
		}()
		select {
		case <-added:
		case <-time.After(time.Second):
			t.Logf("after %d abandoned resumes, SliceRepository.Add has blocked for 1s", 20*round)
			return
		}
	}
	t.Errorf("SliceRepository.Add still returns after 100 resuming clients left mid-replay: the library no longer deadlocks; drop the ldDrained workaround")
}
