package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/suite"
)

// demoKeepalive is demo's --keepalive-max: the reference server sends a
// keepalive every third of it, so the run's window stays short.
const demoKeepalive = 5 * time.Second

func cmdDemo(cmd *cobra.Command) runFunc {
	about(cmd, "demo", "Starts the reference SSE server on a free loopback port, runs the whole",
		"suite against it and writes the reports. Every check should pass.")
	var f runFlags
	f.register(cmd.Flags(), demoKeepalive)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return runDemo(ctx, f, stdout, stderr)
	}
}

func runDemo(ctx context.Context, f runFlags, stdout, stderr io.Writer) int {
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
	return runSuite(ctx, cfg, f, stdout, stderr)
}
