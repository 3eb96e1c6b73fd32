package faults

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
)

// BrowserTarget is a publish-capable SSE server for the browser checks'
// faults: GET on any path but /publish is the stream (the reference
// server's headers, a retry preamble, keepalives, replay after
// Last-Event-ID), POST /publish takes the publish hook's JSON and broadcasts
// it with the next id. It implements the optional end command: publishing
// {"event":"ssespec:end"} ends every open stream cleanly and keeps serving
// (capability "end"). Each fault changes one field; the zero value behaves
// like the reference server. Streams are grouped by the request's Host, so
// one registered BrowserTarget serves many test servers.
type BrowserTarget struct {
	Header    map[string]string                          // response headers over the defaults ("-" deletes)
	Retry     string                                     // the preamble's retry line; default "retry: 1000"
	Encode    func(ev publish.Event, id int) string      // one event's bytes; default Frame
	Drop      func(ev publish.Event) bool                // published events never sent
	Vary      func(r *http.Request, frame string) string // rewrite a frame per request
	IgnoreEnd bool                                       // accept the end command but never end a stream
	NoReplay  bool                                       // ignore Last-Event-ID (live events only)
	Keepalive time.Duration                              // default 250ms

	mu    sync.Mutex
	hosts map[string]*browserHost
}

type browserHost struct {
	seq  int
	ring []browserFrame
	subs map[*browserSub]struct{}
}

type browserFrame struct {
	id    int
	frame string
}

type browserSub struct {
	q   chan string
	end chan struct{}
}

func (b *BrowserTarget) host(name string) *browserHost {
	if b.hosts == nil {
		b.hosts = map[string]*browserHost{}
	}
	h := b.hosts[name]
	if h == nil {
		h = &browserHost{subs: map[*browserSub]struct{}{}}
		b.hosts[name] = h
	}
	return h
}

func (b *BrowserTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/publish" {
		b.servePublish(w, r)
		return
	}
	if r.Method != http.MethodGet || strings.HasPrefix(r.URL.Path, "/__ssespec/") {
		http.NotFound(w, r) // e.g. the browser page's hx-get
		return
	}
	b.serveStream(w, r)
}

func (b *BrowserTarget) servePublish(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	var ev publish.Event
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&ev); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if strings.ContainsAny(ev.Event+ev.ID, "\r\n") {
		http.Error(w, "event name or id contains CR or LF", http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.host(r.Host)
	w.Header().Set("Content-Type", "application/json")
	if ev.Event == publish.EndEvent {
		n := 0
		if !b.IgnoreEnd {
			for s := range h.subs {
				close(s.end)
				delete(h.subs, s)
				n++
			}
		}
		fmt.Fprintf(w, "{\"ended\":%d}\n", n)
		return
	}
	if b.Drop != nil && b.Drop(ev) {
		fmt.Fprint(w, "{\"clients\":0}\n")
		return
	}
	h.seq++
	id := h.seq
	if n, err := strconv.Atoi(ev.ID); err == nil && n > id {
		h.seq, id = n, n
	}
	enc := b.Encode
	if enc == nil {
		enc = Frame
	}
	frame := enc(ev, id)
	h.ring = append(h.ring, browserFrame{id, frame})
	if len(h.ring) > 256 {
		h.ring = h.ring[1:]
	}
	for s := range h.subs {
		select {
		case s.q <- frame:
		default:
		}
	}
	fmt.Fprintf(w, "{\"id\":\"%d\",\"clients\":%d}\n", id, len(h.subs))
}

func (b *BrowserTarget) serveStream(w http.ResponseWriter, r *http.Request) {
	s := &browserSub{q: make(chan string, 256), end: make(chan struct{})}
	b.mu.Lock()
	h := b.host(r.Host)
	var replay []string
	if last, err := strconv.Atoi(r.Header.Get("Last-Event-ID")); err == nil && !b.NoReplay {
		for _, f := range h.ring {
			if f.id > last {
				replay = append(replay, f.frame)
			}
		}
	}
	h.subs[s] = struct{}{}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(h.subs, s)
		b.mu.Unlock()
	}()

	for k, v := range defaultHeader {
		w.Header().Set(k, v)
	}
	for k, v := range b.Header {
		if v == "-" {
			w.Header().Del(k)
		} else {
			w.Header().Set(k, v)
		}
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	retry := b.Retry
	if retry == "" {
		retry = "retry: 1000"
	}
	write := func(frame string) bool {
		if b.Vary != nil {
			frame = b.Vary(r, frame)
		}
		if _, err := io.WriteString(w, frame); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(": ok\n" + retry + "\n\n") {
		return
	}
	for _, f := range replay {
		if !write(f) {
			return
		}
	}
	keep := time.NewTicker(or(b.Keepalive, 250*time.Millisecond))
	defer keep.Stop()
	for {
		var frame string
		select {
		case <-r.Context().Done():
			return
		case <-s.end:
			return // a clean end of the 200 body: clients reconnect
		case <-keep.C:
			frame = ": keepalive\n\n"
		case frame = <-s.q:
		}
		if !write(frame) {
			return
		}
	}
}

// browserFrameWith encodes an event like Frame with its name changed.
func browserFrameWith(name func(string) string) func(publish.Event, int) string {
	return func(ev publish.Event, id int) string {
		if ev.Event != "" {
			ev.Event = name(ev.Event)
		}
		return Frame(ev, id)
	}
}

// The correct browser target: every browser check passes on it.
var _ = register("browser-ok", &BrowserTarget{})

// SSE-BROWSER-001: the stream is served as application/json (a JSON API
// framework's default); the browser fails the connection. (text/plain would
// not even fail: Chromium sniffs such a body and holds it back.)
var _ = register("browser-json-type", &BrowserTarget{Header: map[string]string{"Content-Type": "application/json"}})

// SSE-BROWSER-002: a "compatibility shim" that serves browsers (a User-Agent
// with Chrome in it) HTML-escaped data, so the browser's events differ from
// what every other client gets.
var _ = register("browser-ua-sniff", &BrowserTarget{Vary: func(r *http.Request, frame string) string {
	if !strings.Contains(r.Header.Get("User-Agent"), "Chrome") {
		return frame
	}
	lines := strings.Split(frame, "\n")
	for i, ln := range lines {
		if strings.HasPrefix(ln, "data:") {
			lines[i] = "data:" + strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(ln[len("data:"):])
		}
	}
	return strings.Join(lines, "\n")
}})

// SSE-BROWSER-003: event names are lower-cased on the way out, so
// sse-swap="ssespecNamed" never matches.
var _ = register("browser-name-case", &BrowserTarget{Encode: browserFrameWith(strings.ToLower)})

// SSE-BROWSER-004: unnamed publishes go out as "event: update", a default
// name some libraries add, so they never reach sse-swap="message".
var _ = register("browser-unnamed-named", &BrowserTarget{Encode: func(ev publish.Event, id int) string {
	if ev.Event == "" {
		ev.Event = "update"
	}
	return Frame(ev, id)
}})

// SSE-BROWSER-005: multi-line data written with one data: prefix and the
// rest of the lines raw, so clients keep only the first line.
var _ = register("browser-data-unprefixed", &BrowserTarget{Encode: func(ev publish.Event, id int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %d\n", id)
	if ev.Event != "" {
		fmt.Fprintf(&b, "event: %s\n", ev.Event)
	}
	fmt.Fprintf(&b, "data: %s\n\n", strings.Join(SplitLines(ev.Data), "\n"))
	return b.String()
}})

// SSE-BROWSER-006: events whose name looks like a control message ("close"
// in it) are filtered out and never sent, so sse-close never fires.
var _ = register("browser-close-dropped", &BrowserTarget{Drop: func(ev publish.Event) bool {
	return strings.Contains(strings.ToLower(ev.Event), "close")
}})

// SSE-BROWSER-007: event names go out with a trailing space (a template
// artefact); the browser keeps it, so hx-trigger="sse:NAME" never fires.
var _ = register("browser-name-trailing-space", &BrowserTarget{Encode: browserFrameWith(func(n string) string { return n + " " })})

// SSE-BROWSER-008: the target declares the end command but its streams
// never end.
var _ = register("browser-end-ignored", &BrowserTarget{IgnoreEnd: true})

// SSE-BROWSER-008: streams end, but a reconnect's Last-Event-ID is ignored:
// what was published while the client was away is lost.
var _ = register("browser-no-resume", &BrowserTarget{NoReplay: true})

// SSE-BROWSER-009: the retry value carries a unit, which browsers ignore,
// so they wait their default instead of 1 s.
var _ = register("browser-retry-unit", &BrowserTarget{Retry: "retry: 1000ms"})

// SSE-BROWSER-008 (observe mode): a stream that ends by itself after eight
// events (retry 500 ms) and starts over at id 1 on every request, ignoring
// Last-Event-ID: the browser's resumed stream repeats what it had.
var _ = register("browser-self-end-restart", Stream{Events: 8, Preamble: ": ok\nretry: 500\n\n"})

// SSE-BROWSER-002 (observe mode): browsers (a User-Agent with Chrome in it)
// get multi-line data joined into one line, so the browser's events differ
// in structure from what other clients get, whatever the values.
var _ = register("browser-ua-oneline", Clock{Frame: func(c *ClockConn, n int64) string {
	sep := "\ndata: "
	if c.Chrome {
		sep = " "
	}
	return fmt.Sprintf("id: %d\ndata: line one of %d%sline two\n\n", n, n, sep)
}})
