package stream

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// decodeAll feeds wire in pieces of size n and returns the body.
func decodeAll(wire string, n int) (string, decState) {
	var d respDecoder
	var out strings.Builder
	for i := 0; i < len(wire); i += n {
		d.feed([]byte(wire[i:min(i+n, len(wire))]), func(b []byte) { out.Write(b) })
	}
	return out.String(), d.state
}

func TestRespDecoderFramings(t *testing.T) {
	for _, tc := range []struct {
		name, wire, body string
		end              decState
	}{
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ndata:\r\n3;ext=1\r\n x\n\r\n0\r\nTrailer: t\r\n\r\n", "data: x\n", decDone},
		{"interim then chunked", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", "ab", decDone},
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdEXTRA", "abcd", decDone},
		{"close-delimited", "HTTP/1.0 200 OK\nContent-Type: text/event-stream\n\ndata: 1\n\n", "data: 1\n\n", decBody},
		{"no body", "HTTP/1.1 204 No Content\r\n\r\n", "", decDone},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\nzz\r\n", "ab", decBroken},
		{"not http", "SSH-2.0-OpenSSH\r\n", "", decBroken},
	} {
		for _, n := range []int{1, 2, 3, 7, 1 << 20} {
			body, end := decodeAll(tc.wire, n)
			if body != tc.body || end != tc.end {
				t.Errorf("%s in pieces of %d: body %q state %d, want %q state %d", tc.name, n, body, end, tc.body, tc.end)
			}
		}
	}
}

// oneBigChunk declares a 1 MiB chunk and trickles events into it, one
// every gap: legal, and what a browser shows event by event.
func oneBigChunk(gap time.Duration, events int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		bw := buf.Writer
		bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
		fmt.Fprintf(bw, "%x\r\n", 1<<20)
		bw.Flush()
		for i := range events {
			fmt.Fprintf(bw, "data: %d\n\n", i)
			bw.Flush()
			time.Sleep(gap)
		}
	}
}

// TestEventsInsideOneChunkAreSeenAsTheyArrive is issue 9's trickle: with
// net/http's chunked reader the harness saw nothing for seconds and failed
// SSE-KEEP-001 while Chromium had every event on time.
func TestEventsInsideOneChunkAreSeenAsTheyArrive(t *testing.T) {
	const gap = 300 * time.Millisecond
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) (string, *http.Client)
	}{
		{"http", func(t *testing.T) (string, *http.Client) {
			return serve(t, oneBigChunk(gap, 4)), NewClient(false)
		}},
		{"https http/1.1", func(t *testing.T) (string, *http.Client) {
			ts := httptest.NewUnstartedServer(oneBigChunk(gap, 4))
			ts.EnableHTTP2 = false
			ts.StartTLS()
			t.Cleanup(ts.Close)
			return ts.URL, NewClient(true)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, client := tc.url(t)
			c, err := Open(context.Background(), Request{URL: url}, Options{Client: client})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			c.WaitUntil(ctx, func(r *Recording) bool { return len(r.Parse.Events) >= 1 })
			first := time.Since(start)
			c.WaitUntil(ctx, func(r *Recording) bool { return len(r.Parse.Events) >= 4 })
			rec := c.Close()
			if len(rec.Parse.Events) < 4 {
				t.Fatalf("%d events in 10 s; the harness waited for the chunk to fill", len(rec.Parse.Events))
			}
			if first > time.Second {
				t.Errorf("the first event was seen %v after the request, want at once", first)
			}
			for i := 1; i < 4; i++ {
				d := rec.Parse.Events[i].At - rec.Parse.Events[i-1].At
				if d < gap-50*time.Millisecond || d > gap+250*time.Millisecond {
					t.Errorf("event %d stamped %v after the previous, want ≈%v", i, d, gap)
				}
			}
		})
	}
}

// TestHTTP2IsNotTapped: an h2 connection stays HTTP/2 (its frames arrive
// whole), with the tapping TLS dialer in the way.
func TestHTTP2IsNotTapped(t *testing.T) {
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := sse(w)
		fmt.Fprint(w, "data: h2\n\n")
		rc.Flush()
	}))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	t.Cleanup(ts.Close)
	rec, err := Record(context.Background(), Request{URL: ts.URL}, Options{Client: NewClient(true)})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Proto != "HTTP/2.0" || len(rec.Parse.Events) != 1 {
		t.Fatalf("proto %s, %d events", rec.Proto, len(rec.Parse.Events))
	}
}

// TestTapFollowsRedirects: the recording is the final response's body,
// not the redirect's.
func TestTapFollowsRedirects(t *testing.T) {
	final := serve(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w)
		fmt.Fprint(w, "data: final\n\n")
	})
	first := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", final)
		w.WriteHeader(http.StatusFound)
		fmt.Fprint(w, "data: redirect body\n\n")
	})
	rec, err := Record(context.Background(), Request{URL: first}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Parse.Events) != 1 || rec.Parse.Events[0].Data != "final" {
		t.Fatalf("events %+v", rec.Parse.Events)
	}
}

// TestTapSeesBrokenChunks: a bad chunk is still a transport error.
func TestTapSeesBrokenChunks(t *testing.T) {
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, _ := http.NewResponseController(w).Hijack()
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\nzz\r\n")
		buf.Flush()
	})
	rec, _ := Record(context.Background(), Request{URL: url}, Options{})
	if rec.End != EndError || len(rec.Parse.Events) != 1 {
		t.Fatalf("end %s (%v), %d events", rec.End, rec.Err, len(rec.Parse.Events))
	}
}
