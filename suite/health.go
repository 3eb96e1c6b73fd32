package suite

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// A target that dies or deadlocks mid-run (a library that hangs after a
// publish) would otherwise show up as dozens of unrelated errors. After a
// check ends in error the suite asks whether the target still answers; once
// it does not, every later check says so in one sentence instead of
// failing in its own way.
type runHealth struct {
	down stateString // why the target is considered down; "" while it answers
	// servedConcurrently is set once a check's own stream got its headers
	// while another of the suite's streams was open: the target serves
	// streams side by side. unansweredWhileBusy counts streams that got no
	// headers while another was open; openStreams counts the checks' open
	// streams.
	servedConcurrently  atomic.Bool
	unansweredWhileBusy atomic.Int32
	openStreams         atomic.Int32
}

// targetDown is the sentence saying that (and since when) the target
// stopped answering, or "".
func (r *Run) targetDown() string { return r.health.down.get() }

// healthProbeTimeout bounds the question "does it still answer".
const healthProbeTimeout = 3 * time.Second

// afterCheck asks, after a check ended in error, whether the target still
// answers; when it does not, later checks say so (see precheck).
func (r *Run) afterCheck(id string, o Outcome) {
	if o.Verdict != VerdictError || r.targetDown() != "" || r.cfg.Offline() { // a capture has no target to ask
		return
	}
	if why := r.probeHealth(); why != "" {
		r.health.down.setOnce(fmt.Sprintf("the target stopped answering after %s, at %s: %s", id, time.Now().Format("15:04:05"), why))
	}
}

// probeHealth says why the target no longer answers, or "". Connection
// refused is certain; a target that accepts but sends no response headers
// within healthProbeTimeout counts only when it answered promptly before
// (its shared stream had headers within a second), so a server that holds
// its headers until its first event is not called dead.
func (r *Run) probeHealth() string {
	cfg := r.cfg
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return ""
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	}
	probe := cfg.Scale(healthProbeTimeout)
	conn, err := net.DialTimeout("tcp", host, probe)
	if err != nil {
		return fmt.Sprintf("a new connection fails (%v)", err)
	}
	conn.Close()
	if !r.sharedAnsweredPromptly() {
		return ""
	}
	// A loaded machine can be slow once: ask twice before calling it dead.
	for _, wait := range []time.Duration{probe, 2 * probe} {
		if err = askForHeaders(cfg, wait); err == nil {
			return ""
		}
	}
	if r.sharedStillOpen() && !r.health.servedConcurrently.Load() {
		return "it serves one connection at a time: while the suite's first stream is open no other request gets a response " +
			"(a single-threaded server, such as a development server run without threads or with one worker); " +
			"an SSE endpoint holds a connection per client, so serve it with threads, an async server or more workers"
	}
	return fmt.Sprintf("it accepts connections but sent no response headers within %v and then %v (%v): deadlocked or overloaded; look at its logs", probe, 2*probe, bareError(err))
}

// askForHeaders requests the stream and waits up to wait for its headers.
func askForHeaders(cfg Config, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL, nil)
	if err != nil {
		return nil
	}
	req.Header = cfg.RequestHeader(BrowserLikeHeader())
	resp, err := client(cfg.Insecure).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// noteOpened records how a check's stream request went; the returned func
// marks it closed.
func (r *Run) noteOpened(err error) func() {
	h := &r.health
	busy := h.openStreams.Load() > 0 || r.sharedStillOpen()
	switch {
	case err == nil && busy:
		h.servedConcurrently.Store(true)
	case errors.Is(err, stream.ErrNoHeaders) && busy:
		h.unansweredWhileBusy.Add(1)
	}
	if err != nil {
		return func() {}
	}
	h.openStreams.Add(1)
	var once sync.Once
	return func() { once.Do(func() { h.openStreams.Add(-1) }) }
}

// serialHint says, when the run suggests it, that the target serves one
// connection at a time; "" otherwise.
func (r *Run) serialHint() string {
	// Only for a target that answered the shared stream promptly: one that
	// holds its headers until its first event leaves streams unanswered too.
	if n := r.health.unansweredWhileBusy.Load(); n >= 2 && !r.health.servedConcurrently.Load() && r.sharedAnsweredPromptly() {
		return fmt.Sprintf("%d of the suite's streams got no response while another stream to the target was open, and none was ever answered alongside another: "+
			"the target seems to serve one connection at a time (a single-threaded server, such as a development server without threads or one worker). "+
			"An SSE endpoint holds a connection per client: serve it with threads, an async server or more workers; checks that need two streams at once could not be judged", n)
	}
	return ""
}

// sharedStillOpen reports whether the shared stream is being served.
func (r *Run) sharedStillOpen() bool {
	sh := &r.shared
	sh.Lock()
	defer sh.Unlock()
	if sh.conn == nil || sh.err != nil {
		return false
	}
	open := false
	sh.conn.View(func(r *stream.Recording) { open = r.End == stream.EndOpen })
	return open
}

// sharedAnsweredPromptly reports whether the shared stream got its headers
// within a second of its request.
func (r *Run) sharedAnsweredPromptly() bool {
	sh := &r.shared
	sh.Lock()
	defer sh.Unlock()
	if sh.conn == nil || sh.err != nil {
		return false
	}
	h := sh.conn.Recording().HeadersAt
	return h > 0 && h < time.Second
}

// bareError drops the URL (which may carry credentials) from a client error.
func bareError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
