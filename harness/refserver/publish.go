package refserver

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/ssespec/ssespec/harness/publish"
)

// maxPublishBody leaves room for a 1 MiB payload even when JSON escaping
// (\u0000 is six bytes) inflates it several times.
const maxPublishBody = 8 << 20

// Publish broadcasts ev to every open stream and keeps it for replay. When
// ev.ID is empty it assigns the next id; a given id is used as is. It never
// blocks on a client: a stream whose queue is full is dropped instead.
// EndEvent is not broadcast: it ends the open streams (see EndEvent).
func (s *Server) Publish(ev Event) (id string, err error) {
	if ev.Event == EndEvent {
		s.EndStreams()
		return "", nil
	}
	id, _, err = s.publish(ev)
	return id, err
}

func (s *Server) publish(ev Event) (id string, clients int, err error) {
	if err := ev.validate(); err != nil {
		return "", 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", 0, ErrClosed
	}
	if ev.ID == "" {
		s.seq++
		ev.ID = strconv.FormatUint(s.seq, 10)
	} else if n, err := strconv.ParseUint(ev.ID, 10, 64); err == nil && n > s.seq {
		// Assigned ids stay increasing and never reuse a decimal id a
		// publisher chose.
		s.seq = n
	}
	// Encoded once and shared, read-only, by the ring and every queue, so a
	// broadcast costs one copy of the payload however many clients listen.
	frame := encodeFrame(ev)
	s.ring.push(ev.ID, frame)
	for sub := range s.subs {
		select {
		case sub.queue <- frame:
			clients++
		default:
			delete(s.subs, sub)
			sub.cancel()
		}
	}
	return ev.ID, clients, nil
}

// EndEvent is the publish contract's end control event: POST /publish with
// it ends the open streams (EndStreams) instead of broadcasting it.
const EndEvent = publish.EndEvent

// servePublish handles POST /publish with a JSON Event body.
func (s *Server) servePublish(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return
	}
	var ev Event
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxPublishBody)).Decode(&ev); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "body exceeds 8 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, `body must be JSON {"event":"","data":"","id":""}: `+err.Error(), http.StatusBadRequest)
		return
	}
	if ev.Event == EndEvent {
		n := s.EndStreams()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Ended int `json:"ended"`
		}{n})
		return
	}
	id, clients, err := s.publish(ev)
	switch {
	case errors.Is(err, ErrInvalidEvent):
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(struct {
		ID      string `json:"id"`
		Clients int    `json:"clients"`
	}{id, clients})
}
