// Package refserver is the reference Server-Sent Events server: the suite's
// embedded default target and the "pass" side of every check's test. It is
// plain net/http so it can be read as a worked example of a conforming stream.
package refserver

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Options tunes a Server. Zero values take the documented defaults.
type Options struct {
	Keepalive  time.Duration // comment interval while idle; default 15s
	Retry      time.Duration // retry: value sent on connect; default 3s
	Tick       time.Duration // if >0, the server itself emits a demo event every Tick (so observe mode has events to judge)
	Ring       int           // events kept for Last-Event-ID replay; default 1024
	MaxClients int           // 0 = unlimited

	// RingBytes bounds the encoded size of the replay ring; default 64 MiB.
	// The newest event is always kept, so a resume right after it still works.
	RingBytes int
	// Queue is how many events a stream may fall behind before it is
	// dropped; default 256. It bounds memory per slow client.
	Queue int
}

const (
	defaultKeepalive = 10 * time.Second // well inside the 15 s the spec suggests, so a 15 s --keepalive-max has margin
	defaultRetry     = 3 * time.Second
	defaultRing      = 1024
	defaultRingBytes = 64 << 20
	defaultQueue     = 256
	// maxRecordedIDs bounds Stats.LastEventIDs so a long-lived server cannot
	// grow without limit; the oldest entries are forgotten first.
	maxRecordedIDs = 1 << 16
)

func (o Options) withDefaults() Options {
	if o.Keepalive <= 0 {
		o.Keepalive = defaultKeepalive
	}
	if o.Retry <= 0 {
		o.Retry = defaultRetry
	}
	if o.Ring <= 0 {
		o.Ring = defaultRing
	}
	if o.RingBytes <= 0 {
		o.RingBytes = defaultRingBytes
	}
	if o.Queue <= 0 {
		o.Queue = defaultQueue
	}
	return o
}

// ErrClosed is returned by Publish after Close.
var ErrClosed = errors.New("refserver: server closed")

// Stats is a snapshot of the server's stream bookkeeping, for checks that
// need to see the server side (disconnects, Last-Event-ID headers).
type Stats struct {
	Opened       int64    // streams that got a 200
	Closed       int64    // of those, how many have ended (client gone, dropped, or server closed)
	Active       int      // Opened - Closed
	LastEventIDs []string // Last-Event-ID header of each GET /events, in order; "" when absent
}

// Server is the reference SSE server. It implements http.Handler.
type Server struct {
	opts Options

	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	ring    ring
	seq     uint64 // last assigned id
	closed  bool
	opened  int64
	ended   int64
	lastIDs []string
	changed chan struct{} // closed and replaced whenever ended grows, to wake WaitClosed
	done    chan struct{} // closed by Close; stops the tick loop
}

// New returns a Server. If o.Tick > 0 it starts the demo-event loop, which
// runs until Close.
func New(o Options) *Server {
	o = o.withDefaults()
	s := &Server{
		opts:    o,
		subs:    make(map[*subscriber]struct{}),
		ring:    newRing(o.Ring, o.RingBytes),
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
	if o.Tick > 0 {
		go s.tickLoop(o.Tick)
	}
	return s
}

// ServeHTTP routes the server's four endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/events":
		s.serveEvents(w, r)
	case "/publish":
		s.servePublish(w, r)
	case "/done":
		s.serveDone(w, r)
	default:
		http.NotFound(w, r)
	}
}

// serveDone answers 204: the spec's way to tell a client to stop reconnecting.
func (s *Server) serveDone(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	allowOrigin(w, r)
	w.WriteHeader(http.StatusNoContent)
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed; use "+allow, http.StatusMethodNotAllowed)
}

// Close ends every open stream and stops the tick loop. Handlers return
// promptly, even ones blocked writing to a client that stopped reading.
// Later stream requests get 503 and Publish returns ErrClosed.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.done)
	for sub := range s.subs {
		sub.cancel()
	}
}

// EndStreams ends every open stream but keeps serving: clients see a 200
// stream finish, so they reconnect with Last-Event-ID and resume. It
// returns how many streams it ended.
func (s *Server) EndStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.subs)
	for sub := range s.subs {
		delete(s.subs, sub)
		sub.cancel()
	}
	return n
}

// Stats returns a snapshot.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{
		Opened:       s.opened,
		Closed:       s.ended,
		Active:       int(s.opened - s.ended),
		LastEventIDs: append([]string(nil), s.lastIDs...),
	}
}

// WaitClosed waits until the server has seen n streams end (Stats().Closed >= n).
func (s *Server) WaitClosed(ctx context.Context, n int64) error {
	for {
		s.mu.Lock()
		if s.ended >= n {
			s.mu.Unlock()
			return nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
