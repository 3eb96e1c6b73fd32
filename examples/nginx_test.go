//go:build unix

package examples_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/proxies"
	"github.com/ssespec/ssespec/reports"
)

// TestExampleBehindNginx is the guides' X-Accel-Buffering pitfall as a
// user meets it: the Go example behind a stock nginx (nothing but
// proxy_pass: proxy_buffering on), `ssespec run --url` at nginx's URL
// with the app's publish hook. With the header, nginx passes each event on
// as it comes and the flush checks pass; without it (SSESPEC_FAULT=
// no-accel-header), nginx holds the events in its buffers and they fail.
func TestExampleBehindNginx(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fault, want, detail string
	}{
		{"", reports.Pass, ""},
		{"no-accel-header", reports.Fail, "of 20 events"}, // late or missing, as the buffers fill
	} {
		name := c.fault
		if name == "" {
			name = "x-accel-buffering-no"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require(t, "go")
			proxies.Nginx.Need(t)
			// The passing run measures latency: it takes the heavy turn.
			// The buffered one fails by seconds.
			sem := heavy
			if c.want == reports.Fail {
				sem = light
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			app := start(t, "go", "SSESPEC_FAULT="+c.fault)
			proxy := proxies.Nginx.Start(t, strings.TrimPrefix(app, "http://"), proxies.NginxStock)
			cfg := casetest.FastConfig(proxy.URL+"/events", "SSE-FLUSH-001", "SSE-FLUSH-002")
			cfg.PublishURL = app + "/publish" // the test-only hook, straight to the app
			cfg.LatencyBudget = time.Second   // as config(): the machine, not the budget, is under test
			r := casetest.Check(t, cfg)
			casetest.Expect(t, r, "SSE-FLUSH-001", c.want, c.detail)
			casetest.Expect(t, r, "SSE-FLUSH-002", c.want, "")
		})
	}
}
