package refserver

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// subscriber is one open stream. Publish feeds queue without ever blocking;
// when it is full the stream is dropped via cancel.
type subscriber struct {
	queue  chan []byte
	cancel context.CancelFunc
}

var errTooManyClients = errors.New("refserver: too many streams")

var keepaliveFrame = []byte(": keepalive\n\n")

// serveEvents handles /events: the stream itself, plus HEAD and the CORS
// preflight a browser sends for a Last-Event-ID it considers unsafe.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.serveStream(w, r)
	case http.MethodHead:
		setStreamHeaders(w, r)
		w.WriteHeader(http.StatusOK)
	case http.MethodOptions:
		allowOrigin(w, r)
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "GET")
		h.Set("Access-Control-Allow-Headers", "Last-Event-ID, Cache-Control, Accept")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, "GET, HEAD, OPTIONS")
	}
}

// allowOrigin echoes a request's Origin so both anonymous and credentialed
// EventSources (first connect and reconnects) are allowed.
func allowOrigin(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Add("Vary", "Origin")
}

// setStreamHeaders sets what a stream needs and nothing a cache, proxy or
// strict client could misread: a bare media type (no charset parameter),
// no validators, no Content-Length, and an opt-out of proxy buffering.
func setStreamHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no")
	allowOrigin(w, r)
}

func (s *Server) serveStream(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	sub := &subscriber{queue: make(chan []byte, s.opts.Queue), cancel: cancel}
	replay, err := s.subscribe(sub, r.Header.Get("Last-Event-ID"))
	if err != nil {
		// 5xx: the registration's advice for capacity problems, and it stops
		// conforming clients from reconnecting in a tight loop.
		w.Header().Set("Retry-After", "5")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer s.unsubscribe(sub)

	setStreamHeaders(w, r)
	w.WriteHeader(http.StatusOK)
	out := &streamWriter{w: w, rc: http.NewResponseController(w)}
	defer context.AfterFunc(ctx, out.abort)()

	// Headers first, on their own, so clients and proxies see the stream
	// open even while no event is due.
	if out.write(nil) != nil {
		return
	}
	preamble := ": connected\nretry: " + strconv.FormatInt(s.opts.Retry.Milliseconds(), 10) + "\n\n"
	if out.write([]byte(preamble)) != nil {
		return
	}
	for _, f := range replay {
		if out.write(f) != nil {
			return
		}
	}

	keepalive := time.NewTimer(s.opts.Keepalive)
	defer keepalive.Stop()
	for {
		var frame []byte
		select {
		case <-ctx.Done():
			return
		case frame = <-sub.queue:
		case <-keepalive.C:
			frame = keepaliveFrame
		}
		if out.write(frame) != nil {
			return
		}
		// Measured from the last write, so an idle gap never exceeds Keepalive
		// and a busy stream carries no keepalives at all.
		keepalive.Reset(s.opts.Keepalive)
	}
}

// subscribe registers sub and, under the same lock Publish takes, snapshots
// the replay after lastID: every event is then either in the snapshot or in
// the queue, never both, never neither.
func (s *Server) subscribe(sub *subscriber, lastID string) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.lastIDs) == maxRecordedIDs {
		s.lastIDs = append(s.lastIDs[:0], s.lastIDs[1:]...)
	}
	s.lastIDs = append(s.lastIDs, lastID)
	switch {
	case s.closed:
		return nil, ErrClosed
	case s.opts.MaxClients > 0 && s.opened-s.ended >= int64(s.opts.MaxClients):
		return nil, errTooManyClients
	}
	s.subs[sub] = struct{}{}
	s.opened++
	if lastID == "" {
		return nil, nil // a fresh client gets no history it never asked for
	}
	replay, _ := s.ring.after(lastID) // unknown id: live events only
	return replay, nil
}

func (s *Server) unsubscribe(sub *subscriber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.subs, sub)
	s.ended++
	close(s.changed)
	s.changed = make(chan struct{})
}
