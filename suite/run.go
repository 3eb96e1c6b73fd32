package suite

import (
	"context"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// runLock makes runs in one process take turns. The run's state
// (configuration, shared observation, health, recordings, browser, the
// check in progress) is process-wide because the checks' helpers take no
// run argument; BeginRun resets all of it, and the lock keeps two runs from
// interleaving. A second run waits for the first to End.
var runLock sync.Mutex

// Run is one run of the suite in progress, between BeginRun and End.
type Run struct {
	cancelStart context.CancelFunc
	waitStart   func()
	live        bool
}

// RunEnd is what a finished run leaves for its report.
type RunEnd struct {
	RecordingNames []string
	Recordings     map[string]*stream.Recording
	TargetDown     string // see TargetDown
	HookDown       string // see HookDown
	SerialHint     string // see SerialHint
}

var runFilter struct {
	sync.Mutex
	s string
}

// RunFilter is the run's complete Ginkgo label filter (the checks it selects).
func RunFilter() string {
	runFilter.Lock()
	defer runFilter.Unlock()
	return runFilter.s
}

// BeginRun waits for any other run in the process to end, installs cfg,
// forgets everything a previous run left, and, when live (not a dry run),
// starts the shared observation and the OnRunStart work. filter is the
// run's complete label filter. End it with End.
func BeginRun(cfg Config, filter string, live bool) *Run {
	runLock.Lock()
	SetConfig(cfg)
	runFilter.Lock()
	runFilter.s = filter
	runFilter.Unlock()
	resetRun()
	r := &Run{live: live, cancelStart: func() {}, waitStart: func() {}}
	if live {
		StartObservation()
		var ctx context.Context
		ctx, r.cancelStart = context.WithCancel(context.Background())
		r.waitStart = StartRun(ctx, filter)
	}
	return r
}

// End stops the run's background work (the run-start work first, so none
// of it starts anything the browser's stop would miss), collects what the
// report needs, runs the OnRunEnd functions and lets the next run begin.
func (r *Run) End() RunEnd {
	defer runLock.Unlock()
	r.cancelStart()
	r.waitStart()
	StopObservation()
	StopBrowser()
	var e RunEnd
	e.RecordingNames, e.Recordings = Recordings()
	e.TargetDown, e.HookDown, e.SerialHint = TargetDown(), HookDown(), SerialHint()
	runEnd.Lock()
	fs := append(runEnd.fs, runEnd.once...)
	runEnd.once = nil
	runEnd.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
	return e
}

var runEnd struct {
	sync.Mutex
	fs   []func() // every run
	once []func() // this run
}

// OnRunEndOnce registers f to run at the end of the current run only.
func OnRunEndOnce(f func()) {
	runEnd.Lock()
	defer runEnd.Unlock()
	runEnd.once = append(runEnd.once, f)
}

// OnRunEnd registers f to run at the end of every run, for state a package
// of checks keeps across the checks of one run (scenarios several checks
// judge). It returns true, for use as var _ = suite.OnRunEnd(...).
func OnRunEnd(f func()) bool {
	runEnd.Lock()
	defer runEnd.Unlock()
	runEnd.fs = append(runEnd.fs, f)
	return true
}

// resetRun forgets the previous run's state (runLock held).
func resetRun() {
	resetHealth()
	recordings.Lock()
	recordings.byName, recordings.order = map[string]*stream.Recording{}, nil
	recordings.Unlock()
	shared.Lock()
	shared.conn, shared.err, shared.ready, shared.cancel, shared.sampled = nil, nil, nil, nil, nil
	shared.Unlock()
	headersHeld.Store(false)
	firstPublish.Store(0)
	nudges.Lock()
	nudges.last = time.Time{}
	nudges.Unlock()
}
