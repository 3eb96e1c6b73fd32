package faults

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

// More HTTP-area faults: compression that holds events back (SSE-HTTP-008)
// and CORS answers a credentialed EventSource cannot use (SSE-HTTP-012).
var (
	// Flush reaches the connection but not the compressor (gin-contrib/gzip
	// #16, expressjs/compression #61): nothing decodes until its buffer fills.
	_ = register("gzip-unflushed", Compressed{Encoding: "gzip", FlushEvery: -1}) // SSE-HTTP-008
	// The compressor is flushed on a timer, not per event.
	_ = register("gzip-flush-2s", Compressed{Encoding: "gzip", FlushEvery: 2 * time.Second}) // SSE-HTTP-008
	// Compressed and flushed after every event: conforming (a pass row).
	_ = register("gzip-flushed", Compressed{Encoding: "gzip"})               // SSE-HTTP-008 (pass)
	_ = register("br-unflushed", Compressed{Encoding: "br", FlushEvery: -1}) // SSE-HTTP-008
	_ = register("br-flushed", Compressed{Encoding: "br"})                   // SSE-HTTP-008 (pass)

	_ = register("cors-none", Stream{})                             // SSE-HTTP-012
	_ = register("cors-wildcard", Stream{Header: map[string]string{ // SSE-HTTP-012
		"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"}})
	_ = register("cors-no-credentials", cors{Reconnects: true, next: Stream{}})      // SSE-HTTP-012
	_ = register("cors-first-connect-only", cors{Credentials: true, next: Stream{}}) // SSE-HTTP-012
)

// cors echoes the request's Origin in Access-Control-Allow-Origin, with
// Access-Control-Allow-Credentials: true only when Credentials, and on
// requests carrying Last-Event-ID (reconnects) only when Reconnects.
type cors struct {
	Credentials bool
	Reconnects  bool
	next        http.Handler
}

func (c cors) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	reconnect := r.Header.Get("Last-Event-ID") != ""
	if origin != "" && (!reconnect || c.Reconnects) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Add("Vary", "Origin")
		if c.Credentials {
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
	}
	c.next.ServeHTTP(w, r)
}

// epoch aligns Compressed's events across connections.
var epoch = time.Now()

// Compressed is a correct stream whose body is compressed with Encoding
// ("gzip" or "br") when the request accepts it, identity otherwise. Event n
// (id n, DefaultFrame) goes out at the same instant on every connection,
// epoch + n×Interval, as a server broadcasting to all its clients does, so
// a compressed and an identity stream can be compared event by event.
type Compressed struct {
	Encoding string
	// FlushEvery is how often the compressor is flushed: 0 after every
	// event (conforming), >0 on that timer, <0 never. The connection itself
	// is flushed after every event either way, as broken middleware does.
	FlushEvery time.Duration
	Interval   time.Duration // between events; default 100ms
}

// flushWriter is a compressor (or the identity body).
type flushWriter interface {
	io.Writer
	Flush() error
}

type identity struct{ io.Writer }

func (identity) Flush() error { return nil }

func (c Compressed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range defaultHeader {
		h.Set(k, v)
	}
	h.Add("Vary", "Accept-Encoding")
	var zw flushWriter = identity{w}
	compressing := acceptsEncoding(r, c.Encoding)
	if compressing {
		h.Set("Content-Encoding", c.Encoding)
		switch c.Encoding {
		case "gzip":
			gz := gzip.NewWriter(w)
			defer gz.Close()
			zw = gz
		case "br":
			br := brotli.NewWriterLevel(w, brotli.DefaultCompression)
			defer br.Close()
			zw = br
		default:
			panic("faults.Compressed: unknown encoding " + c.Encoding)
		}
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(s string) error {
		if _, err := io.WriteString(zw, s); err != nil {
			return err
		}
		if !compressing || c.FlushEvery == 0 {
			if err := zw.Flush(); err != nil {
				return err
			}
		}
		return rc.Flush()
	}
	if send(": ok\nretry: 3000\n\n") != nil {
		return
	}
	var flushTick <-chan time.Time
	if compressing && c.FlushEvery > 0 {
		t := time.NewTicker(c.FlushEvery)
		defer t.Stop()
		flushTick = t.C
	}
	interval := or(c.Interval, 100*time.Millisecond)
	n := int(time.Since(epoch)/interval) + 1
	next := time.NewTimer(time.Until(epoch.Add(time.Duration(n) * interval)))
	defer next.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-flushTick:
			if zw.Flush() != nil || rc.Flush() != nil {
				return
			}
		case <-next.C:
			if send(DefaultFrame(n)) != nil {
				return
			}
			// Never skip an id, even when late: the other connection has it.
			n++
			next.Reset(time.Until(epoch.Add(time.Duration(n) * interval)))
		}
	}
}

// acceptsEncoding reports whether r's Accept-Encoding lists enc (q>0).
func acceptsEncoding(r *http.Request, enc string) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(name), enc) && strings.ReplaceAll(params, " ", "") != "q=0" {
				return true
			}
		}
	}
	return false
}
