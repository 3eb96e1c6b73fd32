package main

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/ssespec/ssespec/suite"
)

// headerFlag collects repeated --header 'K: V'.
type headerFlag struct{ h http.Header }

func (f *headerFlag) String() string { return "" }
func (f *headerFlag) Type() string   { return "header" } // repeatable (settings.go)
func (f *headerFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("want 'Name: value', got %q", v)
	}
	if f.h == nil {
		f.h = http.Header{}
	}
	f.h.Add(strings.TrimSpace(k), strings.TrimSpace(val))
	return nil
}

// runFlags are the flags every suite run shares (run, demo).
type runFlags struct {
	cfg       suite.Config
	header    headerFlag
	reportDir string
	baseline  string // --baseline FILE (run, proxy)
	ci        ciFlags
	quiet     bool
	inProcess bool // not a flag: run with the in-process executor (see ssespec.Options)
}

// register adds the flags of every suite run. Short forms (few, for the
// flags typed most): -u --url (run), -o --report-dir, -q --quiet,
// -l --label-filter, -H --header, -k --insecure (the last two as curl's).
func (f *runFlags) register(fs *flag.FlagSet, keepaliveDefault time.Duration) {
	d := suite.DefaultTimeouts()
	fs.StringVarP(&f.reportDir, "report-dir", "o", "ssespec-report", "`DIR` for report.html, report.json and junit.xml (\"\" writes none)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary (and errors): no line per check, no findings")
	fs.DurationVar(&f.cfg.KeepaliveMax, "keepalive-max", keepaliveDefault, "longest silence the stream may have before a keepalive (SSE-KEEP-001; a threshold, not scaled)")
	fs.DurationVar(&f.cfg.Window, "window", 0, fmt.Sprintf("how long the shared observation stream is recorded (0: keepalive-max + %v)", d.WindowSlack))
	fs.BoolVar(&f.cfg.Slow, "slow", false, "also run the checks labelled slow (they hold a stream for --hold)")
	fs.DurationVar(&f.cfg.Hold, "hold", d.Hold, "how long slow checks hold a stream open (SSE-KEEP-004; a threshold, not scaled)")
	fs.VarP(&f.header, "header", "H", "extra request header `'Name: value'` for every request (repeatable), e.g. for auth")
	fs.BoolVarP(&f.cfg.Insecure, "insecure", "k", false, "accept any TLS certificate")
	fs.StringVarP(&f.cfg.LabelFilter, "label-filter", "l", "", "Ginkgo label filter `EXPR` selecting checks, e.g. 'area:FRAME && !level:BP' or 'id:SSE-HTTP-001'")
	fs.BoolVar(&f.cfg.Strict, "strict", false, "a failed SHOULD check fails the run too (exit 1)")
	fs.StringVar(&f.cfg.Origin, "origin", "", "page `ORIGIN` (scheme://host[:port]) that must be allowed by CORS (SSE-HTTP-012)")
	fs.DurationVar(&f.cfg.LatencyBudget, "latency-budget", d.LatencyBudget, "longest acceptable publish→receipt delay per event (p95; a threshold, not scaled)")
	fs.IntVar(&f.cfg.Clients, "clients", suite.DefaultClients, "`N` concurrent streams opened for SSE-CONN-001")
	fs.StringVar(&f.cfg.Browser, "browser", "auto", "browser checks, `MODE`: auto (when Chromium is found), on (required), off")
	fs.IntVar(&f.cfg.MaxLine, "max-line", 0, "longest event-stream line the parser accepts, in `BYTES` (0: 1 MiB + 1 KiB); a longer line ends the recording")
	fs.Int64Var(&f.cfg.MaxBytes, "max-bytes", 0, "most body `BYTES` recorded per stream (0: 16 MiB); more ends the recording")
	fs.StringVar(&f.cfg.BrowserPath, "browser-path", "", "Chromium executable `PATH` (default: chromium, chromium-headless-shell or google-chrome on PATH)")
	fs.DurationVar(&f.cfg.Timeout, "timeout", 0, fmt.Sprintf("deadline for the whole run; past it the run stops, reports what it has and exits 1 (0: %v, plus 3×--hold with --slow)", d.Run))
	fs.StringVar(&f.cfg.BrowserURL, "browser-url", "", "use an already running Chromium by its DevTools websocket address `WS` (ws://HOST:PORT/devtools/browser/ID, from --remote-debugging-port) instead of starting one")
	fs.Float64Var(&f.cfg.TimeScale, "time-scale", 1, fmt.Sprintf("multiply the harness's waits (--window, --timeout, --probe-wait and their defaults) by `FACTOR`, 1 to %d, for slow machines; thresholds (--keepalive-max, --latency-budget, --hold) stay", suite.MaxTimeScale))
	f.ci.register(fs)
	fs.StringVar(&f.cfg.ImplName, "impl-name", "", "`NAME` of the implementation under test, stamped into the reports (e.g. \"myapp\", \"nginx\")")
	fs.StringVar(&f.cfg.ImplVersion, "impl-version", "", "`VERSION` of the implementation under test, stamped into the reports")
	fs.StringVar(&f.cfg.ImplURL, "impl-url", "", "`URL` of the implementation under test (its project or repository), stamped into the reports")
}

// registerPublish adds the flags that describe the target's publish hook.
func (f *runFlags) registerPublish(fs *flag.FlagSet) {
	fs.StringVar(&f.cfg.PublishURL, "publish-url", "", "publish hook `URL`: the suite POSTs {\"event\",\"data\",\"id\"} here and the target broadcasts it (enables publish-mode checks)")
	fs.StringVar(&f.cfg.PublishCmd, "publish-cmd", "", "publish hook: shell `COMMAND` that gets the same JSON on stdin (for targets fed by a queue or CLI)")
	fs.Func("capabilities", "comma `LIST` of what the target claims: ids, replay, done, end (checks needing an absent one are skipped)", func(v string) error {
		for _, c := range splitList(v) {
			f.cfg.Capabilities = append(f.cfg.Capabilities, suite.Capability(c))
		}
		return nil
	})
	fs.StringVar(&f.cfg.DoneURL, "done-url", "", "`URL` that answers 204 once the stream is finished (SSE-RESUME-005; implies capability done)")
	fs.Func("events", "comma list of event `NAMES` the frontend listens for (SSE-NAME-004)", func(v string) error {
		f.cfg.Events = append(f.cfg.Events, splitList(v)...)
		return nil
	})
	fs.StringVar(&f.cfg.Templates, "templates", "", "`DIR` of HTML/Jinja/templ/JSX templates scanned for sse-swap, sse-close, hx-trigger=\"sse:…\" and addEventListener names (SSE-NAME-004)")
	fs.StringVar(&f.cfg.EventsDoc, "events-doc", "", "Markdown channel document `FILE` (a docs/SSE_EVENTS.md: a table of event name, payload) compared with the emitted and listened-for names (SSE-NAME-004)")
}

// registerBaseline adds --baseline (run and proxy; a demo has no known failures).
func (f *runFlags) registerBaseline(fs *flag.FlagSet) {
	fs.StringVar(&f.baseline, "baseline", "", "expected-failures `FILE` (from ssespec baseline): the failures it lists do not fail the run, a new one does; entries whose check now passes are reported stale (and fail the run under --strict)")
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (f *runFlags) config() suite.Config {
	c := f.cfg
	c.Header = f.header.h
	c.ReportDir = f.reportDir
	return c
}
