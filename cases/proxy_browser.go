package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/ssespec/ssespec/suite"
)

// bwNoRetryText is SSE-BROWSER-009's skip when the browser saw no retry:
// field. In proxy mode the suite's origin always sends one on connect, so
// the proxy withheld it, and SSE-RESUME-004 does not run there.
func bwNoRetryText(ctx context.Context, waited time.Duration) string {
	if suite.Current(ctx).Mode == suite.Proxy {
		return fmt.Sprintf("no retry: field reached the browser although the suite's origin sends one on connect: the proxy withheld it "+
			"(SSE-PROXY-001 compares the proxied events with the origin's); the browser waited %v, its default", waited.Round(time.Millisecond))
	}
	return fmt.Sprintf("the target sends no retry: field, so there is no reconnection time to compare (SSE-RESUME-004 reports that); the browser waited %v, its default", waited.Round(time.Millisecond))
}
