package cases

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// proxyOrigin is the run's origin: the one the CLI or the test started on
// --origin-addr (Config.ProxyOrigin), or one the run starts on first use
// and closes at its end.
func proxyOrigin(ctx context.Context) *origin.Server {
	cfg := suite.Current(ctx)
	if cfg.Via == "" {
		suite.Skipf("proxy checks need a proxy: run ssespec proxy --via URL --origin-addr 127.0.0.1:PORT")
	}
	if cfg.ProxyOrigin != nil {
		return cfg.ProxyOrigin
	}
	own := suite.RunState(ctx, proxyOwnKey{}, func() *proxyOwnOrigin { return &proxyOwnOrigin{} })
	own.Lock()
	defer own.Unlock()
	if own.o == nil {
		o, err := origin.Start(cfg.OriginAddr, originOptions(cfg))
		if err != nil {
			suite.Undecided("could not start the origin on %q: %v", cfg.OriginAddr, err)
		}
		own.o = o
		suite.Cleanup(suite.RunContext(ctx), o.Close)
	}
	return own.o
}

// proxyOwnOrigin is the origin a run started itself (no ProxyOrigin given).
type proxyOwnOrigin struct {
	sync.Mutex
	o *origin.Server
}

type proxyOwnKey struct{}

// proxyLeg is one request of a scenario: direct (client → origin) or
// proxied (client → proxy → origin), each with its own scenario path so the
// origin's records tell them apart.
type proxyLeg struct {
	name string // "direct" or "proxied"
	url  string
	sent http.Header // request headers the client sent
	sc   *origin.Scenario
	conn *stream.Conn
	err  error // from opening the request
	// The run's origin (set by whoever makes the leg), proxy and decoding
	// limits (set by open), kept for the judges, which take no context.
	origin *origin.Server
	via    string
	limits decodeLimits
}

// proxyOpen registers script for each leg and opens both at once.
func proxyOpen(ctx context.Context, o *origin.Server, script origin.Script, hdr http.Header, opts stream.Options) (direct, proxied *proxyLeg) {
	cfg := suite.Current(ctx)
	direct = &proxyLeg{name: "direct", sc: o.Add(script), origin: o}
	direct.url = o.URL() + direct.sc.Path
	proxied = &proxyLeg{name: "proxied", sc: o.Add(script), origin: o}
	proxied.url = proxyVia(cfg) + proxied.sc.Path
	var wg sync.WaitGroup
	for _, l := range []*proxyLeg{direct, proxied} {
		wg.Go(func() { l.open(ctx, hdr, opts) })
	}
	wg.Wait()
	return direct, proxied
}

func (l *proxyLeg) open(ctx context.Context, hdr http.Header, opts stream.Options) {
	cfg := suite.Current(ctx)
	base := cfg.StreamOptions()
	base.Duration, base.IdleTimeout = opts.Duration, opts.IdleTimeout
	if opts.HeaderTimeout != 0 {
		base.HeaderTimeout = opts.HeaderTimeout
	}
	if opts.MaxLine != 0 {
		base.MaxLine = opts.MaxLine
	}
	h := proxyBrowserHeader()
	for k, v := range hdr {
		h[k] = v
	}
	l.sent = cfg.RequestHeader(h)
	l.via, l.limits = cfg.Via, limitsOf(cfg)
	l.conn, l.err = stream.Open(context.Background(), stream.Request{URL: l.url, Header: l.sent}, base)
}

// rec is the leg's recording (growing until the leg ends).
func (l *proxyLeg) rec() *stream.Recording { return l.conn.Recording() }

// hit is what the origin recorded for the leg's request; a proxied request
// that never reached the origin leaves the check undecided.
func (l *proxyLeg) hit() origin.Hit {
	hits := l.sc.Hits()
	if len(hits) == 0 {
		o := l.origin
		why := fmt.Sprintf("it answered %d", l.rec().Status)
		if l.err != nil {
			why = l.err.Error()
		}
		suite.Undecided("the %s request %s never reached the suite's origin (%s)%s; the proxy must forward everything under %s to http://%s",
			l.name, l.url, why, strayNote(o), l.via, o.Addr())
	}
	return hits[0]
}

// waitEnd waits until the leg's recording ended, or until d after the
// origin ended its response, or ctx.
func (l *proxyLeg) waitEnd(ctx context.Context, d time.Duration) {
	if l.err != nil {
		return
	}
	l.sc.Wait(ctx, func(h []origin.Hit) bool {
		select {
		case <-l.conn.Done():
			return true
		default:
		}
		return len(h) > 0 && h[0].End != origin.EndOpen
	})
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	l.conn.Wait(ctx)
}

// proxyAttach adds the legs' recordings to the check's evidence, named
// "<scenario> direct" and "<scenario> proxied".
func proxyAttach(ctx context.Context, scenario string, legs ...*proxyLeg) {
	var names []string
	for _, l := range legs {
		if l.conn != nil {
			names = append(names, scenario+" "+l.name)
			suite.AttachRecording(ctx, names[len(names)-1], l.rec())
		}
	}
	if len(names) > 1 {
		suite.Evidence(ctx, "recordings", names)
	}
}

// proxyShared is a scenario whose two legs several checks judge: it runs
// once per run, in the background, started by the first check asking.
type proxyShared struct {
	once            sync.Once
	done            chan struct{}
	direct, proxied *proxyLeg
}

// proxyRunsState are a run's shared scenarios; the first PROXY check
// starts them all at once, so the run waits for the longest of them, not
// their sum.
type proxyRunsState struct {
	latency, normal, charset proxyShared
	// the same scenarios with one SSE-friendly header each (proxyVariants)
	latencyWith, normalWith [2]proxyShared
}

type proxyRunsKey struct{}

// proxyRuns are the shared scenarios of ctx's run. They belong to the run:
// at its end it waits for the ones started (they are bounded by their
// scripts).
func proxyRuns(ctx context.Context) *proxyRunsState {
	return suite.RunState(ctx, proxyRunsKey{}, func() *proxyRunsState {
		p := &proxyRunsState{}
		suite.Cleanup(suite.RunContext(ctx), func() {
			all := []*proxyShared{&p.latency, &p.normal, &p.charset}
			for i := range p.latencyWith {
				all = append(all, &p.latencyWith[i], &p.normalWith[i])
			}
			for _, s := range all {
				if s.done != nil {
					<-s.done
				}
			}
		})
		return p
	})
}

func proxyStartShared(ctx context.Context, o *origin.Server) {
	rctx := suite.RunContext(ctx) // the run's, not the first asking check's
	start := func(s *proxyShared, script origin.Script, hdr http.Header) {
		s.once.Do(func() {
			s.done = make(chan struct{})
			go func() {
				defer close(s.done)
				s.direct, s.proxied = proxyRunScript(rctx, o, script, hdr)
			}()
		})
	}
	cfg := suite.Current(ctx)
	runs := proxyRuns(ctx)
	start(&runs.latency, proxyLatencyScript(ctx), nil)
	start(&runs.charset, proxyCharsetScript(ctx), nil)
	start(&runs.normal, proxyNormalScript(proxyAppHeader(cfg)), proxyNormalRequest())
	for i, v := range proxyVariants {
		with := proxyWith(cfg, map[string]string{v.header: v.value})
		start(&runs.latencyWith[i], proxyEventsScript("latency-with", with), nil)
		start(&runs.normalWith[i], proxyNormalScript(with), proxyNormalRequest())
	}
}

// proxyRunScript opens both legs of script and returns them once the
// origin ended both and their clients saw it (or proxyEndWait after).
func proxyRunScript(ctx context.Context, o *origin.Server, script origin.Script, hdr http.Header) (direct, proxied *proxyLeg) {
	direct, proxied = proxyOpen(ctx, o, script, hdr, stream.Options{})
	last := script.Steps[len(script.Steps)-1].At
	ctx, cancel := context.WithTimeout(ctx, last+proxyEndWait+5*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, l := range []*proxyLeg{direct, proxied} {
		wg.Go(func() { l.waitEnd(ctx, proxyEndWait) })
	}
	wg.Wait()
	for _, l := range []*proxyLeg{direct, proxied} {
		if l.conn != nil {
			l.conn.Close()
		}
	}
	return direct, proxied
}

// proxyEndWait is how long after the origin ended a response its client
// side is still waited for (SSE-PROXY-008 allows 1 s of it).
const proxyEndWait = 3 * time.Second

// proxyWait returns the legs of a shared scenario once it has run.
func proxyWait(ctx context.Context, s *proxyShared) (direct, proxied *proxyLeg) {
	proxyStartShared(ctx, proxyOrigin(ctx))
	select {
	case <-s.done:
	case <-ctx.Done():
		suite.Undecided("the shared proxy scenario did not finish before the check's deadline")
	}
	return s.direct, s.proxied
}

// Scenario timing: events from proxyFirst on, proxyGap apart, then the
// origin stays silent for proxyTail and ends the stream (so a buffering
// proxy releases what it held, and its latency can be measured).
const (
	proxyEvents = 20
	proxyFirst  = 300 * time.Millisecond
	proxyGap    = 100 * time.Millisecond
	proxyTail   = time.Second
)

// The scripts of SSE-PROXY-002 and -012, which a re-measure runs again:
// the app's bare headers (Content-Type, and --origin-header).
func proxyLatencyScript(ctx context.Context) origin.Script {
	return proxyEventsScript("latency", proxyAppHeader(suite.Current(ctx)))
}

func proxyCharsetScript(ctx context.Context) origin.Script {
	return proxyEventsScript("charset", proxyWith(suite.Current(ctx), map[string]string{"Content-Type": "text/event-stream; charset=utf-8"}))
}

// proxyEventsScript is a varied event sequence: step 0 is a comment and a
// retry field, step i (1…20) the event with id i, of three types, some with
// several data lines, a leading space or comments, then a final comment
// after proxyTail and the end.
func proxyEventsScript(name string, header map[string]string) origin.Script {
	steps := []origin.Step{{At: 0, Data: ": ssespec origin\nretry: 2500\n\n"}}
	for i := 1; i <= proxyEvents; i++ {
		var b strings.Builder
		if i%5 == 0 {
			b.WriteString(": comment before event " + strconv.Itoa(i) + "\n")
		}
		fmt.Fprintf(&b, "id: %d\n", i)
		switch i % 3 {
		case 1:
			fmt.Fprintf(&b, "event: update\ndata: {\"n\":%d}\n", i)
		case 2:
			fmt.Fprintf(&b, "event: ssespec.tick-%c\ndata: line one of %d\ndata: line two\n", 'α', i)
		default:
			fmt.Fprintf(&b, "data:  leading space %d\n", i)
		}
		b.WriteString("\n")
		steps = append(steps, origin.Step{At: proxyFirst + time.Duration(i-1)*proxyGap, Data: b.String()})
	}
	last := steps[len(steps)-1].At
	steps = append(steps, origin.Step{At: last + proxyTail, Data: ": end\n\n"})
	return origin.Script{Name: name, Header: header, Steps: steps, End: true}
}

// The normal scenario: a well-behaved origin's stream whose headers go out
// at once and whose first event comes proxyNormalFirst later, then five
// more, then the origin ends the stream.
const proxyNormalFirst = time.Second

func proxyNormalScript(header map[string]string) origin.Script {
	var steps []origin.Step
	for i := range 6 {
		steps = append(steps, origin.Step{
			At:   proxyNormalFirst + time.Duration(i)*proxyGap,
			Data: fmt.Sprintf("id: %d\ndata: normal %d\n\n", i, i),
		})
	}
	return origin.Script{Name: "normal", Header: header, Steps: steps, End: true}
}

// proxyNormalRequest is a browser's reconnect: what SSE-PROXY-005 follows
// to the origin (and SSE-PROXY-009's Accept-Encoding).
func proxyNormalRequest() http.Header {
	h := http.Header{}
	h.Set("Accept", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Last-Event-ID", "ssespec-resume-42")
	h.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	return h
}

// proxyLatency is the latency of every event of rec whose id names the
// script step that wrote it: arrival − when the origin began writing it.
// Steps whose event never arrived are listed in missing.
type proxyLatency struct {
	lat     []time.Duration
	missing []int
	atEnd   int // events that arrived only once the origin had ended the stream
}

func proxyLatencies(rec *stream.Recording, events []parser.Event, hit origin.Hit, steps []int) proxyLatency {
	var out proxyLatency
	got := map[int]time.Duration{}
	for _, ev := range events {
		if ev.ID == nil {
			continue
		}
		if n, err := strconv.Atoi(*ev.ID); err == nil && n >= 0 && n < len(hit.Steps) && !hit.Steps[n].IsZero() {
			if _, dup := got[n]; !dup {
				got[n] = rec.Start.Add(ev.At).Sub(hit.Steps[n])
				if !hit.Ended.IsZero() && hit.End == origin.EndScript && !rec.Start.Add(ev.At).Before(hit.Ended) {
					out.atEnd++
				}
			}
		}
	}
	for _, n := range steps {
		if d, ok := got[n]; ok {
			out.lat = append(out.lat, d)
		} else {
			out.missing = append(out.missing, n)
		}
	}
	return out
}

// p95 is the nearest-rank 95th percentile; missing values count as
// infinitely late.
func (l proxyLatency) p95() (time.Duration, bool) {
	n := len(l.lat) + len(l.missing)
	if n == 0 {
		return 0, false
	}
	rank := (95*n + 99) / 100
	if rank > len(l.lat) {
		return 0, false // a missing event is in the top 5 %
	}
	s := slices.Clone(l.lat)
	slices.Sort(s)
	return s[rank-1], true
}

func (l proxyLatency) worst() time.Duration {
	if len(l.lat) == 0 {
		return 0
	}
	return slices.Max(l.lat)
}

func proxyRound(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// proxyEventSteps lists the steps 1…proxyEvents of proxyEventsScript.
func proxyEventSteps() []int {
	s := make([]int, proxyEvents)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// proxyHeaderDiff is what the proxy changed in a header set: names added,
// removed, and changed (with both values). Date, which always differs, is
// left out.
type proxyHeaderDiff struct {
	Added   map[string]string    `json:"added,omitempty"`
	Removed map[string]string    `json:"removed,omitempty"`
	Changed map[string][2]string `json:"changed,omitempty"`
}

func proxyDiffHeaders(direct, proxied http.Header) proxyHeaderDiff {
	d := proxyHeaderDiff{Added: map[string]string{}, Removed: map[string]string{}, Changed: map[string][2]string{}}
	join := func(h http.Header, k string) string { return strings.Join(h.Values(k), ", ") }
	for k := range proxied {
		if k == "Date" {
			continue
		}
		if _, ok := direct[k]; !ok {
			d.Added[k] = join(proxied, k)
		} else if a, b := join(direct, k), join(proxied, k); a != b {
			d.Changed[k] = [2]string{a, b}
		}
	}
	for k := range direct {
		if _, ok := proxied[k]; !ok && k != "Date" {
			d.Removed[k] = join(direct, k)
		}
	}
	return d
}

// proxyEventText is an event as a short string for messages.
func proxyEventText(ev parser.Event) string {
	id := "none"
	if ev.ID != nil {
		id = strconv.Quote(*ev.ID)
	}
	data := ev.Data
	if len(data) > 60 {
		data = data[:60] + "…"
	}
	return fmt.Sprintf("{type %q, id %s, lastEventId %q, data %q}", ev.Type, id, ev.LastEventID, data)
}

// proxyList joins up to n items, saying how many more there were.
func proxyList(items []string, n int) string {
	sort.Strings(items)
	if len(items) <= n {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:n], "; ") + fmt.Sprintf("; and %d more", len(items)-n)
}
