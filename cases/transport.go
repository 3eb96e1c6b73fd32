package cases

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// browserAcceptEncoding is what Chromium offers; a server may pick any.
const browserAcceptEncoding = "gzip, deflate, br, zstd"

var _ = suite.Area("HTTP", func() {
	// RFC 9110 §8.4: the content coding "indicates what additional content
	// codings have been applied"; a body that does not decode under it is
	// no body at all to the browser (Chromium: ERR_CONTENT_DECODING_FAILED,
	// and the EventSource gets nothing).
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-013", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Observe},
		Title:       "The body decodes under its Content-Encoding",
		Requirement: "Requested as a browser does (Accept-Encoding: gzip, deflate, br, zstd), the stream is identity-encoded or its body decodes under the Content-Encoding it declares; otherwise the browser's EventSource receives nothing.",
		Tolerates:   "any coding the request accepted, flushed or not (SSE-HTTP-008 judges the delay); a body cut off mid-stream by the end of the recording is not a decoding error.",
	}, checkDecodes)

	// "If the file ends in the middle of an event … the incomplete event is
	// not dispatched"; a network error makes EventSource reconnect. A stream
	// that breaks (reset, broken chunked framing, a body shorter than its
	// Content-Length) loses what was in flight, and one that ends with no
	// event at all makes every client reconnect in a loop.
	suite.Check(suite.Meta{
		ID: "SSE-FRAME-010", Level: suite.SHOULD, Source: "html", Modes: []suite.Mode{suite.Observe},
		Title:       "A stream that ends, ends cleanly",
		Requirement: "When the server ends a stream it ends the HTTP response cleanly (no reset, valid chunked framing, no body shorter than a declared Content-Length), and not before sending any event: a 200 stream that ends empty makes EventSource reconnect in a loop every retry interval.",
		Tolerates:   "streams that stay open (the normal case), and streams that end cleanly after their events (SSE-FRAME-005 judges whether the last event was terminated).",
	}, checkCleanEnd)
})

func checkCleanEnd(ctx context.Context) {
	rec := suite.SharedWindow(ctx)
	if rec.Status != http.StatusOK {
		suite.Skipf("the stream request answered %d, so there is no stream to judge (see SSE-HTTP-001)", rec.Status)
	}
	at := rec.EndAt.Round(time.Millisecond)
	switch rec.End {
	case stream.EndError:
		suite.Evidence(ctx, "ended_at_ms", rec.EndAt.Milliseconds())
		suite.Failf(ctx, "the stream stays open or ends with a clean end of the response",
			"the response broke after %d body byte(s), %v after the request: %s; browsers treat this as a network error, drop the event in progress and reconnect",
			rec.Bytes, at, transportError(rec.Err))
	case stream.EndEOF:
		evs := 0
		if rec.Parse != nil {
			evs = len(rec.Parse.Events)
		}
		if evs == 0 {
			retry := "about 3 s (the browser's default)"
			if rec.Parse != nil && rec.Parse.RetrySet {
				retry = fmt.Sprintf("%v (its retry: field)", rec.Parse.Retry)
			}
			suite.Evidence(ctx, "ended_at_ms", rec.EndAt.Milliseconds())
			suite.Failf(ctx, "a stream that delivers events, or a 204 answer when there is nothing to stream",
				"the server answered 200 and ended the stream %v later (%d body byte(s)) without a single event: EventSource reconnects in a loop, every %s. "+
					"A generator that returns (a StreamingResponse or FastHTML generator that finishes) does this; keep the stream open, or answer 204 to tell clients to stop",
				at, rec.Bytes, retry)
		}
		suite.Note(ctx, "the server ended the stream cleanly at %v after %d event(s)", at, evs)
	case stream.EndCap:
		suite.Undecided("the recording stopped at the harness's limit after %d bytes, before the stream ended: %v", rec.Bytes, rec.Err)
	default:
		suite.Note(ctx, "the stream stayed open for the whole %v window", suite.Current(ctx).Window)
	}
}

// transportError names the common causes in a user's terms.
func transportError(err error) string {
	if err == nil {
		return "an unknown transport error"
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connection reset"):
		return fmt.Sprintf("the connection was reset (%v)", err)
	case strings.Contains(msg, "chunk"):
		return fmt.Sprintf("the chunked transfer coding is invalid (%v)", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("the connection closed before the response's end: a chunked body without its last chunk, or a body shorter than its Content-Length (%v)", err)
	}
	return msg
}

func checkDecodes(ctx context.Context) {
	cfg := suite.Current(ctx)
	shared := suite.SharedHeaders(ctx)
	if shared.Status != http.StatusOK {
		suite.Skipf("the stream request answered %d, so there is no body to decode (see SSE-HTTP-001)", shared.Status)
	}
	// A short recording: a body that does not decode shows it in its first
	// bytes, and every check here runs one after another.
	hdr := http.Header{"Accept-Encoding": {browserAcceptEncoding}}
	conn, err := suite.OpenStream(ctx, hdr, stream.Options{Duration: min(cfg.Window, 3*time.Second)})
	if err != nil {
		suite.Undecided("could not open the stream with Accept-Encoding: %s: %v", browserAcceptEncoding, err)
	}
	coding := contentCodings(conn.Recording().Header)
	if len(coding) == 0 {
		conn.Close()
		suite.Note(ctx, "the stream is identity-encoded")
		return
	}
	if len(coding) > 1 {
		conn.Close()
		suite.Undecided("layered Content-Encoding %q: the suite decodes one coding", conn.Recording().Header.Get("Content-Encoding"))
	}
	wctx, cancel := context.WithTimeout(ctx, cfg.Window)
	conn.WaitUntil(wctx, func(r *stream.Recording) bool {
		d := transportDecode(r.Chunks, coding[0], limitsOf(cfg))
		return d.err != nil || d.events > 0 || d.out >= 1<<20
	})
	cancel()
	rec := conn.Close()
	suite.AttachRecording(ctx, "accept-encoding-browser", rec)
	if rec.Status != http.StatusOK {
		suite.Undecided("the request with Accept-Encoding: %s answered %d", browserAcceptEncoding, rec.Status)
	}
	suite.Evidence(ctx, "content_encoding", rec.Header.Get("Content-Encoding"))
	for _, c := range coding {
		if !strings.Contains(browserAcceptEncoding, c) && c != "x-gzip" {
			suite.Failf(ctx, "identity or a coding the request accepted ("+browserAcceptEncoding+")",
				"Content-Encoding: %s, which the request did not accept; the browser cannot decode it", c)
		}
	}
	d := transportDecode(rec.Chunks, coding[0], limitsOf(cfg))
	suite.Evidence(ctx, "decoded_bytes", d.out)
	if d.err != nil {
		suite.Failf(ctx, fmt.Sprintf("a body that decodes as %s", strings.Join(coding, ", ")),
			"decoding the %s body failed after %d compressed byte(s) (%d decoded): %v; Chromium answers such a response with ERR_CONTENT_DECODING_FAILED and the EventSource receives nothing",
			strings.Join(coding, ", "), rec.Bytes, d.out, d.err)
	}
	suite.Note(ctx, "the %s-encoded body decodes (%d bytes, %d event(s) in %v)", strings.Join(coding, ", "), d.out, d.events, rec.EndAt.Round(time.Millisecond))
}

type decoded struct {
	out    int64
	events int
	err    error // a real decoding error; running out of input is not one
}

// transportDecode decodes the recorded body with proxyDecode, the suite's
// incremental decoder for every coding a browser accepts. Running out of
// input (the recording ended mid-stream) or a parser limit is not a
// decoding error.
func transportDecode(chunks []stream.Chunk, coding string, lim decodeLimits) decoded {
	res, err := proxyDecode(chunks, coding, lim)
	if errors.Is(err, parser.ErrLineTooLong) || errors.Is(err, parser.ErrDataTooLong) || errors.Is(err, parser.ErrTooManyLines) ||
		err != nil && strings.Contains(err.Error(), "unexpected EOF") { // brotli's and zstd's own spelling
		err = nil
	}
	return decoded{out: res.Bytes, events: len(res.Events), err: err}
}
