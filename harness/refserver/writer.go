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

// longAgo is a deadline certainly in the past.
var longAgo = time.Unix(1, 0)

var errAborted = errors.New("refserver: stream aborted")

// streamWriter writes whole frames, each flushed at once, and lets another
// goroutine abort a write that is blocked on a client that stopped reading.
// Only a blocked write is cut (via the write deadline); a stream ended
// between writes returns normally and gets a clean end of body.
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
	if !o.aborted {
		// No deadline between writes: an idle stream must stay open for as
		// long as the client wants it (no WriteTimeout, by design).
		_ = o.rc.SetWriteDeadline(time.Time{})
	}
	o.mu.Unlock()
	return err
}

// abort stops further writes and unblocks one in progress.
func (o *streamWriter) abort() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.aborted = true
	if o.writing {
		_ = o.rc.SetWriteDeadline(longAgo)
	}
}
