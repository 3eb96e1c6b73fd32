package faults

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Proxy is a small reverse proxy for the PROXY checks' tests. Its zero value
// forwards the way an SSE-ready proxy does: response headers at once, every
// read flushed, request headers passed on, the client's disconnect passed
// to the origin. Each fault below sets one field, reproducing one way real
// proxies break streams (real-world faults, item 6).
type Proxy struct {
	Buffer           bool          // hold the body until 4 KiB piled up or the origin ended (nginx's proxy_buffering on)
	BufferUnlessSSE  bool          // buffer unless Content-Type is exactly text/event-stream (kamal-proxy PR #56)
	AddContentLength bool          // read the whole response, then send it with a Content-Length
	DropHeader       string        // remove this request header before forwarding
	MapStatus        map[int]int   // answer this status instead of the origin's
	HoldHeaders      bool          // send the headers with the first body bytes, not before (httputil.ReverseProxy, caddy #6293)
	IdleTimeout      time.Duration // cut the response after this much silence from the origin
	IgnoreClientGone bool          // keep reading the origin (up to 10 s) after the client left
	LingerAfterEnd   time.Duration // keep the client's response open this long after the origin ended it
	MaxStreams       int           // answer 503 beyond this many concurrent requests
	MaxLine          int           // cut the connection at a longer line
	Gzip             bool          // gzip for clients that accept it, flushing the compressor only at the end
	GzipFlush        bool          // with Gzip: flush the compressor after every read (correct compression)
	DropField        string        // delete the lines of this event-stream field (e.g. "id")
	Delay            time.Duration // forward each read this long after it arrived: a constant added latency, no buffering
}

// Proxy faults, one per PROXY check they make fail; "good" passes them all.
var proxyFaults = map[string]Proxy{
	"good":                {},
	"drop-id-field":       {DropField: "id"},                                                     // SSE-PROXY-001
	"buffering":           {Buffer: true},                                                        // SSE-PROXY-002
	"headers-held":        {HoldHeaders: true},                                                   // SSE-PROXY-003
	"idle-timeout-1s":     {IdleTimeout: time.Second},                                            // SSE-PROXY-004
	"strip-last-event-id": {DropHeader: "Last-Event-ID"},                                         // SSE-PROXY-005
	"204-to-502":          {MapStatus: map[int]int{http.StatusNoContent: http.StatusBadGateway}}, // SSE-PROXY-006
	"ignore-client-gone":  {IgnoreClientGone: true},                                              // SSE-PROXY-007
	"linger-3s":           {LingerAfterEnd: 3 * time.Second},                                     // SSE-PROXY-008
	"add-content-length":  {AddContentLength: true},                                              // SSE-PROXY-009
	"gzip-unflushed":      {Gzip: true},                                                          // SSE-PROXY-009
	"line-limit-64k":      {MaxLine: 64 << 10},                                                   // SSE-PROXY-010
	"max-50-streams":      {MaxStreams: 50},                                                      // SSE-PROXY-011
	"charset-buffered":    {BufferUnlessSSE: true},                                               // SSE-PROXY-012
	"gzip-flushed":        {Gzip: true, GzipFlush: true},                                         // SSE-PROXY-009 passes: compressed, flushed per event
	"delay-180ms":         {Delay: 180 * time.Millisecond},                                       // SSE-PROXY-002, -011: a constant delay over a 100 ms budget
}

// ProxyHandler returns the named proxy fault forwarding to upstream
// (host:port of the suite's origin).
func ProxyHandler(name, upstream string) http.Handler {
	p, ok := proxyFaults[name]
	if !ok {
		panic(fmt.Sprintf("no proxy fault named %q", name))
	}
	return p.Handler(upstream)
}

// ProxyNames lists the proxy faults.
func ProxyNames() []string {
	out := make([]string, 0, len(proxyFaults))
	for n := range proxyFaults {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// hopByHop are the headers a proxy never forwards (RFC 9110 §7.6.1).
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"}

// Handler is p forwarding to upstream.
func (p Proxy) Handler(upstream string) http.Handler {
	tr := &http.Transport{Proxy: nil, DisableCompression: true, DisableKeepAlives: true}
	var active atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.MaxStreams > 0 {
			defer active.Add(-1)
			if active.Add(1) > int64(p.MaxStreams) {
				http.Error(w, "too many streams", http.StatusServiceUnavailable)
				return
			}
		}
		ctx := r.Context()
		if p.IgnoreClientGone {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		out, err := http.NewRequestWithContext(ctx, r.Method, "http://"+upstream+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		for _, h := range hopByHop {
			out.Header.Del(h)
		}
		if p.DropHeader != "" {
			out.Header.Del(p.DropHeader)
		}
		resp, err := tr.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		p.forward(w, r, resp, cancel)
	})
}

func (p Proxy) forward(w http.ResponseWriter, r *http.Request, resp *http.Response, cancel context.CancelFunc) {
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	for _, k := range hopByHop {
		h.Del(k)
	}
	status := resp.StatusCode
	if s, ok := p.MapStatus[status]; ok {
		status = s
	}
	rc := http.NewResponseController(w)
	if p.AddContentLength {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	var dst io.Writer = w
	flush := func() { rc.Flush() }
	if p.Gzip && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		dst = zw
		// flush: still rc.Flush, which sends nothing the compressor holds
		if p.GzipFlush {
			flush = func() { zw.Flush(); rc.Flush() }
		}
	}
	if p.Delay > 0 {
		d := newDelayWriter(dst, flush, p.Delay)
		defer d.close()
		dst, flush = d, func() {}
	}
	w.WriteHeader(status)
	if !p.HoldHeaders {
		rc.Flush()
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		return
	}
	buffered := p.Buffer || p.BufferUnlessSSE && resp.Header.Get("Content-Type") != "text/event-stream"
	var (
		pending bytes.Buffer // buffered body
		line    int          // length of the current line, for MaxLine
		field   lineFilter
	)
	field.drop = p.DropField
	var idle *time.Timer
	if p.IdleTimeout > 0 {
		idle = time.AfterFunc(p.IdleTimeout, cancel)
		defer idle.Stop()
	}
	buf := make([]byte, 32<<10)
	clientGone := false
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 && idle != nil {
			idle.Reset(p.IdleTimeout)
		}
		chunk := buf[:n]
		if p.MaxLine > 0 {
			for _, b := range chunk {
				if line++; b == '\n' || b == '\r' {
					line = 0
				}
				if line > p.MaxLine {
					panic(http.ErrAbortHandler) // cuts the client's connection
				}
			}
		}
		if p.DropField != "" {
			chunk = field.filter(chunk)
		}
		switch {
		case clientGone:
		case buffered:
			pending.Write(chunk)
			if pending.Len() >= 4<<10 {
				_, werr := dst.Write(pending.Bytes())
				pending.Reset()
				flush()
				clientGone = werr != nil
			}
		case len(chunk) > 0:
			_, werr := dst.Write(chunk)
			flush()
			clientGone = werr != nil || r.Context().Err() != nil
		}
		if err != nil {
			break
		}
	}
	if pending.Len() > 0 {
		dst.Write(pending.Bytes())
	}
	if p.DropField != "" {
		dst.Write(field.rest())
	}
	if p.LingerAfterEnd > 0 {
		flush()
		select {
		case <-time.After(p.LingerAfterEnd):
		case <-r.Context().Done():
		}
	}
}

// lineFilter drops the lines of one field from a body arriving in pieces.
type lineFilter struct {
	drop string
	part []byte // the current line so far
}

func (f *lineFilter) filter(b []byte) []byte {
	var out []byte
	for _, c := range b {
		f.part = append(f.part, c)
		if c != '\n' {
			continue
		}
		if !bytes.HasPrefix(f.part, []byte(f.drop+":")) {
			out = append(out, f.part...)
		}
		f.part = f.part[:0]
	}
	return out
}

func (f *lineFilter) rest() []byte { return f.part }

// delayWriter writes (and flushes) each write delay after it was made, in
// order, from its own goroutine: the delay stays constant however events
// are spaced.
type delayWriter struct {
	ch   chan delayed
	done chan struct{}
}

type delayed struct {
	b  []byte
	at time.Time
}

func newDelayWriter(w io.Writer, flush func(), delay time.Duration) *delayWriter {
	d := &delayWriter{ch: make(chan delayed, 1024), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		for c := range d.ch {
			time.Sleep(time.Until(c.at.Add(delay)))
			w.Write(c.b)
			flush()
		}
	}()
	return d
}

func (d *delayWriter) Write(b []byte) (int, error) {
	d.ch <- delayed{bytes.Clone(b), time.Now()}
	return len(b), nil
}

// close sends what is still queued, then returns.
func (d *delayWriter) close() {
	close(d.ch)
	<-d.done
}
