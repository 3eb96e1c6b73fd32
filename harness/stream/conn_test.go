package stream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
)

// serve starts h on loopback for the test.
func serve(t *testing.T, h http.HandlerFunc) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

func sse(w http.ResponseWriter) *http.ResponseController {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	return rc
}

func TestChunksAreTimestampedAsTheyArrive(t *testing.T) {
	const gap = 150 * time.Millisecond
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		rc := sse(w)
		for i := range 3 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			rc.Flush()
			time.Sleep(gap) // the server's pacing, which the recording must show
		}
	})
	rec, err := Record(context.Background(), Request{URL: url}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != 200 || rec.End != EndEOF || len(rec.Parse.Events) != 3 {
		t.Fatalf("status %d end %s events %d", rec.Status, rec.End, len(rec.Parse.Events))
	}
	if len(rec.Chunks) < 3 {
		t.Fatalf("want a chunk per flush, got %d", len(rec.Chunks))
	}
	for i := 1; i < 3; i++ {
		d := rec.Parse.Events[i].At - rec.Parse.Events[i-1].At
		if d < gap-20*time.Millisecond || d > gap+150*time.Millisecond {
			t.Errorf("event %d arrived %v after the previous, want ≈%v", i, d, gap)
		}
	}
	var off int64
	for _, c := range rec.Chunks {
		if c.Offset != off {
			t.Fatalf("chunk offset %d, want %d", c.Offset, off)
		}
		off += int64(len(c.Data))
	}
	if off != rec.Bytes {
		t.Fatalf("chunks hold %d bytes, recording says %d", off, rec.Bytes)
	}
}

func TestHeaderTimeoutEndsWithError(t *testing.T) {
	url := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	start := time.Now()
	c, err := Open(context.Background(), Request{URL: url}, Options{HeaderTimeout: 200 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "no response headers") {
		t.Fatalf("err %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("took %v", took)
	}
	if rec := c.Recording(); rec.End != EndError || rec.Status != 0 {
		t.Fatalf("end %s status %d", rec.End, rec.Status)
	}
}

func TestLimitsEndTheRecording(t *testing.T) {
	endless := serve(t, func(w http.ResponseWriter, r *http.Request) {
		rc := sse(w)
		chunk := []byte(strings.Repeat("x", 32<<10))
		fmt.Fprint(w, "data: ")
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			rc.Flush()
		}
	})
	for _, tc := range []struct {
		name string
		opts Options
		want error
	}{
		{"bytes", Options{MaxBytes: 1 << 20, MaxLine: 8 << 20}, nil},
		{"line", Options{MaxLine: 64 << 10}, parser.ErrLineTooLong},
	} {
		rec, _ := Record(context.Background(), Request{URL: endless}, tc.opts)
		if rec.End != EndCap {
			t.Errorf("%s: end %s (%v), want cap", tc.name, rec.End, rec.Err)
		}
		if tc.want != nil && !errors.Is(rec.Err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, rec.Err, tc.want)
		}
		if tc.name == "bytes" && rec.Bytes != 1<<20 {
			t.Errorf("bytes: kept %d, want exactly the cap", rec.Bytes)
		}
	}
}

func TestIdleAndDurationBounds(t *testing.T) {
	silent := serve(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w)
		<-r.Context().Done()
	})
	rec, _ := Record(context.Background(), Request{URL: silent}, Options{IdleTimeout: 150 * time.Millisecond})
	if rec.End != EndIdle {
		t.Errorf("idle: end %s", rec.End)
	}
	rec, _ = Record(context.Background(), Request{URL: silent}, Options{Duration: 200 * time.Millisecond})
	if rec.End != EndDeadline || rec.EndAt < 200*time.Millisecond || rec.EndAt > 2*time.Second {
		t.Errorf("duration: end %s at %v", rec.End, rec.EndAt)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	rec, _ = Record(ctx, Request{URL: silent}, Options{})
	if rec.End != EndCanceled {
		t.Errorf("ctx: end %s", rec.End)
	}
}

func TestRedirectsAreRecordedAndHeadersSent(t *testing.T) {
	final := serve(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w)
		fmt.Fprintf(w, "data: %s\n\n", r.Header.Get("Last-Event-ID"))
	})
	start := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, final+"/stream", http.StatusTemporaryRedirect)
	})
	rec, err := Record(context.Background(), Request{URL: start, Header: http.Header{"Last-Event-ID": {"7"}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Redirects) != 1 || !strings.HasSuffix(rec.Redirects[0], "/stream") {
		t.Fatalf("redirects %v", rec.Redirects)
	}
	if len(rec.Parse.Events) != 1 || rec.Parse.Events[0].Data != "7" {
		t.Fatalf("events %+v", rec.Parse.Events)
	}
}

func TestWaitUntilSeesLiveEvents(t *testing.T) {
	release := make(chan struct{})
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		rc := sse(w)
		<-release
		fmt.Fprint(w, "data: late\n\n")
		rc.Flush()
		<-r.Context().Done()
	})
	c, err := Open(context.Background(), Request{URL: url}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ok := c.WaitUntil(ctx, func(r *Recording) bool { return len(r.Parse.Events) == 1 })
	if !ok {
		t.Fatal("event never seen")
	}
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	if c.WaitUntil(short, func(r *Recording) bool { return len(r.Parse.Events) == 2 }) {
		t.Fatal("a second event appeared from nowhere")
	}
	rec := c.Close()
	if rec.End != EndCanceled || !rec.Parse.Finished {
		t.Fatalf("end %s finished %v", rec.End, rec.Parse.Finished)
	}
}

// heldHeaders serves a stream that sends nothing, not even its headers,
// until release is closed; then headers and an event in one write.
func heldHeaders(t *testing.T, release <-chan struct{}) string {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: first\n\n")
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	})
}

func TestStartReturnsBeforeTheHeaders(t *testing.T) {
	release := make(chan struct{})
	url := heldHeaders(t, release)
	c, err := Start(context.Background(), Request{URL: url}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case <-c.HeadersDone():
		t.Fatal("headers reported before the server sent any")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := c.Headers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !c.WaitUntil(context.Background(), func(r *Recording) bool { return len(r.Parse.Events) == 1 }) {
		t.Fatal("the first event did not arrive")
	}
	if rec := c.Close(); rec.Status != 200 || rec.HeadersAt < 200*time.Millisecond {
		t.Fatalf("status %d, headers at %v", rec.Status, rec.HeadersAt)
	}
}

func TestStartReportsAnUnsentRequest(t *testing.T) {
	url := serve(t, func(http.ResponseWriter, *http.Request) {})
	ts := strings.TrimPrefix(url, "http://")
	c, err := Start(context.Background(), Request{URL: "http://" + ts + "x/"}, Options{})
	if err == nil {
		t.Fatal("no error for an unreachable target")
	}
	if rec := c.Close(); rec.End != EndError {
		t.Fatalf("end %s", rec.End)
	}
}

func TestOpenNudgesHeldHeaders(t *testing.T) {
	release := make(chan struct{})
	url := heldHeaders(t, release)
	var nudged []time.Duration
	start := time.Now()
	c, err := Open(context.Background(), Request{URL: url}, Options{
		NudgeAfter: 150 * time.Millisecond,
		Nudge: func(context.Context) {
			nudged = append(nudged, time.Since(start))
			if len(nudged) == 2 { // the first is lost, as when it beats the subscription
				close(release)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if len(nudged) != 2 || nudged[0] < 150*time.Millisecond || nudged[1]-nudged[0] < 90*time.Millisecond {
		t.Fatalf("nudged at %v; want after 150ms, then again 100ms later", nudged)
	}
	if c.Recording().Status != 200 {
		t.Fatalf("status %d", c.Recording().Status)
	}
}

func TestOpenWithoutNudgeKeepsTheHeaderTimeout(t *testing.T) {
	url := heldHeaders(t, make(chan struct{}))
	_, err := Open(context.Background(), Request{URL: url}, Options{HeaderTimeout: 200 * time.Millisecond, NudgeAfter: time.Millisecond, Nudge: func(context.Context) {}})
	if !errors.Is(err, ErrNoHeaders) {
		t.Fatalf("err %v, want ErrNoHeaders", err)
	}
}
