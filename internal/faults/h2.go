package faults

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// StartH2ConnectionHeader starts an HTTP/2-over-TLS server (self-signed:
// run the suite with Insecure) whose stream response carries
// `connection: keep-alive`, a connection-specific field HTTP/2 forbids
// (RFC 9113 §8.2.2; nestjs/nest #17588). Go's HTTP/2 server strips such
// fields, so this one speaks HTTP/2 itself with a Framer and hpack. It
// returns the stream URL; the server stops with t.
func StartH2ConnectionHeader(t testing.TB) string {
	return StartRawH2(t, hpack.HeaderField{Name: "connection", Value: "keep-alive"})
}

// StartRawH2 starts a minimal HTTP/2-over-TLS SSE server that answers every
// request with 200, the reference stream headers plus extra (sent as
// given, lower-case), and then an event every 100ms.
func StartRawH2(t testing.TB, extra ...hpack.HeaderField) string {
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.EnableHTTP2 = true // ALPN offers h2 only
	ts.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
		"h2": func(_ *http.Server, c *tls.Conn, _ http.Handler) { serveRawH2(c, extra) },
	}
	ts.StartTLS()
	t.Cleanup(func() { ts.CloseClientConnections(); ts.Close() })
	return ts.URL + "/events"
}

// serveRawH2 answers the connection's first request stream with the SSE
// stream and keeps it going until the client resets the stream or leaves.
func serveRawH2(c *tls.Conn, extra []hpack.HeaderField) {
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	var wmu sync.Mutex // the Framer's writes are not safe for concurrent use
	write := func(f func() error) error {
		wmu.Lock()
		defer wmu.Unlock()
		return f()
	}
	if write(func() error { return fr.WriteSettings() }) != nil {
		return
	}
	var stream uint32
	for stream == 0 {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && write(fr.WriteSettingsAck) != nil {
				return
			}
		case *http2.HeadersFrame:
			stream = f.StreamID // every request gets the stream; its fields are not needed
		}
	}
	_ = c.SetReadDeadline(time.Time{})

	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			switch f := f.(type) {
			case *http2.SettingsFrame:
				if !f.IsAck() && write(fr.WriteSettingsAck) != nil {
					return
				}
			case *http2.PingFrame:
				if !f.IsAck() {
					data := f.Data
					if write(func() error { return fr.WritePing(true, data) }) != nil {
						return
					}
				}
			case *http2.RSTStreamFrame:
				if f.StreamID == stream {
					return
				}
			case *http2.GoAwayFrame:
				return
			}
		}
	}()

	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	fields := []hpack.HeaderField{
		{Name: ":status", Value: "200"},
		{Name: "content-type", Value: "text/event-stream"},
		{Name: "cache-control", Value: "no-cache, no-transform"},
		{Name: "x-accel-buffering", Value: "no"},
	}
	for _, f := range append(fields, extra...) {
		if enc.WriteField(f) != nil {
			return
		}
	}
	if write(func() error {
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: block.Bytes(), EndHeaders: true})
	}) != nil {
		return
	}
	data := func(s string) error {
		return write(func() error { return fr.WriteData(stream, false, []byte(s)) })
	}
	if data(": ok\nretry: 3000\n\n") != nil {
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-done:
			return
		case <-tick.C:
			// Small frames well inside the client's initial flow-control
			// window (Go's transport opens 4 MiB) for the short runs this
			// fault serves.
			if data(DefaultFrame(n)) != nil {
				return
			}
		}
	}
}
