package main

import (
	"strconv"
	"strings"
	"sync"
)

// histMax bounds the history kept for Last-Event-ID resume: a client away
// for longer than that many events gets only what is still kept.
const histMax = 1000

// frame is one encoded event and its id.
type frame struct {
	id  string
	raw []byte
}

// sub is one open stream: a buffered queue of frames and a channel closed
// when the stream must end (slow consumer, shutdown, the "end" control).
type sub struct {
	queue chan []byte
	done  chan struct{}
}

// broker fans every published event out to each open stream. One mutex
// covers the sequence, the history and the subscriber set, so an event's id
// order, its place in the history and its delivery order are the same for
// every stream, however many goroutines publish at once.
type broker struct {
	mu      sync.Mutex
	seq     uint64
	history []frame
	subs    map[*sub]struct{}
}

func newBroker() *broker { return &broker{subs: map[*sub]struct{}{}} }

// subscribe registers a stream and returns the frames after lastID (none
// when lastID is empty or no longer kept), taken under the same lock as the
// registration, so nothing falls between the replay and the live events.
func (b *broker) subscribe(lastID string) (*sub, [][]byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &sub{queue: make(chan []byte, 256), done: make(chan struct{})}
	b.subs[s] = struct{}{}
	var replay [][]byte
	if lastID != "" {
		for i := len(b.history) - 1; i >= 0; i-- {
			if b.history[i].id == lastID {
				for _, f := range b.history[i+1:] {
					replay = append(replay, f.raw)
				}
				break
			}
		}
	}
	return s, replay
}

func (b *broker) unsubscribe(s *sub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.drop(s)
}

// drop ends s; the caller holds b.mu.
func (b *broker) drop(s *sub) {
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.done)
	}
}

// publish numbers the event, keeps it and queues it on every stream. A
// stream whose queue is full is ended rather than allowed to block the
// others; its client reconnects with Last-Event-ID and is replayed.
func (b *broker) publish(name, data string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	id := strconv.FormatUint(b.seq, 10)
	f := frame{id: id, raw: encode(id, name, data)}
	b.history = append(b.history, f)
	if len(b.history) > histMax {
		b.history = b.history[len(b.history)-histMax:]
	}
	for s := range b.subs {
		select {
		case s.queue <- f.raw:
		default:
			b.drop(s)
		}
	}
}

// endAll ends every open stream the way a finished response ends; clients
// reconnect (the publish hook's "end" control event).
func (b *broker) endAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		b.drop(s)
	}
}

// encode writes one event: CRLF, CR and LF in the data all start a new
// data: line (a raw CR would end the line early in every client).
func encode(id, name, data string) []byte {
	var sb strings.Builder
	sb.WriteString("id: " + id + "\n")
	if name != "" {
		sb.WriteString("event: " + name + "\n")
	}
	data = strings.ReplaceAll(data, "\r\n", "\n")
	data = strings.ReplaceAll(data, "\r", "\n")
	for line := range strings.SplitSeq(data, "\n") {
		sb.WriteString("data: " + line + "\n")
	}
	sb.WriteString("\n")
	return []byte(sb.String())
}
