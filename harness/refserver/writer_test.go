package refserver

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// deadlineRecorder is a ResponseWriter that keeps the write deadline
// http.ResponseController sets, and runs onFlush inside each flush.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadline time.Time
	onFlush  func()
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error { d.deadline = t; return nil }

func (d *deadlineRecorder) FlushError() error {
	d.Flush()
	if d.onFlush != nil {
		d.onFlush()
	}
	return nil
}

// TestAbortDuringWriteLeavesNoDeadline: an abort that lands while a write
// is finishing (here: once its bytes are flushed) must not leave a deadline
// behind, or net/http's end of body fails and the stream is cut instead of
// ended (origin's TestLiveStreamDoneAndStrays saw it 5 times in 200 runs).
func TestAbortDuringWriteLeavesNoDeadline(t *testing.T) {
	rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	out := &streamWriter{w: rec, rc: http.NewResponseController(rec)}
	var during time.Time
	rec.onFlush = func() {
		out.abort()
		during = rec.deadline
	}
	start := time.Now()
	if err := out.write([]byte("data: x\n\n")); err != nil {
		t.Fatalf("the write itself succeeded: %v", err)
	}
	// The deadline the abort set lets a write that is not blocked finish.
	if !during.After(start) || during.After(start.Add(abortGrace+time.Second)) {
		t.Errorf("deadline set by abort during a write: %v after start, want within (0, %v]", during.Sub(start), abortGrace)
	}
	if !rec.deadline.IsZero() {
		t.Errorf("deadline after the write returned: %v, want none", rec.deadline)
	}
	if err := out.write([]byte("data: y\n\n")); !errors.Is(err, errAborted) {
		t.Errorf("write after abort: %v, want errAborted", err)
	}
	if got := rec.Body.String(); got != "data: x\n\n" {
		t.Errorf("body %q", got)
	}
}
