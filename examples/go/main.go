// Command go is the ssespec example for Go's net/http: a broker fanning
// events out to per-stream queues, keepalive comments, retry:, ids and
// Last-Event-ID resume from a bounded history, an htmx page, and — only
// when SSESPEC_PUBLISH=1 — the suite's publish hook.
//
//	go run ./examples/go 127.0.0.1:8080
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := "127.0.0.1:8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	a := newApp(loadConfig())
	srv := &http.Server{Addr: addr, Handler: a.routes()}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go a.demo(ctx)
	go func() {
		<-ctx.Done()
		// Graceful shutdown: end the streams first (Shutdown does not wait
		// for hijacked or long-lived responses by itself), then drain.
		a.broker.endAll()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Printf("serving on http://%s (publish hook: %v, fault: %q)", addr, a.cfg.publish, a.cfg.fault)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// config is read from the environment, the same variables in every example.
type config struct {
	publish   bool          // SSESPEC_PUBLISH=1: POST /publish exists (tests only)
	fault     string        // SSESPEC_FAULT: reproduce one of the guides' pitfalls
	keepalive time.Duration // SSE_KEEPALIVE seconds (default 15)
	tick      time.Duration // SSE_TICK seconds between demo job steps (default 1)
	retryMS   int           // SSE_RETRY_MS (default 3000)
}

func loadConfig() config {
	return config{
		publish:   os.Getenv("SSESPEC_PUBLISH") == "1",
		fault:     os.Getenv("SSESPEC_FAULT"),
		keepalive: seconds("SSE_KEEPALIVE", 15),
		tick:      seconds("SSE_TICK", 1),
		retryMS:   int(seconds("SSE_RETRY_MS", 3000)), // a count, read like the others
	}
}

// seconds reads a positive number from the environment (seconds, or a
// plain count for SSE_RETRY_MS).
func seconds(name string, def float64) time.Duration {
	v := def
	if s := os.Getenv(name); s != "" {
		if _, err := fmt.Sscan(s, &v); err != nil || v <= 0 {
			log.Fatalf("%s=%q: want a positive number", name, s)
		}
	}
	if name == "SSE_RETRY_MS" {
		return time.Duration(v)
	}
	return time.Duration(v * float64(time.Second))
}
