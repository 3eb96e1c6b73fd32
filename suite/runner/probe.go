package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// Probe tells a target that cannot be reached at all (refused, no such
// host, TLS failure) from one that answers badly: the first is a usage
// problem (exit 2), the second is what the checks judge. It returns as soon
// as a connection is up, so a server that holds its headers back costs the
// run nothing here.
func Probe(ctx context.Context, cfg suite.Config) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	connected := make(chan struct{})
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { close(connected); cancel() }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, cfg.URL, nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	req.Header = cfg.RequestHeader(suite.BrowserLikeHeader())
	resp, err := stream.NewClient(cfg.Insecure).Do(req)
	if err == nil {
		resp.Body.Close()
		return nil
	}
	select {
	case <-connected:
		return nil
	default:
		return fmt.Errorf("%w: %s: %v", ErrUnreachable, cfg.URL, err)
	}
}
