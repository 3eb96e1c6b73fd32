package origin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/refserver"
)

// Prefix starts every path the origin serves.
const Prefix = "/ssespec/"

// Options tune a Server.
type Options struct {
	Live refserver.Options // the live stream under /ssespec/stream/
	// LiveHeader overrides the live stream's response headers ("" deletes
	// one): proxy mode sends the app's real headers, not the reference
	// server's SSE-friendly ones, so a proxy is judged as the app meets it.
	LiveHeader map[string]string
}

// Server is the scripted origin. It is an http.Handler; Start also listens.
type Server struct {
	live       *refserver.Server
	liveHeader map[string]string
	closed     chan struct{}

	mu        sync.Mutex
	scenarios map[string]*Scenario // by nonce
	stray     []string             // request targets that matched no scenario
	closeOnce sync.Once

	// set by Start
	addr   string
	srv    *http.Server
	cancel context.CancelFunc
	served chan struct{}
}

// New returns an origin that is not listening (serve it yourself, or use
// Start).
func New(o Options) *Server {
	return &Server{
		live:       refserver.New(o.Live),
		liveHeader: o.LiveHeader,
		closed:     make(chan struct{}),
		scenarios:  map[string]*Scenario{},
	}
}

// Start listens on addr, which must be a loopback address ("127.0.0.1:0"
// picks a free port), and serves a new origin there. Like the reference server, it has no WriteTimeout,
// which would cut open-ended streams.
func Start(addr string, o Options) (*Server, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("origin: %w", err)
	}
	s := New(o)
	base, cancel := context.WithCancel(context.Background())
	s.addr, s.cancel, s.served = ln.Addr().String(), cancel, make(chan struct{})
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          quietLog,
	}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Addr is the address the origin listens on ("" when not started).
func (s *Server) Addr() string { return s.addr }

// URL is http://Addr.
func (s *Server) URL() string { return "http://" + s.addr }

// Live is the reference server behind /ssespec/stream/ (for its Stats).
func (s *Server) Live() *refserver.Server { return s.live }

// Close ends every response being served, stops listening and waits (at
// most five seconds) for the handlers to return.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.live.Close()
		if s.srv == nil {
			return
		}
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if s.srv.Shutdown(ctx) != nil {
			s.srv.Close()
		}
		<-s.served
	})
}

// Add registers sc under a fresh path and returns the scenario, which
// records the requests it gets.
func (s *Server) Add(sc Script) *Scenario {
	name := sc.Name
	if name == "" || strings.ContainsAny(name, "/?#% ") {
		panic(fmt.Sprintf("origin: scenario name %q must be one path segment", name))
	}
	nonce := newNonce()
	out := newScenario(sc, Prefix+name+"/"+nonce)
	s.mu.Lock()
	s.scenarios[nonce] = out
	s.mu.Unlock()
	return out
}

// Page registers a scenario that answers 200 text/html with body and
// returns its path: a page served by the origin (through the proxy).
func (s *Server) Page(body []byte) string {
	return s.Add(Script{
		Name:   "page",
		Header: map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": ""},
		Steps:  []Step{{Data: string(body)}},
		End:    true,
	}).Path
}

// LivePath is a fresh path of the live stream (the reference server's
// /events: ids, replay after Last-Event-ID, keepalives, published events).
func (s *Server) LivePath() string { return Prefix + "stream/" + newNonce() }

// DonePath is a fresh path that answers 204, the spec's "stop reconnecting".
func (s *Server) DonePath() string { return Prefix + "done/" + newNonce() }

// Publish sends ev to every live stream: the suite's publish hook in proxy
// mode (a suite.PublishFunc). publish.EndEvent ends the live streams
// instead (the live stream is a reference server).
func (s *Server) Publish(_ context.Context, ev publish.Event) error {
	_, err := s.live.Publish(refserver.Event{Event: ev.Event, Data: ev.Data, ID: ev.ID})
	return err
}

// Stray lists request targets that reached the origin but matched no
// scenario: a proxy that rewrites paths shows up here.
func (s *Server) Stray() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.stray...)
}

// ServeHTTP routes /…/ssespec/<name>/<nonce>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, nonce, ok := splitPath(r.URL.Path)
	switch {
	case ok && name == "stream":
		s.serveLive(w, r, "/events")
		return
	case ok && name == "done":
		s.serveLive(w, r, "/done")
		return
	}
	s.mu.Lock()
	sc := s.scenarios[nonce]
	if sc == nil || sc.Name != name {
		if len(s.stray) < 100 {
			s.stray = append(s.stray, r.Method+" "+r.RequestURI)
		}
		sc = nil
	}
	s.mu.Unlock()
	if sc == nil {
		http.Error(w, "ssespec origin: no scenario at "+r.URL.Path, http.StatusNotFound)
		return
	}
	sc.serve(w, r, s.closed)
}

func (s *Server) serveLive(w http.ResponseWriter, r *http.Request, path string) {
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = path, ""
	if len(s.liveHeader) > 0 {
		w = &headerOverride{ResponseWriter: w, over: s.liveHeader}
	}
	s.live.ServeHTTP(w, r2)
}

// headerOverride applies over to a successful response's headers just
// before they are written.
type headerOverride struct {
	http.ResponseWriter
	over  map[string]string
	wrote bool
}

func (h *headerOverride) WriteHeader(code int) {
	if !h.wrote {
		h.wrote = true
		if code == http.StatusOK {
			applyHeader(h.Header(), h.over)
		}
	}
	h.ResponseWriter.WriteHeader(code)
}

func (h *headerOverride) Write(b []byte) (int, error) {
	if !h.wrote {
		h.WriteHeader(http.StatusOK)
	}
	return h.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController flush through the wrapper.
func (h *headerOverride) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// applyHeader sets every header of over on h; "" deletes one.
func applyHeader(h http.Header, over map[string]string) {
	for k, v := range over {
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
	}
}

// splitPath finds <name>/<nonce> after the first /ssespec/ in path.
func splitPath(path string) (name, nonce string, ok bool) {
	i := strings.Index(path, Prefix)
	if i < 0 {
		return "", "", false
	}
	rest := path[i+len(Prefix):]
	name, nonce, ok = strings.Cut(rest, "/")
	nonce, _, _ = strings.Cut(nonce, "/")
	return name, nonce, ok && name != "" && nonce != ""
}

func newNonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// checkLoopback accepts only literal loopback IPs and "localhost": the
// origin is unauthenticated and must never be reachable from elsewhere.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("origin: bad listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return nil
	}
	return errors.New("origin: listen address " + addr + " is not loopback; use 127.0.0.1:PORT (reach a remote proxy through a tunnel, e.g. ssh -R)")
}

// quietLog drops net/http's per-connection noise (clients that hang up are
// the point of several scenarios).
var quietLog = log.New(io.Discard, "", 0)
