package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"

	"github.com/ssespec/ssespec/suite"
)

func cmdProxy(cmd *cobra.Command) runFunc {
	about(cmd, "proxy --via URL --origin-addr 127.0.0.1:PORT",
		"Checks the proxy in front of an SSE server: the suite starts its own scripted origin on",
		"--origin-addr, your proxy forwards --via to it, and every scenario runs both directly and",
		"through the proxy. See docs/proxies.md for the checks and known-good proxy configurations.")
	fs := cmd.Flags()
	var f runFlags
	fs.StringVar(&f.cfg.Via, "via", "", "the proxy under test (required): the `URL` whose path it forwards, with everything under it, to --origin-addr, e.g. http://127.0.0.1:8080/sse")
	fs.StringVar(&f.cfg.OriginAddr, "origin-addr", "", "loopback `ADDRESS` for the suite's origin (required): the proxy's upstream, e.g. 127.0.0.1:9090")
	f.register(fs, suite.DefaultTimeouts().KeepaliveMax)
	fs.Var(&originHeader{&f.cfg}, "origin-header", "a response header your app sends on its streams, `'Name: value'` (repeatable): the origin sends Content-Type: text/event-stream and these, "+
		"so the proxy is judged as your app meets it (e.g. --origin-header 'X-Accel-Buffering: no')")
	fs.DurationVar(&f.cfg.ProbeWait, "probe-wait", suite.DefaultTimeouts().ProbeWait, "how long the first request through the proxy is retried while the proxy answers without reaching the origin "+
		"(Squid re-probes a cache_peer that was down at its start; a wait, scaled by --time-scale)")
	f.registerBaseline(fs)
	proxyFlagHelp(fs)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return runProxy(ctx, f, stdout, stderr)
	}
}

func runProxy(ctx context.Context, f runFlags, stdout, stderr io.Writer) int {
	cfg := f.config()
	if cfg.Window == 0 {
		cfg.Window = suite.DefaultTimeouts().ProxyWindow
	}
	if err := checkVia(cfg.Via); err != nil {
		fmt.Fprintf(stderr, "ssespec proxy: %v\n", err)
		return exitUsage
	}
	return runSuite(ctx, cfg, f, stdout, stderr)
}

// originHeader collects --origin-header into cfg.OriginHeader.
type originHeader struct{ cfg *suite.Config }

func (o *originHeader) String() string { return "" }
func (o *originHeader) Type() string   { return "header" } // repeatable (settings.go)
func (o *originHeader) Set(v string) error {
	var h headerFlag
	if err := h.Set(v); err != nil {
		return err
	}
	if o.cfg.OriginHeader == nil {
		o.cfg.OriginHeader = http.Header{}
	}
	for k, vs := range h.h {
		o.cfg.OriginHeader[k] = append(o.cfg.OriginHeader[k], vs...)
	}
	return nil
}

// proxyFlagHelp rewords the shared flags whose meaning differs in proxy
// mode (the defaults stay those of ssespec run).
func proxyFlagHelp(fs *flag.FlagSet) {
	for name, usage := range map[string]string{
		"hold":    "how long the slow checks hold a stream open through the proxy: SSE-PROXY-004's idle stream and SSE-PROXY-013's lively one (use 11m for proxies that bound a whole response, e.g. Varnish's 10 min send_timeout)",
		"window":  fmt.Sprintf("how long the browser and observe checks record the origin's live stream through the proxy (0: %v)", suite.DefaultTimeouts().ProxyWindow),
		"clients": "unused in proxy mode: SSE-PROXY-011 always opens 100 streams through the proxy",
		"origin":  "page origin (scheme://host[:port]) whose CORS the browser checks test through the proxy; the suite's origin allows any",
	} {
		if f := fs.Lookup(name); f != nil {
			f.Usage = usage
		}
	}
}

func checkVia(via string) error {
	u, err := url.Parse(via)
	switch {
	case via == "":
		return fmt.Errorf("no proxy: pass --via http://host:port/path (and --origin-addr 127.0.0.1:PORT, which it forwards to)")
	case err != nil:
		return fmt.Errorf("--via %q: %w", via, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("--via %q: scheme must be http or https", via)
	case u.Host == "":
		return fmt.Errorf("--via %q: no host", via)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("--via %q: no query or fragment; the suite appends its scenario paths", via)
	}
	return nil
}
