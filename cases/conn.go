package cases

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// connDial bounds how many stream requests the CONN checks have in flight
// at once, so the suite's own file descriptors and goroutines stay bounded
// whatever --clients says about the streams held open.
const connDial = 25

var _ = suite.Area("CONN", func() {
	// A broadcast server is judged by its worst client: every open stream
	// gets every event. (Servers that refuse load should say so with a 5xx,
	// "as this will prevent conforming clients from reconnecting
	// automatically" — which is still a refusal here.)
	suite.Check(suite.Meta{
		ID: "SSE-CONN-001", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title:       "Concurrent streams all open and all receive a broadcast",
		Requirement: "--clients streams (default 50) held open at once are all served 200, and one published event reaches every one of them.",
		Tolerates:   "servers that send their headers only with the first event (the streams are nudged with a published event and counted when they answer).",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		cfg := suite.Current(ctx)
		n := cfg.Clients
		conns, errs := connOpen(ctx, n)
		suite.Cleanup(ctx, func() { connCloseAll(conns) })

		var open []*stream.Conn
		refused := map[string]int{}
		for i, c := range conns {
			if why := connRefusal(c, errs[i]); why != "" {
				refused[why]++
				continue
			}
			open = append(open, c)
		}
		if len(open) == 0 {
			suite.Failf(ctx, fmt.Sprintf("%d streams open at once", n), "every one of the %d streams was refused: %s", n, connCounts(refused))
		}

		nonce := suite.Nonce()
		deadline := 2*time.Second + 10*cfg.LatencyBudget
		pub := suite.PublishEvent(ctx, p, publish.Event{Data: "broadcast " + nonce}, nonce)
		lat := make([]time.Duration, len(open))
		var wg sync.WaitGroup
		for i, c := range open {
			wg.Go(func() {
				lat[i] = -1
				if ev, ok := suite.Await(ctx, c, nonce, deadline-time.Since(pub.At)); ok {
					lat[i] = suite.Latency(c.Recording(), pub, ev)
				} else if c.Recording().End == stream.EndCap {
					lat[i] = -2 // the harness stopped recording: not the target's miss
				}
			})
		}
		wg.Wait()
		missed, capped := 0, 0
		var ms []float64
		for _, d := range lat {
			if d == -2 {
				capped++
				continue
			}
			if d < 0 {
				missed++
				continue
			}
			ms = append(ms, float64(d.Microseconds())/1000)
		}
		suite.Evidence(ctx, "clients", n)
		suite.Evidence(ctx, "refused", refused)
		suite.Evidence(ctx, "missed", missed)
		suite.Evidence(ctx, "latency_ms", map[string][]float64{"broadcast": ms})
		suite.Evidence(ctx, "budget_ms", cfg.LatencyBudget.Milliseconds())

		var problems []string
		if len(refused) > 0 {
			problems = append(problems, fmt.Sprintf("%d of %d streams refused (%s)", n-len(open), n, connCounts(refused)))
		}
		if missed > 0 {
			problems = append(problems, fmt.Sprintf("%d of the %d open streams missed the broadcast within %v", missed, len(open), deadline))
		}
		if len(problems) == 0 && capped > 0 {
			suite.Undecided("%d of the %d open streams stopped recording at the harness's limits (--max-bytes per stream, %d MiB for all streams together) before the broadcast could arrive (the target sends a lot); lower --clients to judge them",
				capped, len(open), stream.DefaultBudget>>20)
		}
		suite.Require(ctx, len(problems) == 0, fmt.Sprintf("%d streams open at once, all of them receiving the broadcast within %v", n, deadline),
			"%s", strings.Join(problems, "; "))
		if len(ms) > 0 {
			slices.Sort(ms)
			suite.Note(ctx, "all %d streams received the broadcast; slowest after %.1f ms", n, ms[len(ms)-1])
		}
	})

	// Clients vanish without a goodbye all the time (tabs closed, phones
	// asleep, proxies cutting idle streams). A server that does not notice
	// keeps their slots, queues and goroutines until it refuses or slows
	// everyone (fastapi/fastapi #1342, sysid/sse-starlette #173, gin-gonic/gin
	// #4082). 200 streams are opened and dropped, 20 at a time, each as soon
	// as its headers arrived; then a fresh stream must open — within the time
	// a keepalive write takes to find a dead peer — and meet the latency
	// budget (the median of three events).
	suite.Check(suite.Meta{
		ID: "SSE-CONN-002", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title:       "Abandoned streams are released",
		Requirement: "After 200 streams were opened and abruptly dropped, a fresh stream still opens and an event published to it meets the latency budget.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		cfg := suite.Current(ctx)
		const total, batch = 200, 20
		refused, firstRefused := map[string]int{}, 0
		for done := 0; done < total; done += batch {
			conns, errs := connOpen(ctx, batch)
			connCloseAll(conns)
			for i, c := range conns {
				if why := connRefusal(c, errs[i]); why != "" {
					refused[why]++
					if firstRefused == 0 {
						firstRefused = done + i + 1
					}
				}
			}
		}
		suite.Evidence(ctx, "dropped", total)
		suite.Evidence(ctx, "refused_while_dropping", refused)

		// A server may only notice a dead stream when its next write fails,
		// at the latest one keepalive interval later.
		grace := cfg.KeepaliveMax + 2*time.Second
		start := time.Now()
		var c *stream.Conn
		why := ""
		for {
			conn, err := suite.OpenStream(ctx, nil, stream.Options{HeaderTimeout: max(time.Second, grace-time.Since(start))})
			if why = connRefusal(conn, err); why == "" {
				c = conn
				break
			}
			conn.Close()
			if time.Since(start) > grace {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if c == nil {
			dropping := ""
			if firstRefused > 0 {
				dropping = fmt.Sprintf("; refusals began at stream %d of the %d dropped (%s)", firstRefused, total, connCounts(refused))
			}
			suite.Failf(ctx, "a fresh stream opens after 200 abandoned ones",
				"after %d streams were opened and dropped, a fresh stream was still refused %v later: %s%s",
				total, time.Since(start).Round(time.Millisecond), why, dropping)
		}
		suite.Evidence(ctx, "fresh_opened_after_ms", time.Since(start).Milliseconds())

		var lat []time.Duration
		for range 3 {
			nonce := suite.Nonce()
			pub := suite.PublishEvent(ctx, p, publish.Event{Data: "after drops " + nonce}, nonce)
			ev, ok := suite.Await(ctx, c, nonce, rpubWait(ctx))
			if !ok {
				suite.AttachRecording(ctx, "conn-002-fresh", c.Close())
				suite.Failf(ctx, "a fresh stream receives published events after 200 abandoned ones",
					"after %d streams were opened and dropped, a fresh stream opened but an event published to it never arrived (waited %v)", total, rpubWait(ctx))
			}
			lat = append(lat, suite.Latency(c.Recording(), pub, ev))
		}
		suite.AttachRecording(ctx, "conn-002-fresh", c.Close())
		var ms []float64
		for _, d := range lat {
			ms = append(ms, float64(d.Microseconds())/1000)
		}
		suite.Evidence(ctx, "latency_ms", map[string][]float64{"after 200 dropped": ms})
		suite.Evidence(ctx, "budget_ms", cfg.LatencyBudget.Milliseconds())
		sorted := slices.Clone(lat)
		slices.Sort(sorted)
		median := sorted[len(sorted)/2]
		suite.Require(ctx, median <= cfg.LatencyBudget,
			fmt.Sprintf("publish→receipt within %v on a fresh stream", cfg.LatencyBudget),
			"degraded: after %d streams were opened and dropped, events took %v (median of %s)", total, median.Round(time.Millisecond), connDurations(lat))
		if len(refused) > 0 {
			suite.Note(ctx, "%d of the %d streams opened %d at a time were refused (%s); SSE-CONN-001 judges concurrent capacity", connSum(refused), total, batch, connCounts(refused))
		}
	})

	// Browsers allow six HTTP/1.1 connections per origin, and each EventSource
	// holds one for good ("per-server connection limit"); HTTP/2 multiplexes
	// them over one connection.
	suite.Check(suite.Meta{
		ID: "SSE-CONN-003", Level: suite.BP, Source: "html", Modes: []suite.Mode{suite.Observe},
		Title:       "An HTTPS target offers HTTP/2",
		Requirement: "Over HTTP/1.1 a browser holds one of its six connections per origin for each open stream; an https target offers h2 in ALPN so streams share one connection.",
	}, func(ctx context.Context) {
		cfg := suite.Current(ctx)
		u, err := url.Parse(cfg.URL)
		if err != nil {
			suite.Undecided("--url %q: %v", cfg.URL, err)
		}
		if u.Scheme != "https" {
			suite.Skipf("the target is %s://, and HTTP/2 is negotiated in the TLS handshake (ALPN): this applies to https:// targets only", u.Scheme)
		}
		addr := u.Host
		if u.Port() == "" {
			addr = net.JoinHostPort(u.Hostname(), "443")
		}
		d := tls.Dialer{
			NetDialer: &net.Dialer{Timeout: stream.DefaultConnectTimeout},
			Config:    &tls.Config{ServerName: u.Hostname(), NextProtos: []string{"h2", "http/1.1"}, InsecureSkipVerify: cfg.Insecure},
		}
		dctx, cancel := context.WithTimeout(ctx, 2*stream.DefaultConnectTimeout)
		defer cancel()
		conn, err := d.DialContext(dctx, "tcp", addr)
		if err != nil {
			suite.Undecided("TLS handshake with %s: %v", addr, err)
		}
		proto := conn.(*tls.Conn).ConnectionState().NegotiatedProtocol
		conn.Close()
		suite.Evidence(ctx, "alpn_offered", []string{"h2", "http/1.1"})
		suite.Evidence(ctx, "alpn_negotiated", proto)
		if proto == "" {
			proto = "no protocol"
		}
		suite.Require(ctx, proto == "h2", "ALPN selects h2 when the client offers h2 and http/1.1",
			"ALPN selected %s: HTTP/1.1 only", proto)
	})
})

// connOpen opens n streams at once (at most connDial requests in flight)
// and returns them once each has its response headers or failed. The
// streams stay open until closed; a failed one is returned too, for its
// recording.
func connOpen(ctx context.Context, n int) ([]*stream.Conn, []error) {
	conns, errs := make([]*stream.Conn, n), make([]error, n)
	cfg := suite.Current(ctx)
	opts := cfg.StreamOptions()
	opts.HeaderTimeout = 5 * time.Second
	req := stream.Request{URL: cfg.URL, Header: cfg.RequestHeader(suite.BrowserLikeHeader())}
	sem := make(chan struct{}, connDial)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			conns[i], errs[i] = suite.StreamOpen(ctx, req, opts)
		})
	}
	wg.Wait()
	return conns, errs
}

func connCloseAll(conns []*stream.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// connRefusal says why a stream did not open ("" when it answered 200).
func connRefusal(c *stream.Conn, err error) string {
	switch {
	case err != nil:
		msg := err.Error()
		if strings.Contains(msg, "no response headers") {
			// Not a refusal: nothing came back, not even after the events
			// published to bring held headers.
			return "unanswered (no response headers within 5s, even with events published)"
		}
		return "error: " + msg
	case c.Recording().Status != http.StatusOK:
		return fmt.Sprintf("status %d", c.Recording().Status)
	}
	return ""
}

// connCounts renders {"status 503": 41} as "status 503 ×41".
func connCounts(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func connSum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func connDurations(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Round(100*time.Microsecond).String())
	}
	return strings.Join(parts, ", ")
}
