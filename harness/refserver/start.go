package refserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is a Server listening on a loopback address.
type Running struct {
	URL string // http://127.0.0.1:port

	srv    *http.Server
	cancel context.CancelFunc
	served chan struct{}
	once   sync.Once
	err    error
}

// Start listens on addr, which must be a loopback address ("127.0.0.1:0"
// picks a free port), and serves s. The http.Server has no WriteTimeout,
// which would silently cut open-ended streams, but bounds header reads.
func Start(addr string, s *Server) (*Running, error) {
	if s == nil {
		return nil, errors.New("refserver: Start needs a Server")
	}
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("refserver: %q resolved to non-loopback %s", addr, ln.Addr())
	}
	// Streams' contexts derive from base, so cancelling it ends them all
	// and lets Shutdown, which waits for handlers, finish.
	base, cancel := context.WithCancel(context.Background())
	r := &Running{
		URL: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			BaseContext:       func(net.Listener) context.Context { return base },
		},
		cancel: cancel,
		served: make(chan struct{}),
	}
	go func() {
		defer close(r.served)
		_ = r.srv.Serve(ln)
	}()
	return r, nil
}

// checkLoopback accepts only literal loopback IPs and "localhost": the
// reference server is a test fixture and must never be reachable from
// elsewhere (its /publish is unauthenticated).
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("refserver: bad listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refserver: listen address %q is not loopback; use 127.0.0.1, [::1] or localhost", addr)
}

// Close ends every stream served here, shuts the listener down and waits
// for the server to stop. The Server itself stays usable (e.g. by another
// Start); call Server.Close to stop its tick loop.
func (r *Running) Close() error {
	r.once.Do(func() {
		r.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.srv.Shutdown(ctx); err != nil {
			r.err = err
			_ = r.srv.Close()
		}
		<-r.served
	})
	return r.err
}
