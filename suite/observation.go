package suite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
)

// BrowserLikeHeader is what a browser's EventSource sends.
func BrowserLikeHeader() http.Header {
	return http.Header{"Accept": {"text/event-stream"}, "Cache-Control": {"no-cache"}}
}

// StreamOptions are the run's bounds for one recording. Once the shared
// stream got no response headers at all, later streams wait noHeadersRetry
// for theirs, so a silent target costs seconds, not minutes.
func (c Config) StreamOptions() stream.Options {
	o := stream.Options{Client: client(c.Insecure), MaxLine: c.MaxLine, MaxBytes: c.MaxBytes,
		HeaderTimeout: c.Scale(stream.DefaultHeaderTimeout)}
	if c.run != nil {
		o.Budget = c.run.budget
		if c.run.sharedGotNoHeaders() {
			o.HeaderTimeout = c.Scale(noHeadersRetry)
		}
	}
	return c.withNudge(o)
}

var clients sync.Map // insecure bool → *http.Client

func client(insecure bool) *http.Client {
	if c, ok := clients.Load(insecure); ok {
		return c.(*http.Client)
	}
	c, _ := clients.LoadOrStore(insecure, stream.NewClient(insecure))
	return c.(*http.Client)
}

// OpenStream opens a stream to the target from inside a check; the check's
// cleanup closes it. hdr adds to (and overrides) the browser-like headers.
// In publish mode a target that holds its headers gets an event published
// (see withNudge). When the shared stream got no headers at all, the check
// is skipped: SSE-HTTP-001 and SSE-HTTP-010 already say why. It opens once
// the sample is out (see WaitSample).
func OpenStream(ctx context.Context, hdr http.Header, opts stream.Options) (*stream.Conn, error) {
	r := runOf(ctx)
	cfg := r.cfg
	if r.sharedGotNoHeaders() {
		Skipf("%s", NoHeadersSkip)
	}
	// The sample's events are for the shared window; on the check's own
	// stream they would be taken for the check's (a stream's "first" event).
	WaitSample(ctx)
	base := cfg.StreamOptions()
	if opts.Duration != 0 {
		base.Duration = opts.Duration
	}
	if opts.IdleTimeout != 0 {
		base.IdleTimeout = opts.IdleTimeout
	}
	if opts.HeaderTimeout != 0 {
		base.HeaderTimeout = opts.HeaderTimeout
	}
	if retry := cfg.Scale(noHeadersRetry); r.sharedGotNoHeaders() && base.HeaderTimeout > retry {
		base.HeaderTimeout = retry // see StreamOptions
	}
	h := BrowserLikeHeader()
	for k, v := range hdr {
		h[k] = v
	}
	c, err := StreamOpen(ctx, stream.Request{URL: cfg.URL, Header: cfg.RequestHeader(h)}, base)
	closed := r.noteOpened(err)
	go func() { <-c.Done(); closed() }()
	Cleanup(ctx, func() { c.Close() })
	if errors.Is(err, stream.ErrNoHeaders) && r.sharedGotNoHeaders() {
		Skipf("%s", NoHeadersSkip) // the shared stream gave up meanwhile: same cause, said once
	}
	return c, err
}

// NoHeadersSkip is why checks that judge the target's response skip when
// the shared stream got none: SSE-HTTP-001 and SSE-HTTP-010 say it once.
const NoHeadersSkip = "the target sent no response headers to the shared stream, so there is nothing to judge (SSE-HTTP-001 and SSE-HTTP-010 say why)"

// NoHeadersWhy explains a shared stream that got no response headers (err
// wraps stream.ErrNoHeaders): what it means and what to do.
func NoHeadersWhy(ctx context.Context, err error) string {
	msg := fmt.Sprintf("no response headers and no body byte arrived (%v). A server that sends its headers only with its first event (Flask's generator Response, go-sse) does this while it has no event to send", err)
	if Current(ctx).CanPublish() {
		return msg + "; here not even the events the suite published brought them"
	}
	return msg + "; with a publish hook (--publish-url or --publish-cmd) the suite makes it emit events and judges it"
}

// noHeadersRetry is the header timeout of streams opened after the shared
// stream got no headers at all.
const noHeadersRetry = 2 * time.Second

// sharedGotNoHeaders reports whether the shared stream has already failed
// for want of response headers (without waiting for it).
func (r *Run) sharedGotNoHeaders() bool {
	sh := &r.shared
	sh.Lock()
	defer sh.Unlock()
	if sh.ready == nil {
		return false
	}
	select {
	case <-sh.ready:
		return errors.Is(sh.err, stream.ErrNoHeaders)
	default:
		return false
	}
}

// The shared observation is one stream recorded for the whole window, opened
// before the first check runs, so every HTTP/FRAME/KEEP check judges the
// same recording and the run takes one window, not the sum of them.
type sharedObservation struct {
	sync.Mutex
	conn    *stream.Conn
	err     error
	ready   chan struct{}
	cancel  context.CancelFunc // ends the sample
	sampled chan struct{}      // closed when the sample is done; nil without one
}

// startObservation opens the shared stream in the background; in publish
// mode the suite publishes its sample into the window (see sample).
func (r *Run) startObservation() {
	cfg := r.cfg
	sh := &r.shared
	ready := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	sh.Lock()
	sh.ready, sh.cancel, sh.sampled = ready, cancel, nil
	sh.Unlock()
	if cfg.Capture != nil {
		r.startReplay(ready)
		return
	}
	go func() {
		opts := cfg.StreamOptions()
		opts.Duration = cfg.Window
		c, err := stream.Start(context.Background(), stream.Request{URL: cfg.URL, Header: cfg.RequestHeader(BrowserLikeHeader())}, opts)
		var sampled chan struct{}
		if p := cfg.Publisher(); p != nil && err == nil {
			sampled = make(chan struct{})
			go func() {
				defer close(sampled)
				cfg.publishSample(ctx, c, p) // it is the nudge of this stream
			}()
		}
		if err == nil {
			err = c.Headers(ctx)
		}
		if err == nil {
			r.noteHeld(c)
		}
		sh.Lock()
		sh.conn, sh.err, sh.sampled = c, err, sampled
		sh.Unlock()
		close(ready)
	}()
}

// stopObservation ends the shared stream and its sample (at the end of the
// run).
func (r *Run) stopObservation() {
	sh := &r.shared
	sh.Lock()
	ready, cancel := sh.ready, sh.cancel
	sh.Unlock()
	if ready == nil {
		return
	}
	cancel()
	<-ready
	if sh.sampled != nil {
		<-sh.sampled
	}
	sh.conn.Close()
}

// SharedHeaders waits for the shared stream's response and returns its
// recording (still growing: read body fields only via SharedWindow). A
// transport error makes the check's verdict error.
func SharedHeaders(ctx context.Context) *stream.Recording {
	conn, err := ObservationConn(ctx)
	switch {
	case errors.Is(err, ErrNoObservation):
		Undecided("internal: the shared observation was not started")
	case errors.Is(err, stream.ErrNoHeaders): // first: it wraps a context error too
		Skipf("%s", NoHeadersSkip)
	case err != nil && errors.Is(err, ctx.Err()):
		Undecided("no response headers from %s before the check's deadline", Current(ctx).URL)
	case err != nil:
		Undecided("could not open the stream: %v", err)
	}
	rec := conn.Recording()
	AttachRecording(ctx, "observation", rec)
	return rec
}

// SharedWindow waits until the shared observation window has ended and
// returns the complete recording.
func SharedWindow(ctx context.Context) *stream.Recording {
	SharedHeaders(ctx)
	return runOf(ctx).shared.conn.Wait(ctx)
}

// SharedConn is the live shared observation stream, for checks that watch
// it while it grows (read it with View or WaitUntil). Never close it: other
// checks judge its whole window.
func SharedConn(ctx context.Context) *stream.Conn {
	SharedHeaders(ctx)
	return runOf(ctx).shared.conn
}

// ObservationConn waits for the shared observation's response and returns
// the live stream (read it with View or WaitUntil; never close it), or the
// error that kept it from opening. Like WaitObservation it gives no verdict
// and is safe from any goroutine.
func ObservationConn(ctx context.Context) (*stream.Conn, error) {
	sh := &runOf(ctx).shared
	sh.Lock()
	ready := sh.ready
	sh.Unlock()
	if ready == nil {
		return nil, ErrNoObservation
	}
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sh.Lock()
	defer sh.Unlock()
	return sh.conn, sh.err // the error of stream.Open, if any
}

// ErrNoObservation means the shared observation was not started.
var ErrNoObservation = errors.New("no shared observation")

// WaitObservation waits for the shared observation window to end and
// returns the complete recording. Unlike SharedWindow it gives no verdict,
// attaches nothing and is safe to call from any goroutine (e.g. work the
// browser checks share).
func WaitObservation(ctx context.Context) (*stream.Recording, error) {
	conn, err := ObservationConn(ctx)
	if err != nil {
		return nil, err
	}
	// Not conn.Wait, which would end the observation when ctx ends first.
	select {
	case <-conn.Done():
		return conn.Recording(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// LimitRemedy says what the user can do about the harness limit that ended
// a recording (err is the recording's Err): only flags that exist.
func LimitRemedy(err error) string {
	switch {
	case errors.Is(err, parser.ErrLineTooLong):
		return "raise --max-line"
	case errors.Is(err, stream.ErrBudget):
		return "shorten --window, or select fewer checks at once with --label-filter (the suite keeps at most 128 MiB of all streams' bodies)"
	case errors.Is(err, parser.ErrDataTooLong), errors.Is(err, parser.ErrTooManyLines):
		return "shorten --window (the parser's own limits have no flag)"
	}
	return "raise --max-bytes or shorten --window"
}
