package stream

import (
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
)

// EndCapture ends a recording made from a capture (Replay): it stops where
// the capture stops, and whether the server ended the stream there, or the
// capture was cut short (curl stopped with ^C or --max-time), is unknown.
const EndCapture EndReason = "capture"

// Replay records a captured response as an ended Conn, for judging a
// capture offline (ssespec judge). head gives the URL, status, protocol and
// headers (zero when the capture has none). No arrival time exists, so
// every chunk, line and event is at 0; MaxBytes, MaxLine and the shared
// budget bound it as they bound a live recording, ending it with EndCap.
func Replay(head Recording, body []byte, opts Options) *Conn {
	opts = opts.withDefaults()
	c := &Conn{
		rec: &Recording{URL: head.URL, Start: time.Now(), Status: head.Status, Proto: head.Proto,
			Header: head.Header, Redirects: head.Redirects},
		p:       parser.New(parser.Options{MaxLine: opts.MaxLine, MaxLines: opts.MaxLines}),
		cancel:  func() {},
		done:    make(chan struct{}),
		headers: make(chan struct{}),
		opts:    opts,
	}
	c.cond = sync.NewCond(&c.mu)
	c.rec.Parse = c.p.Result()
	close(c.headers)
	const chunk = 64 << 10 // as a live read would hand it over
	for len(body) > 0 {
		n := min(len(body), chunk)
		if c.addAt(body[:n], c.rec.Start) {
			break // a limit ended it
		}
		body = body[n:]
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rec.End == EndOpen { // not ended by a limit
		c.rec.End = EndCapture
		c.p.Finish(0)
		close(c.done)
	}
	c.rec.EndAt = 0 // a limit's finish stamps the wall clock; a capture has no time
	return c
}
