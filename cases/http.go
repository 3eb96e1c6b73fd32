package cases

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

var _ = suite.Area("HTTP", func() {
	// "if res's status is not 200, or if res's `Content-Type` is not
	// `text/event-stream`, then fail the connection."
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-001", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Observe}, Offline: suite.OfflineHead,
		Title:       "A stream request answers 200",
		Requirement: "The stream request's final response (after redirects) has status 200; any other status fails the EventSource connection.",
	}, func(ctx context.Context) {
		// The one check that reports a target that never answered: the
		// others skip, pointing here and at SSE-HTTP-010.
		if _, err := suite.ObservationConn(ctx); errors.Is(err, stream.ErrNoHeaders) {
			suite.Undecided("%s", suite.NoHeadersWhy(ctx, err))
		}
		rec := suite.SharedHeaders(ctx)
		suite.Evidence(ctx, "redirects", rec.Redirects)
		suite.Require(ctx, rec.Status == http.StatusOK, "status 200", "status %d", rec.Status)
	})

	// "if res's `Content-Type` is not `text/event-stream`, then fail the connection."
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-002", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Observe}, Offline: suite.OfflineHead,
		Title:       "Content-Type is text/event-stream",
		Requirement: "The response's Content-Type media type is text/event-stream; browsers fail the connection otherwise.",
	}, func(ctx context.Context) {
		ct := suite.SharedHeaders(ctx).Header.Get("Content-Type")
		mt, _, err := mime.ParseMediaType(ct)
		suite.Require(ctx, err == nil && mt == "text/event-stream", "Content-Type: text/event-stream", "Content-Type: %q", ct)
	})

	// Registration: "charset ... value must be "utf-8"", which "serves no
	// purpose; only allowed for compatibility with legacy servers".
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-003", Level: suite.SHOULD, Source: "reg", Modes: []suite.Mode{suite.Observe}, Offline: suite.OfflineHead,
		Title:       "No Content-Type parameter other than charset=utf-8",
		Requirement: "The only parameter text/event-stream allows is charset, and its value must be utf-8; any parameter trips strict clients.",
	}, func(ctx context.Context) {
		ct := suite.SharedHeaders(ctx).Header.Get("Content-Type")
		_, params, err := mime.ParseMediaType(ct)
		if err != nil {
			suite.Failf(ctx, "a parseable Content-Type", "Content-Type %q: %v", ct, err)
		}
		for k, v := range params {
			suite.Require(ctx, k == "charset" && strings.EqualFold(v, "utf-8"),
				"no parameter, or charset=utf-8", "Content-Type %q has %s=%s", ct, k, v)
		}
		if len(params) > 0 {
			suite.Note(ctx, "charset=utf-8 is allowed but serves no purpose; strict clients (Azure/fetch-event-source #1) reject any parameter")
		}
	})

	// Registration: "only expected to be used by dynamic open-ended streams";
	// a Content-Length makes intermediaries and clients treat it as finite.
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-004", Level: suite.MUST, Source: "reg", Modes: []suite.Mode{suite.Observe}, Offline: suite.OfflineHead,
		Title:       "No Content-Length on the open-ended stream",
		Requirement: "text/event-stream is for dynamic open-ended streams; the response carries no Content-Length.",
	}, func(ctx context.Context) {
		rec := suite.SharedHeaders(ctx)
		cl := rec.Header.Get("Content-Length")
		suite.Require(ctx, cl == "", "no Content-Length header", "Content-Length: %s", cl)
	})

	suite.Check(suite.Meta{
		ID: "SSE-HTTP-005", Level: suite.SHOULD, Source: "html", Modes: []suite.Mode{suite.Observe}, Offline: suite.OfflineHead,
		Title:       "Cache-Control has no-cache or no-store",
		Requirement: "The stream must not be cached by intermediaries: Cache-Control carries no-cache or no-store.",
	}, func(ctx context.Context) {
		cc := suite.SharedHeaders(ctx).Header.Values("Cache-Control")
		suite.Require(ctx, hasDirective(cc, "no-cache") || hasDirective(cc, "no-store"),
			"Cache-Control: no-cache (or no-store)", "Cache-Control: %q", strings.Join(cc, ", "))
	})

	suite.Check(suite.Meta{
		ID: "SSE-HTTP-006", Level: suite.BP, Source: "bug", Modes: []suite.Mode{suite.Observe}, Offline: suite.OfflineHead,
		Title:       "Cache-Control has no-transform; no ETag or Last-Modified",
		Requirement: "no-transform keeps proxies from compressing or rewriting the stream; validators invite caching of an open-ended stream.",
	}, func(ctx context.Context) {
		h := suite.SharedHeaders(ctx).Header
		suite.Require(ctx, hasDirective(h.Values("Cache-Control"), "no-transform"),
			"Cache-Control includes no-transform", "Cache-Control: %q", strings.Join(h.Values("Cache-Control"), ", "))
		suite.Require(ctx, h.Get("ETag") == "" && h.Get("Last-Modified") == "",
			"no ETag and no Last-Modified", "ETag: %q, Last-Modified: %q", h.Get("ETag"), h.Get("Last-Modified"))
	})

	suite.Check(suite.Meta{
		ID: "SSE-HTTP-007", Level: suite.BP, Source: "bug", Modes: []suite.Mode{suite.Observe}, Offline: suite.OfflineHead,
		Title:       "X-Accel-Buffering: no",
		Requirement: "X-Accel-Buffering: no turns off nginx's proxy buffering for this response, the most common reason a proxied stream stalls.",
	}, func(ctx context.Context) {
		v := suite.SharedHeaders(ctx).Header.Get("X-Accel-Buffering")
		suite.Require(ctx, strings.EqualFold(v, "no"), "X-Accel-Buffering: no", "X-Accel-Buffering: %q", v)
	})

	// "User agents may set (`Accept`, `text/event-stream`)": may, not must.
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-009", Level: suite.BP, Source: "html", Modes: []suite.Mode{suite.Observe},
		Title:       "Serves the stream without an Accept header",
		Requirement: "User agents only may send Accept: text/event-stream; a server that requires it breaks other clients.",
	}, func(ctx context.Context) {
		conn, err := suite.OpenStream(ctx, http.Header{"Accept": nil}, stream.Options{})
		if err != nil {
			suite.Undecided("request without Accept: %v", err)
		}
		rec := conn.Close()
		suite.AttachRecording(ctx, "no-accept", rec)
		mt, _, _ := mime.ParseMediaType(rec.Header.Get("Content-Type"))
		suite.Require(ctx, rec.Status == http.StatusOK && mt == "text/event-stream",
			"200 text/event-stream without an Accept header", "status %d, Content-Type %q", rec.Status, rec.Header.Get("Content-Type"))
	})

	// Proxies and clients time out a request whose headers never come; the
	// headers must not wait for the first event (caddy #6293, go-sdk #937).
	// In publish mode a stream whose headers are late gets an event
	// published: headers that come only then were held for the first event.
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-010", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Observe},
		Title:       "Response headers arrive within 1 s",
		Requirement: "Response headers are sent at once, even when no event is pending, not held until the first event.",
		Tolerates:   "nothing else: it is the one check that reports headers held until the first event (Flask generators, @fastify/sse, go-sse do it); every other check opens its streams, publishes and waits for events without first requiring the headers.",
	}, checkHeadersPrompt)
})

// hasDirective reports whether a Cache-Control header lists directive d.
func hasDirective(values []string, d string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if strings.EqualFold(name, d) {
				return true
			}
		}
	}
	return false
}

// httpHeadersBudget is SSE-HTTP-010's budget; twice it is waited before an
// event is published to tell held headers from slow ones.
const httpHeadersBudget = time.Second

func checkHeadersPrompt(ctx context.Context) {
	const budget = httpHeadersBudget
	cfg := suite.Current(ctx)
	suite.WaitSample(ctx) // a sample event would bring held headers early
	opts := cfg.StreamOptions()
	opts.Nudge = nil // this check publishes itself, and only after the wait
	opts.HeaderTimeout = 2*budget + eventWait(ctx)
	h := cfg.RequestHeader(suite.BrowserLikeHeader())
	conn, err := suite.StreamStart(ctx, stream.Request{URL: cfg.URL, Header: h}, opts)
	suite.Cleanup(ctx, func() { conn.Close() })
	if err != nil {
		suite.Undecided("could not send the stream request: %v", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 2*budget)
	err = conn.Headers(wctx)
	cancel()
	if err == nil {
		rec := conn.Close()
		suite.Evidence(ctx, "headers_ms", rec.HeadersAt.Milliseconds())
		suite.Require(ctx, rec.HeadersAt <= budget, "headers within 1s", "headers after %v", rec.HeadersAt.Round(time.Millisecond))
		return
	}
	if !errors.Is(err, wctx.Err()) {
		suite.Undecided("could not open the stream: %v", err)
	}
	const effects = "until they arrive the browser's EventSource stays CONNECTING (onopen fires only with the first event), and a proxy or client with a response-header timeout may give up on the request before it"
	p := cfg.Publisher()
	if p == nil {
		suite.Failf(ctx, "headers within 1s, before any event",
			"no response headers within %v of the request while no event was pending. A server that holds its headers until its first event does this: %s. (With a publish hook the suite tells held headers from none.)",
			2*budget, effects)
	}
	// Publish (again every 100 ms: the first may precede the subscription)
	// until the headers come or the request fails.
	published := time.Now()
	for {
		nonce := suite.Nonce()
		suite.PublishEvent(ctx, p, publish.Event{Event: suite.NudgeEvent, Data: "ssespec headers probe " + nonce}, nonce)
		wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		select {
		case <-conn.HeadersDone():
		case <-wctx.Done():
		}
		cancel()
		if isClosed(conn.HeadersDone()) || time.Since(published) > eventWait(ctx) {
			break
		}
	}
	rec := conn.Close()
	suite.AttachRecording(ctx, "SSE-HTTP-010", rec)
	if rec.Status == 0 {
		suite.Failf(ctx, "headers within 1s, before any event",
			"no response headers within %v of the request, nor within %v of the suite publishing an event: %s",
			2*budget, eventWait(ctx), effects)
	}
	withEvent := "together with the first body bytes"
	if len(rec.Chunks) == 0 || rec.Chunks[0].At-rec.HeadersAt > 50*time.Millisecond {
		withEvent = "right after it"
	}
	suite.Evidence(ctx, "headers_ms", rec.HeadersAt.Milliseconds())
	suite.Evidence(ctx, "published_ms", rec.Since(published).Milliseconds())
	suite.Failf(ctx, "headers within 1s, before any event",
		"the response headers arrive only with the first event: none in the %v before the suite published one, then they came %v after that publish, %s; %s",
		2*budget, (rec.HeadersAt - rec.Since(published)).Round(time.Millisecond), withEvent, effects)
}

// isClosed reports whether ch is closed, without waiting.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
