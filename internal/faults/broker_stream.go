package faults

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (b *Broker) serveStream(w http.ResponseWriter, r *http.Request) {
	q := make(chan string, 256)
	b.mu.Lock()
	h := b.host(r.Host)
	opening := b.opening(h, r.Header.Get("Last-Event-ID"))
	next := 0 // the next tick this stream writes
	if b.Tick > 0 {
		next = int(time.Since(h.start)/b.Tick) + 1
	}
	b.toOpenStreams(h, next)
	h.subs[q] = struct{}{}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(h.subs, q)
		b.mu.Unlock()
	}()

	for k, v := range defaultHeader {
		w.Header().Set(k, v)
	}
	var out io.Writer = w
	rc := http.NewResponseController(w)
	if b.Gzip {
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		defer gz.Close()
		out = gz
	}
	preamble := ": ok\nretry: 3000\n\n" + opening + b.Welcome
	if !b.HoldHeaders {
		w.WriteHeader(http.StatusOK)
		io.WriteString(out, preamble)
		rc.Flush()
		preamble = ""
	}

	flush := func() { rc.Flush() }
	var batch <-chan time.Time
	if b.FlushEvery > 0 {
		t := time.NewTicker(b.FlushEvery)
		defer t.Stop()
		batch = t.C
		flush = func() {}
	}
	var keep <-chan time.Time
	if b.Keepalive >= 0 {
		t := time.NewTicker(or(b.Keepalive, 250*time.Millisecond))
		defer t.Stop()
		keep = t.C
	}
	var tick <-chan time.Time
	var tickT *time.Timer
	if b.Tick > 0 {
		tickT = time.NewTimer(time.Until(h.start.Add(time.Duration(next) * b.Tick)))
		defer tickT.Stop()
		tick = tickT.C
	}
	var held string
	first := b.HoldFirst
	for {
		var s string
		select {
		case <-r.Context().Done():
			return
		case <-batch:
			rc.Flush()
			continue
		case <-keep:
			s = ": keepalive\n\n"
		case <-tick:
			s = tickFrame(next)
			next++
			tickT.Reset(time.Until(h.start.Add(time.Duration(next) * b.Tick)))
		case frame := <-q:
			if first {
				first, held = false, frame
				continue
			}
			// net/http sends the held headers with this first write's flush.
			s, held, preamble = preamble+held+frame, "", ""
		}
		if _, err := io.WriteString(out, s); err != nil {
			return
		}
		flush()
	}
}

// opening is what a new stream is sent before anything published later:
// the history (ReplayHistory), or the replay Last-Event-ID asks for (Resume).
// Called with b.mu held.
func (b *Broker) opening(h *brokerHost, lastID string) string {
	var from []sent
	switch {
	case b.ReplayHistory, b.Resume && lastID == "" && b.ReplayFresh:
		from = h.history
	case b.Resume && lastID != "":
		from = b.replay(h.history, lastID)
	}
	var s strings.Builder
	for _, e := range from {
		s.WriteString(e.frame)
	}
	return s.String()
}

// replay is what a stream resuming after id lastID is sent first: nothing
// for an id the history doesn't hold.
func (b *Broker) replay(hist []sent, lastID string) []sent {
	k, err := strconv.Atoi(lastID)
	at := -1
	for i, e := range hist {
		if err == nil && e.id == k {
			at = i
		}
	}
	if at < 0 {
		return nil
	}
	if b.NewestReplaysAll && at == len(hist)-1 {
		return hist
	}
	return hist[min(max(at+1+b.ResumeOffset, 0), len(hist)):]
}

// toOpenStreams sends what a new connection makes the streams already open
// receive: nothing from a correct server. Called with b.mu held.
func (b *Broker) toOpenStreams(h *brokerHost, next int) {
	var s string
	if b.ResendToAll && len(h.history) > 0 {
		s += h.history[len(h.history)-1].frame
	}
	if b.WelcomeToAll {
		s += b.Welcome
		for n := max(1, next-4); n < next-1; n++ { // not the newest: an open stream busy writing may not have it yet
			s += tickFrame(n)
		}
	}
	if s == "" {
		return
	}
	for o := range h.subs {
		select {
		case o <- s:
		default:
		}
	}
}

func tickFrame(n int) string { return fmt.Sprintf("id: %d\ndata: tick %d\n\n", n, n) }
