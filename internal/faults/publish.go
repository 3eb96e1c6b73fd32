package faults

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
)

// Broker is the one publish-capable SSE server behind the publish-mode and
// connection faults: GET /events is a stream (the reference server's
// headers, a retry preamble, keepalives), POST /publish takes the publish
// hook's JSON {"event","data","id"} and broadcasts it with the next id, GET
// /done answers 204. Everything a fault changes is a field, so each fault
// is one line; the zero Broker behaves like the reference server without
// Last-Event-ID resume.
//
// Streams and publishes are grouped by the request's Host, so one
// registered Broker serves any number of test servers without their events
// crossing. Use it as a pointer.
type Broker struct {
	Encode     func(ev publish.Event, id int) string // one event's wire bytes; default Frame
	Unsafe     bool                                  // accept CR/LF in names and ids (default: 400, as the reference does)
	FlushDelay time.Duration                         // write and flush each event this long after its publish
	FlushEvery time.Duration                         // never flush per event: flush on this ticker only (batching)
	HoldFirst  bool                                  // a stream's first event is held until its second is published
	Gzip       bool                                  // gzip the body whatever the client accepts, flushing only the socket (not the compressor)
	Keepalive  time.Duration                         // comment interval; default 250ms; negative: none
	// HoldHeaders sends nothing, not even the status line, until the first
	// event: headers, preamble and event go out in one write (Flask's
	// generator Response, go-sse). Correct, if unkind to proxies.
	HoldHeaders bool
	// ReplayHistory sends every stream all events published so far when it
	// opens, asked or not (r3labs/sse #61's AutoReplay).
	ReplayHistory bool
	// ResendToAll makes each new stream send the newest event again to
	// every stream already open.
	ResendToAll bool

	// Resume replays, to a stream sending Last-Event-ID k, every event
	// published after k; the fields below it break that replay.
	Resume           bool
	ResumeOffset     int  // replay starts this many events away from the one after k: -1 resends k, 1 loses one
	NewestReplaysAll bool // a Last-Event-ID naming the newest event replays the whole history
	ReplayFresh      bool // a stream without Last-Event-ID gets the whole history first

	// Tick makes the server its own source: event n ("id: n", "data: tick
	// n") goes to every open stream Tick × n after the host's first
	// request, and a stream opened between ticks n-1 and n starts at n.
	Tick time.Duration
	// Welcome is sent to each new stream after the preamble.
	Welcome string
	// WelcomeToAll also sends the welcome and the recent ticks to every
	// stream already open, on each connect.
	WelcomeToAll bool

	mu    sync.Mutex
	hosts map[string]*brokerHost
}

type brokerHost struct {
	start   time.Time
	seq     int
	subs    map[chan string]struct{}
	history []sent // the last historyMax events published
}

type sent struct {
	id    int
	frame string
}

// historyMax bounds what a host keeps for replay; the tests publish far fewer.
const historyMax = 256

// Frame is the correct encoding of a published event: id, event (omitted
// when empty), one "data: " line per payload line (split on CRLF, CR and
// LF), then the blank line.
func Frame(ev publish.Event, id int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %d\n", id)
	if ev.Event != "" {
		fmt.Fprintf(&b, "event: %s\n", ev.Event)
	}
	for _, line := range SplitLines(ev.Data) {
		fmt.Fprintf(&b, "data: %s\n", line)
	}
	b.WriteString("\n")
	return b.String()
}

// SplitLines splits s on CRLF, CR and LF, the line endings a client knows.
func SplitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n")
}

// Encoded returns a Broker writing events with enc (and otherwise correct).
func Encoded(enc func(ev publish.Event, id int) string) *Broker { return &Broker{Encode: enc} }

func (b *Broker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/publish":
		b.servePublish(w, r)
	case "/done":
		w.WriteHeader(http.StatusNoContent)
	default:
		b.serveStream(w, r)
	}
}

func (b *Broker) host(name string) *brokerHost {
	if b.hosts == nil {
		b.hosts = map[string]*brokerHost{}
	}
	h := b.hosts[name]
	if h == nil {
		h = &brokerHost{start: time.Now(), subs: map[chan string]struct{}{}}
		b.hosts[name] = h
	}
	return h
}

// keepsHistory says whether published events are kept for a later stream.
func (b *Broker) keepsHistory() bool { return b.ReplayHistory || b.Resume || b.ResendToAll }

func (b *Broker) servePublish(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	var ev publish.Event
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&ev); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !b.Unsafe && strings.ContainsAny(ev.Event+ev.ID, "\r\n") {
		http.Error(w, "event name or id contains CR or LF", http.StatusBadRequest)
		return
	}
	enc := b.Encode
	if enc == nil {
		enc = Frame
	}
	b.mu.Lock()
	h := b.host(r.Host)
	h.seq++
	id := h.seq
	if n, err := strconv.Atoi(ev.ID); err == nil && n > id {
		h.seq, id = n, n
	}
	frame := enc(ev, id)
	if b.keepsHistory() {
		h.history = append(h.history[max(0, len(h.history)-historyMax+1):], sent{id, frame})
	}
	clients := 0
	for q := range h.subs {
		clients++
		deliver := func(q chan string) {
			select {
			case q <- frame:
			default: // a stream 256 events behind misses events; the tests never get there
			}
		}
		if b.FlushDelay > 0 {
			time.AfterFunc(b.FlushDelay, func() { deliver(q) })
		} else {
			deliver(q)
		}
	}
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"id\":\"%d\",\"clients\":%d}\n", id, clients)
}

// The correct Broker, so tests can show a publish fault differs from a
// passing server in one thing only.
var _ = register("publish-ok", &Broker{})

// A correct Broker that holds its response headers until the first event
// and sends keepalives only every 30 s (@fastify/sse's default heartbeat).
var _ = register("publish-held-headers", &Broker{HoldHeaders: true, Keepalive: 30 * time.Second})

// SSE-RESUME-003 in publish mode: every fresh stream gets the whole history.
var _ = register("publish-replay-history", &Broker{ReplayHistory: true})
