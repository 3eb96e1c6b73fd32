package refserver

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// writeStall bounds one blocked write, so a client that stops reading
// without closing cannot pin a handler even when nothing is published.
const writeStall = 30 * time.Second

// abortGrace is how long a write in progress at abort may still take. One
// the client is reading finishes well within it (a deadline in the future
// never fails a write the socket has room for; a second leaves room for a
// large frame on a loaded machine); a blocked one is cut when it passes. A
// deadline in the past would also fail a write about to succeed, cutting a
// stream that should end cleanly.
const abortGrace = time.Second

var errAborted = errors.New("refserver: stream aborted")

// streamWriter writes whole frames, each flushed at once, and lets another
// goroutine abort a write that is blocked on a client that stopped reading.
// Only a blocked write is cut (via the write deadline); a stream ended
// between writes, or while a write that completes, returns normally and
// gets a clean end of body.
type streamWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController

	mu      sync.Mutex
	writing bool
	aborted bool
}

// write writes b (nil: just the headers) and flushes.
func (o *streamWriter) write(b []byte) error {
	o.mu.Lock()
	if o.aborted {
		o.mu.Unlock()
		return errAborted
	}
	o.writing = true
	// Deadline errors are ignored: a wrapped writer may not support them,
	// and the stream still ends on context cancellation.
	_ = o.rc.SetWriteDeadline(time.Now().Add(writeStall))
	o.mu.Unlock()

	var err error
	if len(b) > 0 {
		_, err = o.w.Write(b)
	}
	if err == nil {
		err = o.rc.Flush()
	}

	o.mu.Lock()
	o.writing = false
	// No deadline between writes: an idle stream must stay open for as long
	// as the client wants it (no WriteTimeout, by design). Cleared even after
	// an abort: the write has returned, and a deadline left behind would fail
	// the end of body net/http writes when the handler returns.
	_ = o.rc.SetWriteDeadline(time.Time{})
	o.mu.Unlock()
	return err
}

// abort stops further writes and unblocks one in progress.
func (o *streamWriter) abort() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.aborted = true
	if o.writing {
		_ = o.rc.SetWriteDeadline(time.Now().Add(abortGrace))
	}
}
