package stream

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
)

// Request is what to ask the target for.
type Request struct {
	Method string // GET when empty
	URL    string
	Header http.Header
}

// Conn is a live recording: Start returns once the request is sent, Open
// once the response headers arrived; a goroutine keeps reading the body into
// the recording until it ends.
type Conn struct {
	mu      sync.Mutex
	cond    *sync.Cond
	rec     *Recording
	p       *parser.Parser
	cancel  context.CancelFunc
	done    chan struct{}
	headers chan struct{} // closed when the response headers arrived or the request failed
	openErr error         // why no response came; read after headers is closed
	opts    Options
	held    *atomic.Int64 // what this recording holds of the shared budget (budget.go)
	tap     *tapConn      // the request's connection, when it can be read as it arrives (tap.go)
	idle    *time.Timer   // ends the recording after IdleTimeout without a byte
}

// Open sends the request and waits for the response headers (bounded by
// HeaderTimeout), calling opts.Nudge while they are late. A non-nil Conn is
// returned even on error, so the error, the status and any redirects are
// part of the recording.
func Open(ctx context.Context, req Request, opts Options) (*Conn, error) {
	c, err := Start(ctx, req, opts)
	if err != nil {
		return c, err
	}
	return c, c.awaitHeaders(ctx)
}

// Start sends the request and returns once it is written, without waiting
// for the response: a server may hold its headers until its first event
// (Flask's generator Response, go-sse), and the caller may have to make
// that event happen first. Headers waits for them; HeaderTimeout still
// bounds them. The error is the request's when it could not be sent at all.
func Start(ctx context.Context, req Request, opts Options) (*Conn, error) {
	opts = opts.withDefaults()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &Conn{
		rec:     &Recording{URL: req.URL, Request: req.Header.Clone(), Start: time.Now()},
		p:       parser.New(parser.Options{MaxLine: opts.MaxLine, MaxLines: opts.MaxLines}),
		cancel:  cancel,
		done:    make(chan struct{}),
		headers: make(chan struct{}),
		opts:    opts,
	}
	c.cond = sync.NewCond(&c.mu)
	c.rec.Parse = c.p.Result()

	sent := make(chan struct{})
	var sentOnce sync.Once
	markSent := func() { sentOnce.Do(func() { close(sent) }) }
	trace := &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { markSent() },
		GotConn: func(info httptrace.GotConnInfo) {
			t, _ := info.Conn.(*tapConn) // the last one is the final hop's
			c.mu.Lock()
			c.tap = t
			c.mu.Unlock()
		},
	}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(rctx, trace), method, req.URL, nil)
	if err != nil {
		c.finish(EndError, err)
		c.openErr = err
		close(c.headers)
		return c, err
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			if strings.EqualFold(k, "Host") {
				hreq.Host = v
				continue
			}
			hreq.Header.Add(k, v)
		}
	}
	client := *opts.Client
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if err := FollowRedirect(r, via); err != nil {
			return err
		}
		c.mu.Lock()
		c.rec.Redirects = append(c.rec.Redirects, r.URL.String())
		c.mu.Unlock()
		return nil
	}
	// The caller's ctx bounds the whole recording.
	stop := context.AfterFunc(ctx, func() { c.finish(EndCanceled, ctx.Err()) })
	headerTimer := time.AfterFunc(opts.HeaderTimeout, cancel)
	go func() {
		defer markSent()
		resp, err := client.Do(hreq)
		headerTimer.Stop()
		if err != nil {
			stop()
			if rctx.Err() != nil && ctx.Err() == nil && !c.closed() {
				err = fmt.Errorf("%w within %v: %w", ErrNoHeaders, opts.HeaderTimeout, err)
			}
			c.finish(EndError, err)
			c.openErr = err
			close(c.headers)
			return
		}
		c.mu.Lock()
		c.rec.HeadersAt = time.Since(c.rec.Start)
		c.rec.Status = resp.StatusCode
		c.rec.Proto = resp.Proto
		c.rec.Header = resp.Header
		c.mu.Unlock()
		close(c.headers)
		if opts.Duration > 0 {
			t := time.AfterFunc(opts.Duration, func() { c.finish(EndDeadline, nil) })
			go func() { <-c.done; t.Stop() }()
		}
		defer stop()
		if c.opts.IdleTimeout > 0 {
			c.idle = time.AfterFunc(c.opts.IdleTimeout, func() {
				c.finish(EndIdle, fmt.Errorf("nothing received for %v", c.opts.IdleTimeout))
			})
			defer c.idle.Stop()
		}
		c.mu.Lock()
		t := c.tap
		c.mu.Unlock()
		tapped := t != nil && resp.ProtoMajor == 1 && t.claim(func(b []byte, at time.Time) { c.addAt(b, at) })
		c.read(resp.Body, tapped)
	}()
	<-sent
	select {
	case <-c.headers:
		return c, c.openErr // failed before the request was written, or answered at once
	default:
		return c, nil
	}
}

// Headers waits until the response headers arrived (or the request failed,
// or ctx is done) and returns the error that kept them from arriving.
func (c *Conn) Headers(ctx context.Context) error {
	select {
	case <-c.headers:
		return c.openErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// HeadersDone is closed once the response headers arrived or the request
// failed.
func (c *Conn) HeadersDone() <-chan struct{} { return c.headers }

// awaitHeaders is Headers plus the nudges: after opts.NudgeAfter without
// headers it calls opts.Nudge, and again every nudgeEvery until they come.
func (c *Conn) awaitHeaders(ctx context.Context) error {
	if c.opts.Nudge == nil {
		return c.Headers(context.WithoutCancel(ctx))
	}
	wait := c.opts.NudgeAfter
	for {
		t := time.NewTimer(wait)
		select {
		case <-c.headers:
			t.Stop()
			return c.openErr
		case <-t.C:
			c.opts.Nudge(ctx)
			wait = nudgeEvery
		}
	}
}

// nudgeEvery spaces repeated nudges: the first may reach the server before
// it subscribed the stream.
const nudgeEvery = 100 * time.Millisecond

func (c *Conn) closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rec.End != EndOpen
}

// read reads the body until it ends. When the connection is tapped, the
// tap has already recorded each byte as it arrived, and net/http's reads
// only drive the connection and tell how the body ends.
func (c *Conn) read(body io.ReadCloser, tapped bool) {
	defer body.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if tapped {
				if c.closed() {
					return
				}
			} else if c.add(buf[:n]) {
				return
			}
		}
		if err != nil {
			if err == io.EOF {
				c.finish(EndEOF, nil)
			} else {
				c.finish(EndError, err)
			}
			return
		}
	}
}

// add records one chunk arriving now; it reports true when a limit ended
// the recording.
func (c *Conn) add(b []byte) bool { return c.addAt(b, time.Now()) }

// addAt records one chunk that arrived at when.
func (c *Conn) addAt(b []byte, when time.Time) bool {
	if c.idle != nil {
		c.idle.Reset(c.opts.IdleTimeout)
	}
	at := when.Sub(c.rec.Start)
	c.mu.Lock()
	if c.rec.End != EndOpen {
		c.mu.Unlock()
		return true
	}
	room := c.opts.MaxBytes - c.rec.Bytes
	capped := int64(len(b)) > room
	if capped {
		b = b[:room]
	}
	if !c.reserve(b) {
		c.mu.Unlock()
		c.finish(EndCap, ErrBudget)
		return true
	}
	data := append([]byte(nil), b...)
	c.rec.Chunks = append(c.rec.Chunks, Chunk{At: at, Offset: c.rec.Bytes, Data: data})
	c.rec.Bytes += int64(len(data))
	perr := c.p.Feed(data, at)
	c.cond.Broadcast()
	c.mu.Unlock()
	switch {
	case perr != nil:
		c.finish(EndCap, perr)
		return true
	case capped:
		c.finish(EndCap, fmt.Errorf("body exceeded %d bytes", c.opts.MaxBytes))
		return true
	}
	return false
}

// finish ends the recording once; later calls are no-ops.
func (c *Conn) finish(reason EndReason, err error) {
	c.mu.Lock()
	if c.rec.End != EndOpen {
		c.mu.Unlock()
		return
	}
	c.rec.End = reason
	c.rec.EndAt = time.Since(c.rec.Start)
	c.rec.Err = err
	c.p.Finish(c.rec.EndAt)
	c.cond.Broadcast()
	close(c.done)
	c.mu.Unlock()
	c.cancel()
}

// Close stops the recording (the client disconnects) and returns it.
func (c *Conn) Close() *Recording {
	c.finish(EndCanceled, nil)
	<-c.headers // canceled: the request returns at once
	return c.rec
}

// Done is closed when the recording has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Wait blocks until the recording ends and returns it; if ctx is done
// first, the recording is closed then.
func (c *Conn) Wait(ctx context.Context) *Recording {
	select {
	case <-c.done:
	case <-ctx.Done():
		c.finish(EndCanceled, ctx.Err())
	}
	return c.rec
}

// Recording returns the recording; read it under View while the Conn is live.
func (c *Conn) Recording() *Recording { return c.rec }

// View runs f with the recording locked, for reads while it is still growing.
func (c *Conn) View(f func(*Recording)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(c.rec)
}

// WaitUntil blocks until cond holds on the locked recording, the recording
// ends, or ctx is done; it reports whether cond held.
func (c *Conn) WaitUntil(ctx context.Context, cond func(*Recording) bool) bool {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if cond(c.rec) {
			return true
		}
		if c.rec.End != EndOpen || ctx.Err() != nil {
			return false
		}
		c.cond.Wait()
	}
}

// Record opens the stream and records it until EOF, a limit, opts.Duration
// or ctx ends it.
func Record(ctx context.Context, req Request, opts Options) (*Recording, error) {
	c, err := Open(ctx, req, opts)
	if err != nil {
		return c.rec, err
	}
	return c.Wait(ctx), nil
}
