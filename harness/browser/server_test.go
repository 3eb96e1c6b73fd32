package browser

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// sseServer is a tiny SSE target on 127.0.0.1 for the tests: /stream runs
// the test's script (n counts /stream connections from 0), /got answers the
// hx-get of a trigger; everything is recorded.
type sseServer struct {
	*httptest.Server
	quit   chan struct{} // closed at cleanup so held streams return
	stream func(w *eventWriter, r *http.Request, n int)

	mu   sync.Mutex
	seen []*seenRequest
}

type seenRequest struct {
	Path   string
	Header http.Header
	At     time.Time
	Ended  time.Time     // when the handler returned
	done   chan struct{} // closed when the handler returned
}

type eventWriter struct {
	w    io.Writer
	f    http.Flusher
	r    *http.Request
	quit <-chan struct{}
}

// send writes raw stream text and flushes it at once.
func (e *eventWriter) send(s string) {
	io.WriteString(e.w, s)
	e.f.Flush()
}

func newSSEServer(t *testing.T, stream func(w *eventWriter, r *http.Request, n int)) *sseServer {
	s := startSSEServer(stream)
	t.Cleanup(s.stop)
	return s
}

func startSSEServer(stream func(w *eventWriter, r *http.Request, n int)) *sseServer {
	s := &sseServer{quit: make(chan struct{}), stream: stream}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// stop releases held streams, then closes the server (which waits for them).
func (s *sseServer) stop() {
	close(s.quit)
	s.Close()
}

func (s *sseServer) serve(w http.ResponseWriter, r *http.Request) {
	req := &seenRequest{Path: r.URL.Path, Header: r.Header.Clone(), At: time.Now(), done: make(chan struct{})}
	s.mu.Lock()
	n := 0
	for _, q := range s.seen {
		if q.Path == "/stream" {
			n++
		}
	}
	s.seen = append(s.seen, req)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		req.Ended = time.Now()
		s.mu.Unlock()
		close(req.done)
	}()

	switch r.URL.Path {
	case "/stream":
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		f := w.(http.Flusher)
		f.Flush()
		s.stream(&eventWriter{w: w, f: f, r: r, quit: s.quit}, r, n)
	case "/got":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "got %s", r.Header.Get("HX-Trigger"))
	default:
		http.NotFound(w, r)
	}
}

// hold keeps the stream open until the client goes away (true) or the test
// ends (false).
func (e *eventWriter) hold() bool {
	select {
	case <-e.r.Context().Done():
		return true
	case <-e.quit:
		return false
	}
}

// requests returns the recorded requests for path ("" = all).
func (s *sseServer) requests(path string) []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []seenRequest
	for _, q := range s.seen {
		if path == "" || q.Path == path {
			out = append(out, *q)
		}
	}
	return out
}

// sawPrefix reports whether any request path starts with prefix.
func (s *sseServer) sawPrefix(prefix string) bool {
	for _, q := range s.requests("") {
		if strings.HasPrefix(q.Path, prefix) {
			return true
		}
	}
	return false
}
