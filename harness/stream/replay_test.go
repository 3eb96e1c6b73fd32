package stream

import (
	"net/http"
	"testing"

	"github.com/ssespec/ssespec/harness/parser"
)

func TestReplayHasNoTimesAndEndsWithTheCapture(t *testing.T) {
	body := []byte("retry: 10\n\nid: 1\ndata: a\n\ndata: held")
	c := Replay(Recording{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}}, body, Options{})
	rec := c.Recording()
	select {
	case <-c.Done():
	default:
		t.Fatal("a replayed recording has not ended")
	}
	if rec.End != EndCapture || rec.EndAt != 0 || rec.HeadersAt != 0 || rec.Bytes != int64(len(body)) || rec.Status != 200 {
		t.Fatalf("end %s at %v, headers at %v, %d bytes, status %d", rec.End, rec.EndAt, rec.HeadersAt, rec.Bytes, rec.Status)
	}
	for _, ln := range rec.Parse.Lines {
		if ln.At != 0 {
			t.Errorf("line %q at %v; a capture has no arrival times", ln.Raw, ln.At)
		}
	}
	if len(rec.Parse.Events) != 1 || rec.Parse.Pending == nil {
		t.Errorf("%d events, pending %v; want 1 and the unterminated block pending", len(rec.Parse.Events), rec.Parse.Pending)
	}
}

func TestReplayKeepsTheLimits(t *testing.T) {
	rec := Replay(Recording{}, []byte("data: 0123456789\n\n"), Options{MaxBytes: 8}).Recording()
	if rec.End != EndCap || rec.Bytes != 8 || rec.EndAt != 0 {
		t.Errorf("MaxBytes 8: end %s, %d bytes, at %v", rec.End, rec.Bytes, rec.EndAt)
	}
	rec = Replay(Recording{}, []byte("data: a\n\ndata: 0123456789abcdef\n\n"), Options{MaxLine: 10}).Recording()
	if rec.End != EndCap || rec.Parse.Err != parser.ErrLineTooLong || len(rec.Parse.Events) != 1 {
		t.Errorf("MaxLine 10: end %s, err %v, %d events", rec.End, rec.Parse.Err, len(rec.Parse.Events))
	}
}
