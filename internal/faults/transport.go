package faults

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// Broken transports: the HTTP response itself is broken, whatever its
// events (issue 9). And their correct twins: streams that end cleanly, and
// bodies in every coding a browser accepts, flushed per event.
var (
	_ = register("transport-reset-mid-event", rawConn(func(w *bufio.Writer) {
		w.WriteString(sseHead + "Transfer-Encoding: chunked\r\n\r\n")
		chunk(w, "retry: 3000\n\nid: 1\ndata: one\n\nid: 2\ndata: half of an ev")
	}, true))
	_ = register("transport-bad-chunk", rawConn(func(w *bufio.Writer) {
		w.WriteString(sseHead + "Transfer-Encoding: chunked\r\n\r\n")
		chunk(w, "id: 1\ndata: one\n\n")
		w.WriteString("zz\r\nnot a chunk\r\n") // not a hex chunk size
	}, false))
	_ = register("transport-short-body", rawConn(func(w *bufio.Writer) {
		// Declares more body than it sends (SSE-HTTP-004 fails the header itself).
		w.WriteString(sseHead + "Content-Length: 100000\r\n\r\nid: 1\ndata: one\n\n")
	}, false))
	_ = register("transport-close-after-headers", http.HandlerFunc(closeAfterHeaders))
	_ = register("transport-bad-gzip", badCoding("gzip"))
	_ = register("transport-bad-deflate", badCoding("deflate"))
	_ = register("transport-bad-br", badCoding("br"))
	_ = register("transport-unasked-coding", encoded("compress", nil))
	_ = register("transport-ends-cleanly", Stream{Events: 3, Keepalive: -1})
	_ = register("transport-gzip-ok", encoded("gzip", func(w io.Writer) flushWriter { z := gzip.NewWriter(w); return z }))
	_ = register("transport-deflate-ok", encoded("deflate", func(w io.Writer) flushWriter { z := zlib.NewWriter(w); return z }))
	_ = register("transport-raw-deflate-ok", encoded("deflate", func(w io.Writer) flushWriter { z, _ := flate.NewWriter(w, flate.DefaultCompression); return z }))
	_ = register("transport-br-ok", encoded("br", func(w io.Writer) flushWriter { return brotli.NewWriter(w) }))
	_ = register("transport-zstd-ok", encoded("zstd", func(w io.Writer) flushWriter { z, _ := zstd.NewWriter(w); return z }))
)

const sseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"

func chunk(w *bufio.Writer, s string) {
	fmt.Fprintf(w, "%x\r\n%s\r\n", len(s), s)
}

// rawConn answers on the bare connection with what write produces, then
// closes it (with an RST when reset).
func rawConn(write func(*bufio.Writer), reset bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		write(buf.Writer)
		buf.Flush()
		time.Sleep(300 * time.Millisecond) // let the client read what was sent
		if tc, ok := conn.(*net.TCPConn); ok && reset {
			tc.SetLinger(0) // close sends RST, not FIN
		}
	}
}

// badCoding declares coding and sends bytes that are not in it.
func badCoding(coding string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Content-Encoding", coding)
		rc := http.NewResponseController(w)
		for i := 0; r.Context().Err() == nil && i < 100; i++ {
			fmt.Fprintf(w, "id: %d\ndata: plain text under a %s label\n\n", i, coding)
			rc.Flush()
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// encoded streams correct events in coding, flushing the compressor per
// event, to every request; newEnc nil sends plain bytes under the label.
func encoded(coding string, newEnc func(io.Writer) flushWriter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Encoding", coding)
		rc := http.NewResponseController(w)
		var out io.Writer = w
		var enc flushWriter
		if newEnc != nil {
			enc = newEnc(w)
			out = enc
		}
		for i := 1; r.Context().Err() == nil && i < 1000; i++ {
			var b bytes.Buffer
			fmt.Fprintf(&b, "id: %d\ndata: event %d\n\n: keepalive\n\n", i, i)
			out.Write(b.Bytes())
			if enc != nil {
				enc.Flush()
			}
			rc.Flush()
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// closeAfterHeaders answers 200 with the stream's headers and ends the
// response at once: the returning-generator pitfall.
func closeAfterHeaders(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush()
}

// A correct stream written as one large HTTP chunk with an event every
// 300 ms inside it (legal chunking; browsers show each event at once). The
// harness must see each event when it arrives, not when the chunk fills.
var _ = register("one-chunk-trickle", http.HandlerFunc(oneChunkTrickle))

func oneChunkTrickle(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	bw := buf.Writer
	bw.WriteString(sseHead + "Transfer-Encoding: chunked\r\n\r\n")
	fmt.Fprintf(bw, "%x\r\n", 1<<20)
	bw.WriteString("retry: 3000\n\n")
	bw.Flush()
	for i := 1; i < 3000; i++ {
		if _, err := fmt.Fprintf(bw, "id: %d\ndata: event %d\n\n", i, i); err != nil {
			return
		}
		if bw.Flush() != nil {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
}
