package refserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestServer serves a fresh Server with httptest and tears both down.
func newTestServer(t *testing.T, o Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close() // ends streams first: ts.Close waits for handlers
		ts.Close()
	})
	return s, ts
}

// stream is a raw client of /events: it records every body read with its
// arrival time so tests can judge bytes and timing.
type stream struct {
	t      *testing.T
	resp   *http.Response
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	buf   []byte
	reads []bodyRead
	err   error // how the body ended (io.EOF for a clean end)
}

type bodyRead struct {
	at  time.Time
	end int // len(buf) after this read
}

// openStream GETs url with hdr and requires a 200 stream.
func openStream(t *testing.T, url string, hdr http.Header) *stream {
	t.Helper()
	st := dialStream(t, url, hdr)
	if st.resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200", url, st.resp.StatusCode)
	}
	return st
}

func dialStream(t *testing.T, url string, hdr http.Header) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	// Headers must arrive without any event pending (SSE-HTTP-010).
	timer := time.AfterFunc(5*time.Second, cancel)
	resp, err := http.DefaultClient.Do(req)
	timer.Stop()
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", url, err)
	}
	st := &stream{t: t, resp: resp, cancel: cancel, done: make(chan struct{})}
	go st.readLoop()
	t.Cleanup(st.close)
	return st
}

func (st *stream) readLoop() {
	defer close(st.done)
	p := make([]byte, 64<<10)
	for {
		n, err := st.resp.Body.Read(p)
		now := time.Now()
		st.mu.Lock()
		if n > 0 {
			st.buf = append(st.buf, p[:n]...)
			st.reads = append(st.reads, bodyRead{at: now, end: len(st.buf)})
		}
		if err != nil {
			st.err = err
			st.mu.Unlock()
			return
		}
		st.mu.Unlock()
	}
}

func (st *stream) close() {
	st.cancel()
	st.resp.Body.Close()
	<-st.done
}

func (st *stream) bytes() []byte {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]byte(nil), st.buf...)
}

// waitLen polls until at least n body bytes arrived, failing after d.
func (st *stream) waitLen(n int, d time.Duration) []byte {
	st.t.Helper()
	st.waitFor(func(b []byte) bool { return len(b) >= n }, d, fmt.Sprintf("%d bytes", n))
	return st.bytes()
}

// waitContains polls until s arrived, failing after d. It returns nothing:
// copying a multi-MiB body per call would dominate a test under -race.
func (st *stream) waitContains(s string, d time.Duration) {
	st.t.Helper()
	st.waitFor(func(b []byte) bool { return bytes.Contains(b, []byte(s)) }, d, fmt.Sprintf("%q", s))
}

// waitFor polls until ok(body so far) holds, failing after d. ok must not
// keep the slice or call other stream methods.
func (st *stream) waitFor(ok func([]byte) bool, d time.Duration, what string) {
	st.t.Helper()
	deadline := time.Now().Add(d)
	for {
		// ok runs under the lock on the live buffer, for the same reason.
		st.mu.Lock()
		done := ok(st.buf)
		st.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			b := st.bytes()
			st.t.Fatalf("waited %v for %s; got %d bytes: %.300q", d, what, len(b), b)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitEnd waits for the body to end and returns how it ended.
func (st *stream) waitEnd(d time.Duration) error {
	st.t.Helper()
	select {
	case <-st.done:
	case <-time.After(d):
		st.t.Fatalf("stream still open after %v", d)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

// frames splits what arrived into blank-line-terminated blocks, each with
// the arrival time of the read that completed it.
func (st *stream) frames() []timedFrame {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []timedFrame
	start, r := 0, 0
	for {
		i := bytes.Index(st.buf[start:], []byte("\n\n"))
		if i < 0 {
			return out
		}
		end := start + i + 2
		for st.reads[r].end < end {
			r++
		}
		out = append(out, timedFrame{text: string(st.buf[start:end]), at: st.reads[r].at})
		start = end
	}
}

type timedFrame struct {
	text string
	at   time.Time
}

const preamble3s = ": connected\nretry: 3000\n\n"

// postPublish POSTs a JSON body to /publish.
func postPublish(t *testing.T, base, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(base+"/publish", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func isCleanEnd(err error) bool { return errors.Is(err, io.EOF) }
