package suite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// Verdicts an Outcome carries (the reports package's words).
const (
	VerdictPass  = "pass"
	VerdictFail  = "fail"
	VerdictError = "error"
	VerdictSkip  = "skip"
)

// Outcome is how one check ended, whichever executor ran it: the Ginkgo
// spec tree (the CLI) and ssespectest's subtests both run Execute, so the
// same target gets the same verdicts from both.
type Outcome struct {
	Verdict string
	Message string  // why (fail, error, skip); "" on pass
	Entries []Entry // Expected/Actual, evidence and notes, in the order given
	Start   time.Time
	RunTime time.Duration
}

// Entry is one named piece of a check's report (see the Entry* names).
type Entry struct {
	Name  string
	Value any
}

// GracePeriod is how long a check whose timeout passed may take to return
// before it is abandoned (Ginkgo's default grace period).
const GracePeriod = 30 * time.Second

// grace is GracePeriod, a variable so the package's tests can abandon a
// check quickly.
var grace = GracePeriod

// stop is the panic value the verdict helpers end a check body with; only
// Execute recovers it.
type stop struct{ verdict, msg string }

// checkRun is one check's record: the verdict helpers, given the check's
// context, record into it.
type checkRun struct {
	sync.Mutex
	entries  []Entry
	cleanups []func()
	closed   bool // its outcome was taken and its cleanups ran: later entries go nowhere, a late Cleanup runs at once
}

type checkKey struct{}

// checkOf is the check ctx belongs to, nil outside one (run-start work).
func checkOf(ctx context.Context) *checkRun {
	c, _ := ctx.Value(checkKey{}).(*checkRun)
	return c
}

func addEntry(ctx context.Context, name string, v any) {
	if c := checkOf(ctx); c != nil {
		c.Lock()
		if !c.closed { // a check abandoned after its timeout: nobody reads it
			c.entries = append(c.entries, Entry{name, v})
		}
		c.Unlock()
	}
}

// Cleanup registers f to run when the check ctx belongs to ends, whatever
// its verdict (last registered, first run), like a deferred call that also
// runs when the check is abandoned after its timeout. With the run-start
// work's context (work a run shares between checks) f runs when the run
// ends.
func Cleanup(ctx context.Context, f func()) {
	c := checkOf(ctx)
	if c == nil {
		runOf(ctx).onEnd(f)
		return
	}
	c.Lock()
	if !c.closed {
		c.cleanups = append(c.cleanups, f)
		c.Unlock()
		return
	}
	c.Unlock()
	// Its check is over (abandoned, its cleanups already ran): nothing will
	// run f but this.
	runQuietly(f)
}

type checkIDKey struct{}

// interruptKey holds the context Execute was given: it ends when the run
// is interrupted, not when the check's own time is up.
type interruptKey struct{}

// detached is ctx without its check's deadline, for a stream a check opens:
// the stream outlives the check's body until its cleanup closes it, yet
// ends when the run is interrupted, so a ^C never waits out a target's
// header timeout. release frees it once the stream has ended.
func detached(ctx context.Context) (d context.Context, release func()) {
	d, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if ictx, ok := ctx.Value(interruptKey{}).(context.Context); ok {
		stop := context.AfterFunc(ictx, cancel)
		return d, func() { stop(); cancel() }
	}
	return d, cancel
}

// StreamOpen is stream.Open for a check's own stream: it is not cut at the
// check's deadline (the check closes it, so its recording ends as closed)
// but ends when the run is interrupted.
func StreamOpen(ctx context.Context, req stream.Request, opts stream.Options) (*stream.Conn, error) {
	d, release := detached(ctx)
	c, err := stream.Open(d, req, opts)
	go func() { <-c.Done(); release() }()
	return c, err
}

// StreamStart is stream.Start as StreamOpen is stream.Open.
func StreamStart(ctx context.Context, req stream.Request, opts stream.Options) (*stream.Conn, error) {
	d, release := detached(ctx)
	c, err := stream.Start(d, req, opts)
	go func() { <-c.Done(); release() }()
	return c, err
}

// CheckID is the ID of the check whose context ctx is ("" outside one).
func CheckID(ctx context.Context) string {
	id, _ := ctx.Value(checkIDKey{}).(string)
	return id
}

// Execute runs one check of the run and returns its outcome: its body in a
// goroutine of its own, bounded by SpecTimeout plus GracePeriod, with its
// cleanups run afterwards. The body's context carries the run and the
// check, which is how the helpers it calls find them. A run's checks run
// one at a time (their windows and publishes would disturb each other: a
// second Execute waits for the first to return);
// ctx ending (an interrupt, the run's deadline) ends the check in error.
func (r *Run) Execute(ctx context.Context, c CheckDef) Outcome {
	r.checking.Lock()
	defer r.checking.Unlock()
	cr := &checkRun{}
	start := time.Now()
	limit := SpecTimeout(r.cfg, c.Meta)
	cctx := context.WithValue(r.context(ctx), checkIDKey{}, c.ID)
	cctx = context.WithValue(cctx, interruptKey{}, ctx)
	cctx, cancel := context.WithTimeout(context.WithValue(cctx, checkKey{}, cr), limit)
	defer cancel()
	done := make(chan stop, 1)
	go func() {
		// A body that neither returns nor panics called runtime.Goexit
		// (testing's FailNow, say): that is no verdict, never a pass.
		s := stop{VerdictError, "the check exited without a verdict (runtime.Goexit, e.g. a testing.T FailNow inside the check)"}
		defer func() {
			if r := recover(); r != nil {
				if st, ok := r.(stop); ok {
					s = st
				} else {
					s = stop{VerdictError, fmt.Sprintf("panicked: %v", r)}
				}
			}
			done <- s
		}()
		r.precheck(c.Meta)
		c.Body(cctx)
		s = stop{verdict: VerdictPass}
	}()
	var s stop
	select {
	case s = <-done:
	case <-cctx.Done():
		select {
		case s = <-done:
		case <-time.After(grace):
			// Abandoned: its late entries go to its own record, closed
			// below, never to the next check's.
		}
		switch {
		case ctx.Err() != nil:
			s = stop{VerdictError, "interrupted: the run ended before the check finished (" + context.Cause(ctx).Error() + ")"}
		case errors.Is(cctx.Err(), context.DeadlineExceeded):
			s = stop{VerdictError, fmt.Sprintf("the check did not finish in time: its %v timeout passed", limit)}
		}
	}
	runCleanups(cr)
	cr.Lock()
	out := Outcome{Verdict: s.verdict, Message: s.msg, Entries: cr.entries, Start: start, RunTime: time.Since(start)}
	cr.Unlock()
	if s.verdict == VerdictPass {
		out.Message = ""
	}
	r.afterCheck(c.ID, out)
	return out
}

// precheck skips what the run rules out and says once that the target died.
func (r *Run) precheck(m Meta) {
	cfg := r.cfg
	if why := offlineSkip(m, cfg); why != "" {
		Skipf("%s", why)
	}
	if m.Slow && !cfg.Slow {
		Skipf("slow check: run with --slow (holds a stream for %v)", cfg.Hold)
	}
	if down := r.targetDown(); down != "" {
		Undecided("not run: %s. Restart the target and run again", down)
	}
}

func runCleanups(cr *checkRun) {
	cr.Lock()
	fs := cr.cleanups
	cr.cleanups, cr.closed = nil, true
	cr.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		runQuietly(fs[i])
	}
}
