package refserver

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReplayAfterKnownID(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	for i := 1; i <= 5; i++ {
		s.Publish(Event{Data: fmt.Sprint("e", i)})
	}
	st := openStream(t, ts.URL+"/events", http.Header{"Last-Event-ID": {"2"}})
	st.waitLen(len(preamble3s), 5*time.Second)
	s.Publish(Event{Data: "e6"})
	want := preamble3s + "id: 3\ndata: e3\n\nid: 4\ndata: e4\n\nid: 5\ndata: e5\n\nid: 6\ndata: e6\n\n"
	if got := string(st.waitLen(len(want), 5*time.Second)); got != want {
		t.Errorf("resumed stream\n got %q\nwant %q", got, want)
	}
}

func TestReplayNonASCIIID(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	s.Publish(Event{ID: "ключ-é€", Data: "a"})
	s.Publish(Event{Data: "b"})
	st := openStream(t, ts.URL+"/events", http.Header{"Last-Event-ID": {"ключ-é€"}})
	want := preamble3s + "id: 1\ndata: b\n\n"
	if got := string(st.waitLen(len(want), 5*time.Second)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestNoReplayWithoutKnownID: fresh clients and unknown ids get only live
// events; the first event after the preamble must be the new one.
func TestNoReplayWithoutKnownID(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	for range 3 {
		s.Publish(Event{Data: "old"})
	}
	headers := []http.Header{
		nil,
		{"Last-Event-ID": {""}},
		{"Last-Event-ID": {"nope"}},
		{"Last-Event-ID": {"é€-unknown"}},
	}
	var streams []*stream
	for _, h := range headers {
		st := openStream(t, ts.URL+"/events", h)
		st.waitLen(len(preamble3s), 5*time.Second)
		streams = append(streams, st)
	}
	s.Publish(Event{Data: "new"})
	const want = preamble3s + "id: 4\ndata: new\n\n"
	for i, st := range streams {
		if got := string(st.waitLen(len(want), 5*time.Second)); got != want {
			t.Errorf("client %d (%v): got %q, want %q", i, headers[i], got, want)
		}
	}
	got := s.Stats().LastEventIDs
	if strings.Join(got, "|") != "||nope|é€-unknown" {
		t.Errorf("LastEventIDs = %q", got)
	}
}

// TestResumeWhilePublishing reconnects with the latest id while another
// goroutine publishes: each client must see every later event exactly once.
func TestResumeWhilePublishing(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	const total = 300
	var (
		mu     sync.Mutex
		latest string
	)
	published := make(chan struct{})
	go func() {
		defer close(published)
		for range total {
			id, _ := s.Publish(Event{Data: "x"})
			mu.Lock()
			latest = id
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}
	}()
	type client struct {
		from int
		st   *stream
	}
	var clients []client
	for range 6 {
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		k := latest
		mu.Unlock()
		if k == "" {
			continue
		}
		var from int
		fmt.Sscan(k, &from)
		clients = append(clients, client{from, openStream(t, ts.URL+"/events", http.Header{"Last-Event-ID": {k}})})
	}
	<-published
	if len(clients) == 0 {
		t.Fatal("no client connected while publishing")
	}
	last := fmt.Sprintf("id: %d\n", total)
	for _, c := range clients {
		c.st.waitContains(last, 10*time.Second)
		evs, _ := parseStream(string(c.st.bytes()))
		for i, ev := range evs {
			if want := fmt.Sprint(c.from + 1 + i); ev.ID != want {
				t.Fatalf("client resumed after %d: event %d has id %s, want %s (gap or duplicate)", c.from, i, ev.ID, want)
			}
		}
		if len(evs) != total-c.from {
			t.Errorf("client resumed after %d: %d events, want %d", c.from, len(evs), total-c.from)
		}
	}
}

func TestRingBounds(t *testing.T) {
	r := newRing(3, 1<<20)
	for i := 1; i <= 5; i++ {
		r.push(fmt.Sprint(i), []byte(fmt.Sprint("f", i)))
	}
	if _, ok := r.after("2"); ok {
		t.Error("id 2 should have been evicted by count")
	}
	if got, ok := r.after("3"); !ok || len(got) != 2 || string(got[0]) != "f4" || string(got[1]) != "f5" {
		t.Errorf("after(3) = %q, %v", got, ok)
	}
	if got, ok := r.after("5"); !ok || len(got) != 0 {
		t.Errorf("after(newest) = %q, %v", got, ok)
	}

	r = newRing(100, 10)
	r.push("a", []byte("1234"))
	r.push("b", []byte("1234"))
	r.push("c", []byte("1234")) // 12 bytes > 10: a goes
	if _, ok := r.after("a"); ok {
		t.Error("a should have been evicted by bytes")
	}
	r.push("huge", make([]byte, 50)) // the newest is kept even alone over the cap
	if got, ok := r.after("huge"); !ok || len(got) != 0 || r.n != 1 {
		t.Errorf("oversized newest: %v %v n=%d", got, ok, r.n)
	}
}

// TestEndStreamsThenResume: a stream the server ends cleanly is resumed by
// a reconnect carrying the last id it saw.
func TestEndStreamsThenResume(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	st := openStream(t, ts.URL+"/events", nil)
	id, _ := s.Publish(Event{Data: "one"})
	st.waitContains("data: one\n\n", 5*time.Second)
	if n := s.EndStreams(); n != 1 {
		t.Errorf("EndStreams = %d, want 1", n)
	}
	if err := st.waitEnd(5 * time.Second); !isCleanEnd(err) {
		t.Errorf("ended with %v, want a clean end of body", err)
	}
	s.Publish(Event{Data: "two"}) // published while the client is away
	again := openStream(t, ts.URL+"/events", http.Header{"Last-Event-ID": {id}})
	want := preamble3s + "id: 2\ndata: two\n\n"
	if got := string(again.waitLen(len(want), 5*time.Second)); got != want {
		t.Errorf("resumed stream %q, want %q", got, want)
	}
}

// TestPublishEndEvent: POST /publish with the end control event ends the
// open streams instead of broadcasting it, and the server keeps serving.
func TestPublishEndEvent(t *testing.T) {
	_, ts := newTestServer(t, Options{Keepalive: time.Hour})
	st := openStream(t, ts.URL+"/events", nil)
	st.waitContains("retry:", 5*time.Second)
	resp, err := http.Post(ts.URL+"/publish", "application/json", strings.NewReader(`{"event":"`+EndEvent+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ended":1`) {
		t.Errorf("POST /publish end: %d %s, want 200 with ended 1", resp.StatusCode, body)
	}
	if err := st.waitEnd(5 * time.Second); !isCleanEnd(err) {
		t.Errorf("ended with %v, want a clean end of body", err)
	}
	if got := string(st.bytes()); strings.Contains(got, EndEvent) {
		t.Errorf("the end event was broadcast: %q", got)
	}
	again := openStream(t, ts.URL+"/events", nil)
	again.waitContains("retry:", 5*time.Second)
}
