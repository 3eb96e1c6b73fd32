package stream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Recordings share one budget: once they hold it all, the next one ends at
// once (EndCap, ErrBudget); a recording nothing holds any more gives its
// bytes back.
func TestRecordingsShareOneBudget(t *testing.T) {
	// The first recording, 2 MiB of "data:x\n\n", fits; the second does not.
	firstCost := int64(byteCost*(2<<20) + lineCost*(2<<20)/4)
	SetBudget(firstCost + 1<<20)
	defer SetBudget(0)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := []byte(strings.Repeat("data:x\n\n", 8<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	base := Held()
	opts := Options{MaxBytes: 2 << 20, MaxLines: 1 << 30, Duration: time.Minute} // ends at the cap; the race detector on a busy machine reads slowly
	first, err := Record(context.Background(), Request{URL: srv.URL}, opts)
	if err != nil || first.End != EndCap || first.Bytes != 2<<20 {
		t.Fatalf("first: %v, end %s after %d bytes", err, first.End, first.Bytes)
	}
	second, err := Record(context.Background(), Request{URL: srv.URL}, opts)
	if err != nil || second.End != EndCap || !errors.Is(second.Err, ErrBudget) || second.Bytes > 1<<20 {
		t.Fatalf("second: %v, end %s (%v) after %d bytes", err, second.End, second.Err, second.Bytes)
	}
	if held := Held() - base; held < firstCost || held > firstCost+1<<20 {
		t.Errorf("held %d bytes", held)
	}
	runtime.KeepAlive(first)
	runtime.KeepAlive(second)
	deadline := time.Now().Add(5 * time.Second)
	for Held() > base && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if Held() > base {
		t.Errorf("unreachable recordings still hold %d bytes", Held()-base)
	}
}

// A run's budget is its own: recordings on a spent budget end at once,
// while one on another budget records as usual.
func TestBudgetsAreSeparate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte(strings.Repeat("data:x\n\n", 1<<10)))
	}))
	defer srv.Close()
	spent, other := NewBudget(1), NewBudget(0)
	opts := Options{Duration: 5 * time.Second}
	opts.Budget = spent
	a, err := Record(context.Background(), Request{URL: srv.URL}, opts)
	if err != nil || !errors.Is(a.Err, ErrBudget) {
		t.Fatalf("on the spent budget: %v, end %s (%v)", err, a.End, a.Err)
	}
	opts.Budget = other
	b, err := Record(context.Background(), Request{URL: srv.URL}, opts)
	if err != nil || b.Err != nil || b.Bytes != 8<<10 || other.Held() == 0 {
		t.Fatalf("on its own budget: %v, end %s (%v) after %d bytes, held %d", err, b.End, b.Err, b.Bytes, other.Held())
	}
}
