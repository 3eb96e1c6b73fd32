package suite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
)

// A publish hook that hangs costs publish.Timeout per publish, and a run
// publishes hundreds of times: after the first timeout every later publish
// fails at once with the first one's reason, so the run stays bounded and
// says one true thing about the hook (Run.hookDown: why the hook is
// considered dead, or "").

// guardedHook is the hook of a run: nil run (a configuration not being
// run) publishes without keeping any of this.
type guardedHook struct {
	publish.Publisher
	run *Run
}

func (g guardedHook) Publish(ctx context.Context, ev publish.Event) error {
	if g.run == nil {
		return g.Publisher.Publish(ctx, ev)
	}
	if down := g.run.hookDown.get(); down != "" {
		return errors.New(down)
	}
	// A time.Time with its monotonic reading: compared with when headers
	// came, it must not follow the wall clock, which this machine's
	// hypervisor was seen to step by 15 ms.
	now := time.Now()
	g.run.firstPublish.CompareAndSwap(nil, &now)
	err := g.Publisher.Publish(ctx, ev)
	var se *publish.StatusError
	switch {
	case err == nil || ctx.Err() != nil:
	case errors.Is(err, context.DeadlineExceeded):
		g.run.hookDown.setOnce(fmt.Sprintf("the publish hook (%s) did not answer within %v at %s, so later publishes were not attempted", g.Publisher, publish.Timeout, time.Now().Format("15:04:05")))
	case errors.As(err, &se) && se.NoSuchHook():
		// A wrong --publish-url fails every publish the same way: one
		// finding, not one error per check.
		g.run.hookDown.setOnce(fmt.Sprintf("the publish hook (%s) answered %d %s, so it is not a publish hook: is --publish-url right? Later publishes were not attempted", g.Publisher, se.Code, http.StatusText(se.Code)))
	case errors.Is(err, syscall.ECONNREFUSED):
		g.run.hookDown.setOnce(fmt.Sprintf("the publish hook (%s) refused the connection: is its server running, and is --publish-url right? Later publishes were not attempted", g.Publisher))
	}
	return err
}
