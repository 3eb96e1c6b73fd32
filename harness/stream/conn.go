package stream

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

// Conn is a live recording: Open returns once the response headers arrived,
// a goroutine keeps reading the body into the recording until it ends.
type Conn struct {
	mu     sync.Mutex
	cond   *sync.Cond
	rec    *Recording
	p      *parser.Parser
	cancel context.CancelFunc
	done   chan struct{}
	opts   Options
	held   *atomic.Int64 // what this recording holds of the shared budget (budget.go)
}

// Open sends the request and waits for the response headers (bounded by
// HeaderTimeout). A non-nil Conn is returned even on error, so the error,
// the status and any redirects are part of the recording.
func Open(ctx context.Context, req Request, opts Options) (*Conn, error) {
	opts = opts.withDefaults()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &Conn{
		rec:    &Recording{URL: req.URL, Request: req.Header.Clone(), Start: time.Now()},
		p:      parser.New(parser.Options{MaxLine: opts.MaxLine, MaxLines: opts.MaxLines}),
		cancel: cancel,
		done:   make(chan struct{}),
		opts:   opts,
	}
	c.cond = sync.NewCond(&c.mu)
	c.rec.Parse = c.p.Result()
	// The caller's ctx bounds the whole recording.
	stop := context.AfterFunc(ctx, func() { c.finish(EndCanceled, ctx.Err()) })

	hreq, err := http.NewRequestWithContext(rctx, method, req.URL, nil)
	if err != nil {
		stop()
		c.finish(EndError, err)
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
	headerTimer := time.AfterFunc(opts.HeaderTimeout, cancel)
	resp, err := client.Do(hreq)
	headerTimer.Stop()
	if err != nil {
		stop()
		if rctx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("%w within %v: %w", ErrNoHeaders, opts.HeaderTimeout, err)
		}
		c.finish(EndError, err)
		return c, err
	}
	c.mu.Lock()
	c.rec.HeadersAt = time.Since(c.rec.Start)
	c.rec.Status = resp.StatusCode
	c.rec.Proto = resp.Proto
	c.rec.Header = resp.Header
	c.mu.Unlock()
	go func() {
		defer stop()
		c.read(resp.Body)
	}()
	if opts.Duration > 0 {
		t := time.AfterFunc(opts.Duration, func() { c.finish(EndDeadline, nil) })
		go func() { <-c.done; t.Stop() }()
	}
	return c, nil
}

func (c *Conn) read(body io.ReadCloser) {
	defer body.Close()
	buf := make([]byte, 64<<10)
	var idle *time.Timer
	if c.opts.IdleTimeout > 0 {
		idle = time.AfterFunc(c.opts.IdleTimeout, func() {
			c.finish(EndIdle, fmt.Errorf("nothing received for %v", c.opts.IdleTimeout))
		})
		defer idle.Stop()
	}
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if idle != nil {
				idle.Reset(c.opts.IdleTimeout)
			}
			if c.add(buf[:n]) {
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

// add records one chunk; it reports true when a limit ended the recording.
func (c *Conn) add(b []byte) bool {
	at := time.Since(c.rec.Start)
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
