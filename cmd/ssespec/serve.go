package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssespec/ssespec/harness/refserver"
)

func cmdServe(cmd *cobra.Command) runFunc {
	about(cmd, "serve", "Serves the reference SSE server: GET /events (the stream), POST /publish",
		"(JSON {\"event\",\"data\",\"id\"} broadcast to every stream; the control event",
		"{\"event\":\"ssespec:end\"} ends the open streams instead), GET /done (204).")
	fs := cmd.Flags()
	var addr string
	var o refserver.Options
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "loopback `ADDRESS` to listen on")
	fs.DurationVar(&o.Keepalive, "keepalive", 10*time.Second, "interval of keepalive comments while idle")
	fs.DurationVar(&o.Retry, "retry", 3*time.Second, "retry: value sent on connect")
	fs.DurationVar(&o.Tick, "tick", time.Second, "emit a demo event this often (0 = only published events)")
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return serve(ctx, addr, o, stdout, stderr)
	}
}

func serve(ctx context.Context, addr string, o refserver.Options, stdout, stderr io.Writer) int {
	srv := refserver.New(o)
	running, err := refserver.Start(addr, srv)
	if err != nil {
		fmt.Fprintf(stderr, "ssespec serve: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "reference SSE server: %s/events (publish: POST %s/publish, done: %s/done)\n", running.URL, running.URL, running.URL)
	<-ctx.Done()
	running.Close()
	srv.Close()
	return exitOK
}
