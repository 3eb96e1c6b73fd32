package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/suite"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var f runFlags
	f.register(fs, 5*time.Second)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ssespec demo [flags]\n\nStarts the reference SSE server on a free loopback port, runs the whole\nsuite against it and writes the reports. Every check should pass.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	cfg := f.config()
	srv := refserver.New(refserver.Options{Keepalive: cfg.KeepaliveMax / 3, Tick: 500 * time.Millisecond, Retry: time.Second})
	running, err := refserver.Start("127.0.0.1:0", srv)
	if err != nil {
		fmt.Fprintf(stderr, "ssespec demo: %v\n", err)
		return exitHarness
	}
	defer func() { running.Close(); srv.Close() }()
	cfg.URL = running.URL + "/events"
	// The reference server exposes everything publish mode needs.
	cfg.PublishURL = running.URL + "/publish"
	cfg.DoneURL = running.URL + "/done"
	cfg.Capabilities = []suite.Capability{suite.CapIDs, suite.CapReplay, suite.CapDone, suite.CapEnd}
	if len(cfg.Events) == 0 && cfg.Templates == "" {
		cfg.Events = []string{"message", "tick"} // the names the reference server's tick emits
	}
	if cfg.Origin == "" {
		cfg.Origin = "http://app.example"
	}
	return runSuite(ctx, cfg, f.ci, "", stdout, stderr)
}
