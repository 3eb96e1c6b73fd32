package suite

import (
	"context"
	"sync"
)

// runStart are the functions OnRunStart registered (at package init, like
// the checks: no run's state).
var runStart struct {
	sync.Mutex
	fs []func(ctx context.Context, labelFilter string)
}

// OnRunStart registers f to run, in its own goroutine, when a run starts
// (after the shared observation has started, before the first check): for
// slow preparation that overlaps the observation window, such as starting
// the browser. labelFilter is the run's complete Ginkgo label filter; ctx
// carries the run (the check helpers take it) and ends when the last check
// has finished. It returns true, for use as
// var _ = suite.OnRunStart(...).
func OnRunStart(f func(ctx context.Context, labelFilter string)) bool {
	runStart.Lock()
	defer runStart.Unlock()
	runStart.fs = append(runStart.fs, f)
	return true
}

// startRun runs the OnRunStart functions; the returned wait blocks until
// they have all returned (call it after ctx is canceled).
func startRun(ctx context.Context, labelFilter string) (wait func()) {
	runStart.Lock()
	fs := runStart.fs
	runStart.Unlock()
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Go(func() { f(ctx, labelFilter) })
	}
	return wg.Wait
}
