package cases

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// connectionSpecific are the fields RFC 9113 §8.2.2 forbids in HTTP/2.
var connectionSpecific = []string{"Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection"}

var _ = suite.Area("HTTP", func() {
	// RFC 9113 §8.2.2: "An endpoint MUST NOT generate an HTTP/2 message
	// containing connection-specific header fields"; a message containing
	// one "MUST be treated as malformed". SSE servers copying their HTTP/1.1
	// Connection: keep-alive break here (real-world faults, item 7: nestjs
	// #17588 ERR_HTTP2_PROTOCOL_ERROR, hologram #1262 Safari drops the stream).
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-011", Level: suite.MUST, Source: "bug", Modes: []suite.Mode{suite.Observe},
		Title: "No connection-specific header fields over HTTP/2",
		Requirement: "Over HTTP/2 the response carries no Connection, Keep-Alive, Transfer-Encoding, Upgrade or Proxy-Connection; " +
			"browsers treat such a response as malformed (Chrome: ERR_HTTP2_PROTOCOL_ERROR, Safari drops the stream).",
	}, func(ctx context.Context) {
		cfg := suite.Current(ctx)
		if u, err := url.Parse(cfg.URL); err == nil && u.Scheme == "http" {
			suite.Skipf("the target is http://: HTTP/2 is only negotiated over TLS (ALPN h2) here, so there is no HTTP/2 response to judge; " +
				"point --url at the https:// endpoint (with --insecure for a self-signed certificate)")
		}
		// Go's HTTP/2 client keeps these fields in the response header (it
		// neither drops nor rejects them), so the stream client sees them.
		conn, err := suite.OpenStream(ctx, nil, stream.Options{})
		rec := conn.Close()
		suite.AttachRecording(ctx, "http2", rec)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "PROTOCOL_ERROR") || strings.Contains(msg, "malformed") {
				suite.Failf(ctx, "an HTTP/2 response without connection-specific header fields",
					"the HTTP/2 client rejected the response as malformed: %v", err)
			}
			suite.Undecided("could not open the stream: %v", err)
		}
		suite.Evidence(ctx, "proto", rec.Proto)
		if rec.Proto != "HTTP/2.0" {
			suite.Skipf("the TLS server did not negotiate h2 (ALPN): the response came over %s, so there is no HTTP/2 response to judge", rec.Proto)
		}
		var found []string
		for _, name := range connectionSpecific {
			if vs, ok := rec.Header[name]; ok {
				found = append(found, fmt.Sprintf("%s: %s", name, strings.Join(vs, ", ")))
			}
		}
		suite.Require(ctx, len(found) == 0, "no Connection, Keep-Alive, Transfer-Encoding, Upgrade or Proxy-Connection over HTTP/2",
			"the HTTP/2 response carries %s", strings.Join(found, "; "))
	})
})
