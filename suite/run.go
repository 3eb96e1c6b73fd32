package suite

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// Run is one run of the suite, between BeginRun and End. Everything a run
// learns (its configuration, the shared observation, the target's and the
// hook's health, the recordings, the browser, what the check packages keep
// across checks) lives here, not in package variables, so any number of
// runs can go on in one process at once. The checks find their run through
// their context (see Current).
type Run struct {
	cfg    Config
	filter string // the run's complete label filter

	ctx         context.Context // carries the run; ends with End
	cancel      context.CancelFunc
	cancelStart context.CancelFunc
	waitStart   func()

	health       runHealth
	hookDown     stateString
	recordings   runRecordings
	shared       sharedObservation
	headersHeld  atomic.Bool               // see HeadersHeld
	firstPublish atomic.Pointer[time.Time] // when the run first published anything (nil: not yet)
	nudges       struct {
		sync.Mutex
		last time.Time
	}
	browser runBrowser
	budget  *stream.Budget // what the run's recordings may hold together
	values  sync.Map       // see RunState

	end struct {
		sync.Mutex
		fs     []func() // Cleanup outside a check: at the end of the run
		closed bool     // End ran them: a late one runs at once
	}
	checking sync.Mutex // held by Execute: a run's checks run one at a time
}

// RunEnd is what a finished run leaves for its report.
type RunEnd struct {
	RecordingNames []string
	Recordings     map[string]*stream.Recording
	TargetDown     string // why the target stopped answering mid-run, or ""
	HookDown       string // why the publish hook was given up on, or ""
	SerialHint     string // a target that seems to serve one connection at a time, or ""
}

type runKey struct{}

// runOf is the run ctx belongs to. Every check's context, and the context
// OnRunStart work gets, carries one; a helper called with another context
// is the suite's own bug, said loudly.
func runOf(ctx context.Context) *Run {
	if r, ok := ctx.Value(runKey{}).(*Run); ok {
		return r
	}
	panic("suite: the context carries no run (a check helper called outside a check or run-start work)")
}

// RunFilter is the run's complete label filter (the checks it selects).
func RunFilter(ctx context.Context) string { return runOf(ctx).filter }

// BeginRun installs cfg in a new run and, when live (not a dry run), starts
// the shared observation and the OnRunStart work. filter is the run's
// complete label filter. End it with End.
func BeginRun(cfg Config, filter string, live bool) *Run {
	r := &Run{cfg: cfg.Defaults(), filter: filter, budget: stream.NewBudget(stream.DefaultBudget),
		cancelStart: func() {}, waitStart: func() {}}
	r.cfg.run = r
	r.ctx, r.cancel = context.WithCancel(context.WithValue(context.Background(), runKey{}, r))
	if live {
		r.startObservation()
		var ctx context.Context
		ctx, r.cancelStart = context.WithCancel(r.ctx)
		r.waitStart = startRun(ctx, r.filter)
	}
	return r
}

// Config is the run's configuration.
func (r *Run) Config() Config { return r.cfg }

// context is ctx carrying the run (a check's context, see Execute).
func (r *Run) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, runKey{}, r)
}

// End stops the run's background work (the run-start work first, so none
// of it starts anything the browser's stop would miss), collects what the
// report needs, ends RunContext (so work started for the whole run stops
// instead of being waited out) and runs the run's cleanups.
func (r *Run) End() RunEnd {
	r.cancelStart()
	r.waitStart()
	r.stopObservation()
	r.stopBrowser()
	var e RunEnd
	e.RecordingNames, e.Recordings = r.recorded()
	e.TargetDown, e.HookDown, e.SerialHint = r.targetDown(), r.hookDown.get(), r.serialHint()
	r.cancel()
	r.end.Lock()
	fs := r.end.fs
	r.end.fs, r.end.closed = nil, true
	r.end.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		runQuietly(fs[i])
	}
	return e
}

// onEnd registers f to run at the end of the run, or runs it at once when
// the run has ended (an abandoned check's late work).
func (r *Run) onEnd(f func()) {
	r.end.Lock()
	if !r.end.closed {
		r.end.fs = append(r.end.fs, f)
		r.end.Unlock()
		return
	}
	r.end.Unlock()
	runQuietly(f)
}

// runQuietly runs a cleanup; a verdict helper (which panics to end a
// check) or a bug in it ends only that cleanup.
func runQuietly(f func()) {
	defer func() { _ = recover() }()
	f()
}

// RunState is the run's value of type T under key, made by init on first
// use: what a package of checks keeps across the checks of one run
// (scenarios several checks judge). It ends with the run; work it starts
// registers its end with Cleanup from the run-start context or a check's.
func RunState[T any](ctx context.Context, key any, init func() *T) *T {
	r := runOf(ctx)
	if v, ok := r.values.Load(key); ok {
		return v.(*T)
	}
	v, _ := r.values.LoadOrStore(key, init())
	return v.(*T)
}

// stateString is a string guarded by its own lock (a run's verdict on the
// target or the hook, set once).
type stateString struct {
	sync.Mutex
	s string
}

func (s *stateString) get() string {
	s.Lock()
	defer s.Unlock()
	return s.s
}

// setOnce keeps the first reason given.
func (s *stateString) setOnce(v string) {
	s.Lock()
	defer s.Unlock()
	if s.s == "" {
		s.s = v
	}
}

// Current is the configuration of the run ctx belongs to (a check's or the
// run-start work's context).
func Current(ctx context.Context) Config { return runOf(ctx).cfg }

// RequestHeader is the user's extra headers plus h (h wins).
func (c Config) RequestHeader(h http.Header) http.Header {
	out := c.Header.Clone()
	if out == nil {
		out = http.Header{}
	}
	for k, vs := range h {
		out[k] = vs
	}
	return out
}

// RunContext is the context of ctx's run itself, outside any check: for
// work a check starts on behalf of the whole run (scenarios several checks
// judge), whose Cleanup then waits for the run's end. It ends when the
// run does.
func RunContext(ctx context.Context) context.Context { return runOf(ctx).ctx }
