package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ssespec/ssespec/harness/refserver"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "loopback address to listen on")
	var o refserver.Options
	fs.DurationVar(&o.Keepalive, "keepalive", 10*time.Second, "interval of keepalive comments while idle")
	fs.DurationVar(&o.Retry, "retry", 3*time.Second, "retry: value sent on connect")
	fs.DurationVar(&o.Tick, "tick", time.Second, "emit a demo event this often (0 = only published events)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ssespec serve [flags]\n\nServes the reference SSE server: GET /events (the stream), POST /publish\n(JSON {\"event\",\"data\",\"id\"} broadcast to every stream; the control event\n{\"event\":\"ssespec:end\"} ends the open streams instead), GET /done (204).\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	srv := refserver.New(o)
	running, err := refserver.Start(*addr, srv)
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
