package cases

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// StartOrigin starts the suite's scripted origin on cfg.OriginAddr for a
// proxy-mode run of cfg; ProxyConfig then points the run at the proxy in
// front of it. The caller closes the origin after the run.
func StartOrigin(cfg suite.Config) (*origin.Server, error) {
	cfg = cfg.Defaults()
	if cfg.OriginAddr == "" {
		return nil, fmt.Errorf("no origin address: pass --origin-addr 127.0.0.1:PORT (the address your proxy forwards to)")
	}
	return origin.Start(cfg.OriginAddr, originOptions(cfg))
}

// ProxyConfig points cfg's client side at the proxy (cfg.Via) in front of
// o: the run's stream URL (cfg.URL) is the origin's live stream reached
// through the proxy, and the publish hook (cfg.PublishFunc) publishes on it
// in-process, so checks written for a direct target (the browser checks)
// run unchanged through the proxy.
func ProxyConfig(cfg suite.Config, o *origin.Server) suite.Config {
	via := proxyVia(cfg)
	cfg.Mode = suite.Proxy
	cfg.OriginAddr, cfg.ProxyOrigin = o.Addr(), o
	cfg.URL = via + o.LivePath()
	cfg.DoneURL = via + o.DonePath()
	cfg.PublishFunc = o.Publish
	cfg.Capabilities = []suite.Capability{suite.CapIDs, suite.CapReplay, suite.CapDone, suite.CapEnd}
	return cfg
}

// originOptions are the live stream's settings for a run of cfg: like the
// demo's reference server, keepalives well inside --keepalive-max and a
// steady tick, so the observe-style checks have events to judge, and a
// 1 s retry, so the browser's reconnect checks wait little.
func originOptions(cfg suite.Config) origin.Options {
	return origin.Options{
		Live:       refserver.Options{Keepalive: cfg.KeepaliveMax / 3, Tick: 500 * time.Millisecond, Retry: time.Second},
		LiveHeader: proxyAppHeader(cfg),
	}
}

// ProbeProxy makes one request through the proxy and tells whether it
// reached the origin o: a usage problem (wrong port, a path not forwarded,
// a path rewritten) is then reported before any check runs. A proxy that
// answers but does not reach the origin yet (Squid marks a cache_peer dead
// when the origin was down at its own start, and re-probes it later) is
// retried for cfg.ProbeWait, saying on progress what it waits for.
func ProbeProxy(ctx context.Context, cfg suite.Config, o *origin.Server, progress io.Writer) error {
	cfg = cfg.Defaults()
	deadline := time.Now().Add(cfg.ProbeWait)
	said := false
	for {
		status, err := probeOnce(ctx, cfg, o)
		if err == nil {
			if said && progress != nil {
				fmt.Fprintf(progress, "ssespec: the proxy reaches the origin now\n")
			}
			return nil
		}
		// Only a proxy that answers without reaching the origin may still
		// find it; one not listening, or rewriting paths, is a usage error.
		if status == 0 || len(o.Stray()) > 0 || time.Now().After(deadline) || ctx.Err() != nil {
			if said {
				return fmt.Errorf("%w (retried for %v)", err, cfg.ProbeWait)
			}
			return err
		}
		if !said && progress != nil {
			fmt.Fprintf(progress, "ssespec: the proxy answered %d without reaching the origin on %s; waiting up to %v (--probe-wait) for it to find the origin up "+
				"(Squid re-probes a cache_peer that was down when it started)\n", status, o.Addr(), cfg.ProbeWait)
		}
		said = true
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// probeOnce sends the probe; status is the proxy's answer (0: none).
func probeOnce(ctx context.Context, cfg suite.Config, o *origin.Server) (status int, err error) {
	sc := o.Add(origin.Script{Name: "probe", Status: http.StatusNoContent})
	url := proxyVia(cfg) + sc.Path
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	opts := cfg.StreamOptions()
	opts.HeaderTimeout = 10 * time.Second
	conn, err := stream.Open(ctx, stream.Request{URL: url, Header: cfg.RequestHeader(nil)}, opts)
	rec := conn.Close()
	if len(sc.Hits()) > 0 {
		return rec.Status, nil
	}
	got := fmt.Sprintf("it answered %d", rec.Status)
	if err != nil {
		got = err.Error()
	}
	return rec.Status, fmt.Errorf("the request %s did not reach the suite's origin (%s)%s; configure the proxy to forward everything under %s to http://%s",
		url, got, strayNote(o), cfg.Via, o.Addr())
}

// proxyVia is the proxy URL scenario paths are appended to.
func proxyVia(cfg suite.Config) string {
	via, _, _ := strings.Cut(cfg.Via, "?")
	return strings.TrimSuffix(via, "/")
}

func strayNote(o *origin.Server) string {
	stray := o.Stray()
	if len(stray) == 0 {
		return ""
	}
	return fmt.Sprintf("; the origin got %q instead: the proxy rewrites the path", stray[len(stray)-1])
}
