package cases

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// The latency-critical scenarios are served with the app's real headers:
// a bare origin (Content-Type only) unless --origin-header adds some. The
// SSE-friendly headers (X-Accel-Buffering: no, Cache-Control: no-transform)
// switch off some proxies' buffering and compression, so a stream sending
// them would hide what the same proxy does to an app that does not; what
// they change is measured on variant scenarios and reported apart.

// proxyAppHeader is the scenario header override of the app's stream:
// Content-Type: text/event-stream, none of StreamHeader's SSE-friendly
// extras, then cfg.OriginHeader.
func proxyAppHeader(cfg suite.Config) map[string]string {
	h := map[string]string{}
	for k := range origin.StreamHeader() {
		h[k] = ""
	}
	h["Content-Type"] = "text/event-stream"
	for k, vs := range cfg.OriginHeader {
		h[http.CanonicalHeaderKey(k)] = strings.Join(vs, ", ")
	}
	return h
}

// proxyWith is the app's header override plus extra.
func proxyWith(cfg suite.Config, extra map[string]string) map[string]string {
	h := proxyAppHeader(cfg)
	maps.Copy(h, extra)
	return h
}

// proxyVariant is one SSE-friendly response header tried on its own.
type proxyVariant struct {
	header, value string
	fixes         string // what it switches off, for messages
}

var proxyVariants = []proxyVariant{
	{"X-Accel-Buffering", "no", "response buffering (nginx)"},
	{"Cache-Control", "no-cache, no-transform", "compression and other transformations"},
}

// proxyBrowserHeader is what a browser's EventSource sends, compression
// included, so a proxy that compresses the stream does it here too.
func proxyBrowserHeader() http.Header {
	h := suite.BrowserLikeHeader()
	h.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	return h
}

// events is the leg's parsed events, decompressed when the proxy
// compressed the stream (each event stamped with the arrival of the
// compressed bytes that made it decodable).
func (l *proxyLeg) events() []parser.Event { return l.parsed().Events }

// parsed is the leg's parse result, decompressed like events.
func (l *proxyLeg) parsed() *parser.Result {
	res, _ := proxyDecodedResult(l.rec(), l.limits)
	return res
}

// decodeLimits bound what decoding a compressed body may produce: the
// run's --max-line and --max-bytes (0: the defaults).
type decodeLimits struct {
	maxLine  int
	maxBytes int64
}

func limitsOf(cfg suite.Config) decodeLimits {
	return decodeLimits{maxLine: cfg.MaxLine, maxBytes: cfg.MaxBytes}
}

// proxyDecoded parses r's body, decoding its Content-Encoding.
func proxyDecoded(r *stream.Recording, lim decodeLimits) ([]parser.Event, error) {
	res, err := proxyDecodedResult(r, lim)
	return res.Events, err
}

func proxyDecodedResult(r *stream.Recording, lim decodeLimits) (*parser.Result, error) {
	coding := contentCodings(r.Header)
	if len(coding) == 0 {
		if r.Parse == nil {
			return &parser.Result{}, nil
		}
		return r.Parse, nil
	}
	if len(coding) > 1 {
		return &parser.Result{}, fmt.Errorf("Content-Encoding %q: more than one coding", r.Header.Get("Content-Encoding"))
	}
	return proxyDecode(r.Chunks, coding[0], lim)
}

// proxyDecode decompresses chunks incrementally and parses the output.
func proxyDecode(chunks []stream.Chunk, coding string, lim decodeLimits) (*parser.Result, error) {
	src := &proxyChunkReader{chunks: chunks}
	p := parser.New(parser.Options{MaxLine: max(lim.maxLine, parser.DefaultMaxLine)})
	var rd io.Reader
	var err error
	switch coding {
	case "gzip", "x-gzip":
		rd, err = gzip.NewReader(src)
	case "deflate":
		// RFC 9110's deflate is zlib-wrapped; some servers send raw deflate.
		rd = &proxyZlib{src: src}
	case "br":
		rd = brotli.NewReader(src)
	case "zstd":
		var z *zstd.Decoder
		if z, err = zstd.NewReader(src, zstd.WithDecoderConcurrency(1)); err == nil {
			defer z.Close()
			rd = z
		}
	default:
		return p.Result(), fmt.Errorf("Content-Encoding %q: the suite decodes gzip, deflate, br and zstd", coding)
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = nil
		}
		return p.Result(), err
	}
	// At most --max-bytes of output: a compressing proxy cannot make the
	// suite inflate without bound (a gzip bomb), as for SSE-HTTP-008.
	limit := lim.maxBytes
	if limit <= 0 {
		limit = stream.DefaultMaxBytes
	}
	rd = io.LimitReader(rd, limit)
	buf := make([]byte, 32<<10)
	for {
		m, rerr := rd.Read(buf)
		if m > 0 {
			if ferr := p.Feed(buf[:m], src.at); ferr != nil {
				return p.Result(), ferr
			}
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
				rerr = nil
			}
			return p.Result(), rerr
		}
	}
}

// proxyChunkReader replays recorded chunks and remembers when the last
// byte it handed out arrived.
type proxyChunkReader struct {
	chunks []stream.Chunk
	i, off int
	at     time.Duration
}

func (r *proxyChunkReader) Read(p []byte) (int, error) {
	for r.i < len(r.chunks) && r.off >= len(r.chunks[r.i].Data) {
		r.i, r.off = r.i+1, 0
	}
	if r.i >= len(r.chunks) {
		return 0, io.EOF
	}
	c := r.chunks[r.i]
	n := copy(p, c.Data[r.off:])
	r.off += n
	r.at = c.At
	return n, nil
}

// proxyZlib reads zlib-wrapped deflate, or raw deflate when the first
// two bytes are no zlib header.
type proxyZlib struct {
	src *proxyChunkReader
	rd  io.Reader
}

func (z *proxyZlib) Read(p []byte) (int, error) {
	if z.rd == nil {
		var head [2]byte
		if _, err := io.ReadFull(z.src, head[:]); err != nil {
			return 0, err
		}
		if (uint16(head[0])<<8|uint16(head[1]))%31 == 0 && head[0]&0x0f == 8 {
			z.rd = flate.NewReader(z.src) // zlib header consumed; the checksum at the end is left unread
		} else {
			z.rd = flate.NewReader(io.MultiReader(bytes.NewReader(head[:]), z.src))
		}
	}
	return z.rd.Read(p)
}

// proxyName names the proxy from its response headers (Server, Via), or
// says "the proxy".
func proxyName(h http.Header) string {
	for _, v := range append(h.Values("Via"), h.Values("Server")...) {
		lv := strings.ToLower(v)
		for _, known := range []string{"nginx", "varnish", "squid", "caddy", "apache", "haproxy", "envoy", "traefik", "cloudflare"} {
			if strings.Contains(lv, known) {
				return fmt.Sprintf("the proxy (%s)", strings.TrimSpace(v))
			}
		}
	}
	return "the proxy"
}

// proxyBufferingFix is the setting that stops the named proxy buffering a
// stream, or a pointer to the docs.
func proxyBufferingFix(h http.Header) string {
	name := strings.ToLower(proxyName(h))
	if c := h.Get("Content-Encoding"); c != "" {
		return fmt.Sprintf("it %s-compresses the stream: keep text/event-stream out of its compression (HAProxy: compression type; Caddy: encode; nginx: gzip_types; Apache: SetEnv no-gzip 1)", c)
	}
	switch {
	case strings.Contains(name, "nginx"):
		return "nginx: proxy_buffering off, or X-Accel-Buffering: no from the app"
	case strings.Contains(name, "varnish"):
		return "Varnish: set beresp.do_stream = true and beresp.do_gzip = false for text/event-stream"
	case strings.Contains(name, "caddy"):
		return "Caddy: flush_interval -1 and no encode on the route"
	case strings.Contains(name, "apache"):
		return "Apache: ProxyPass … flushpackets=on and SetEnv no-gzip 1"
	case strings.Contains(name, "squid"):
		return "Squid: cache deny for the stream's path"
	}
	return "HAProxy: option http-no-delay; nginx: proxy_buffering off; docs/proxies.md has each proxy's recipe"
}

// proxyEventsOf is r's events, decoded; a stream that does not decode
// yields what decoded before the error.
func proxyEventsOf(r *stream.Recording, lim decodeLimits) []parser.Event {
	evs, _ := proxyDecoded(r, lim)
	return evs
}

func proxyHasIDIn(evs []parser.Event, id string) bool {
	for _, ev := range evs {
		if ev.ID != nil && *ev.ID == id {
			return true
		}
	}
	return false
}
