package stream

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Why a tap: net/http's chunked reader fills the caller's buffer before it
// returns from inside one chunk, so a server that writes one large chunk and
// trickles events into it (legal) would be seen in 64 KiB lumps, seconds
// late, while a browser sees each event at once. The tap reads the HTTP/1.1
// response off the connection itself, as the bytes arrive, and hands each
// body byte to the recording with the moment its packet was read. Go's own
// body reader still drives the reads (and reports EOF and errors); over
// HTTP/2 (frames arrive whole) and HTTP/1.1 over TLS without a tap, its
// bytes are recorded as before.

// tapConn is a client connection whose reads are decoded as an HTTP/1.1
// response on the side.
type tapConn struct {
	net.Conn
	mu      sync.Mutex
	dec     respDecoder
	pending []tapChunk              // body bytes decoded before a recording claimed the tap
	sink    func([]byte, time.Time) // the recording, once claimed
	// pendingBytes counts what pending held; past maxPending (a body read
	// by a client that never claims it, e.g. a publish hook's answer) the
	// tap stops keeping it.
	pendingBytes int
	overflow     bool
}

const maxPending = 1 << 20

type tapChunk struct {
	data []byte
	at   time.Time
}

func (t *tapConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		now := time.Now()
		t.mu.Lock()
		t.dec.feed(p[:n], func(b []byte) {
			if t.sink != nil {
				t.sink(b, now)
				return
			}
			if t.pendingBytes += len(b); t.pendingBytes > maxPending {
				t.overflow = true // a body nobody claims: stop keeping it
				t.pending = nil
				return
			}
			t.pending = append(t.pending, tapChunk{append([]byte(nil), b...), now})
		})
		t.mu.Unlock()
	}
	return n, err
}

// claim makes sink receive the body: first what was decoded already, then
// each byte as it is read. It reports false (and sink gets nothing) when
// the tap could not follow the response, so the caller records net/http's
// body instead.
func (t *tapConn) claim(sink func([]byte, time.Time)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dec.state == decBroken || t.dec.state == decHead || t.overflow {
		return false
	}
	for _, c := range t.pending {
		sink(c.data, c.at)
	}
	t.pending, t.sink = nil, sink
	return true
}

// tapDialer dials plain TCP connections with a tap.
func tapDialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &tapConn{Conn: c}, nil
	}
}

// tapTLSDialer shakes hands itself so an HTTP/1.1 connection can be tapped
// above TLS; one that negotiated h2 is returned as the *tls.Conn net/http
// needs for HTTP/2.
func tapTLSDialer(d *net.Dialer, cfg *tls.Config) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		c := cfg.Clone()
		if c.ServerName == "" {
			host, _, _ := net.SplitHostPort(addr)
			c.ServerName = host
		}
		if len(c.NextProtos) == 0 {
			c.NextProtos = []string{"h2", "http/1.1"}
		}
		tc := tls.Client(raw, c)
		hctx, cancel := context.WithTimeout(ctx, DefaultConnectTimeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			raw.Close()
			return nil, err
		}
		if tc.ConnectionState().NegotiatedProtocol == "h2" {
			return tc, nil
		}
		return &tapConn{Conn: tc}, nil
	}
}

// respDecoder is an HTTP/1.1 response decoder that hands out body bytes as
// soon as they are complete (a chunk's payload byte by byte, not chunk by
// chunk).
type respDecoder struct {
	state   decState
	line    []byte // the header or chunk-size line being read
	chunked bool
	length  int64 // Content-Length, or -1 (until close)
	left    int64 // bytes left in the current chunk or the body
	head    headState
}

type decState int

const (
	decHead      decState = iota // status line and headers
	decChunkSize                 // a chunk-size line
	decChunkData                 // inside a chunk
	decChunkEnd                  // the CRLF after a chunk
	decTrailer                   // trailer lines after the last chunk
	decBody                      // a Content-Length or close-delimited body
	decDone
	decBroken
)

const maxTapLine = 64 << 10 // headers and chunk lines longer than this: leave it to net/http

func (d *respDecoder) feed(b []byte, emit func([]byte)) {
	for len(b) > 0 {
		switch d.state {
		case decDone, decBroken:
			return
		case decChunkData, decBody:
			n := int64(len(b))
			if d.left >= 0 && n > d.left {
				n = d.left
			}
			emit(b[:n])
			b = b[n:]
			if d.left >= 0 {
				d.left -= n
				if d.left == 0 {
					if d.state == decChunkData {
						d.state = decChunkEnd
					} else {
						d.state = decDone
					}
				}
			}
		default:
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				d.line = append(d.line, b...)
				if len(d.line) > maxTapLine {
					d.state = decBroken
				}
				return
			}
			line := append(d.line, b[:i]...)
			d.line = d.line[:0]
			b = b[i+1:]
			d.endLine(strings.TrimRight(string(line), "\r"))
		}
	}
}

// headState collects the header block between status line and blank line.
type headState struct {
	status  int
	headers []string
}

func (d *respDecoder) endLine(line string) {
	switch d.state {
	case decHead:
		hs := &d.head
		if hs.status == 0 {
			f := strings.Fields(line)
			if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
				d.state = decBroken
				return
			}
			hs.status, _ = strconv.Atoi(f[1])
			return
		}
		if line != "" {
			hs.headers = append(hs.headers, line)
			return
		}
		head := *hs
		d.head = headState{}
		if head.status >= 100 && head.status < 200 && head.status != 101 {
			return // an interim response: the real one follows
		}
		d.startBody(&head)
	case decChunkSize:
		size := strings.TrimSpace(strings.SplitN(line, ";", 2)[0])
		n, err := strconv.ParseInt(size, 16, 64)
		if err != nil || n < 0 {
			d.state = decBroken
			return
		}
		if n == 0 {
			d.state = decTrailer
			return
		}
		d.state, d.left = decChunkData, n
	case decChunkEnd:
		if line != "" {
			d.state = decBroken
			return
		}
		d.state = decChunkSize
	case decTrailer:
		if line == "" {
			d.state = decDone
		}
	}
}

func (d *respDecoder) startBody(hs *headState) {
	d.length = -1
	for _, h := range hs.headers {
		k, v, _ := strings.Cut(h, ":")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.TrimSpace(v))
		switch k {
		case "transfer-encoding":
			if strings.Contains(v, "chunked") {
				d.chunked = true
			}
		case "content-length":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				d.length = n
			}
		}
	}
	switch {
	case hs.status == 204 || hs.status == 304:
		d.state = decDone
	case d.chunked:
		d.state = decChunkSize
	case d.length == 0:
		d.state = decDone
	default:
		d.state, d.left = decBody, d.length // -1: until the connection closes
	}
}
