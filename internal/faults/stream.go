// Package faults holds the fault servers the project's own tests point the
// suite at: each violates exactly one requirement so the check naming it
// can be shown to fail. Most are a Stream, a correct SSE stream with one
// thing changed; the rest are small handlers of their own.
package faults

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Stream is a correct SSE stream (the reference server's headers, ids,
// retry, keepalives) whose parts a fault overrides.
type Stream struct {
	Status      int                // default 200
	Header      map[string]string  // set (or, with value "-", delete) response headers
	Preamble    string             // written right after the headers; default ": ok\nretry: 3000\n\n"
	Frame       func(n int) string // event n (from 1); default a well-formed event with id n
	Interval    time.Duration      // between events; default 100ms
	Keepalive   time.Duration      // comment interval; default 250ms, <0 none
	KeepaliveAs string             // keepalive bytes; default ": keepalive\n\n"
	HoldHeaders time.Duration      // do not send headers (or anything) until this long after the request
	Events      int                // stop after this many events (0 = unlimited) and then...
	EndBody     string             // ...write this and end the response
	NoFlush     bool               // never flush explicitly (buffering fault)
}

// DefaultFrame is a well-formed event with id n.
func DefaultFrame(n int) string {
	if n%2 == 0 {
		return fmt.Sprintf("id: %d\nevent: tick\ndata: tick %d\n\n", n, n)
	}
	return fmt.Sprintf("id: %d\ndata: message %d\ndata: second line\n\n", n, n)
}

var defaultHeader = map[string]string{
	"Content-Type":      "text/event-stream",
	"Cache-Control":     "no-cache, no-transform",
	"X-Accel-Buffering": "no",
}

func (s Stream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.HoldHeaders > 0 {
		select {
		case <-time.After(s.HoldHeaders):
		case <-r.Context().Done():
			return
		}
	}
	h := w.Header()
	for k, v := range defaultHeader {
		h.Set(k, v)
	}
	for k, v := range s.Header {
		if v == "-" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
	}
	status := s.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	flush := func() {
		if !s.NoFlush {
			rc.Flush()
		}
	}
	if status != http.StatusOK {
		fmt.Fprintf(w, "status %d\n", status)
		return
	}
	pre := s.Preamble
	if pre == "" {
		pre = ": ok\nretry: 3000\n\n"
	}
	fmt.Fprint(w, pre)
	flush()
	s.loop(w, r, flush)
}

func (s Stream) loop(w http.ResponseWriter, r *http.Request, flush func()) {
	frame := s.Frame
	if frame == nil {
		frame = DefaultFrame
	}
	interval := or(s.Interval, 100*time.Millisecond)
	events := time.NewTicker(interval)
	defer events.Stop()
	var keep <-chan time.Time
	if s.Keepalive >= 0 {
		t := time.NewTicker(or(s.Keepalive, 250*time.Millisecond))
		defer t.Stop()
		keep = t.C
	}
	ka := s.KeepaliveAs
	if ka == "" {
		ka = ": keepalive\n\n"
	}
	for n := 1; ; {
		select {
		case <-r.Context().Done():
			return
		case <-keep:
			fmt.Fprint(w, ka)
		case <-events.C:
			if s.Events > 0 && n > s.Events {
				fmt.Fprint(w, s.EndBody)
				return
			}
			fmt.Fprint(w, frame(n))
			n++
		}
		flush()
	}
}

// or is v, or def when v is the zero value (an unset field).
func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Repeat is s repeated to n bytes, for payload-size faults.
func Repeat(s string, n int) string { return strings.Repeat(s, n/len(s)+1)[:n] }
