package refserver

// ring keeps the most recent encoded events for Last-Event-ID replay,
// bounded both by count and by bytes so large payloads cannot pin memory.
type ring struct {
	buf      []ringEntry // circular, len == max count
	start, n int
	bytes    int
	maxBytes int
}

type ringEntry struct {
	id    string
	frame []byte
}

func newRing(max, maxBytes int) ring {
	return ring{buf: make([]ringEntry, max), maxBytes: maxBytes}
}

func (r *ring) push(id string, frame []byte) {
	for r.n > 0 && (r.n == len(r.buf) || r.bytes+len(frame) > r.maxBytes) {
		r.bytes -= len(r.buf[r.start].frame)
		r.buf[r.start] = ringEntry{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
	}
	r.buf[(r.start+r.n)%len(r.buf)] = ringEntry{id: id, frame: frame}
	r.n++
	r.bytes += len(frame)
}

// after returns the frames published after the newest event with this id,
// oldest first, and whether the id is still in the ring. Searching from the
// newest end makes a repeated explicit id resume from its latest use.
func (r *ring) after(id string) ([][]byte, bool) {
	for i := r.n - 1; i >= 0; i-- {
		if r.buf[(r.start+i)%len(r.buf)].id != id {
			continue
		}
		out := make([][]byte, 0, r.n-1-i)
		for j := i + 1; j < r.n; j++ {
			out = append(out, r.buf[(r.start+j)%len(r.buf)].frame)
		}
		return out, true
	}
	return nil, false
}
