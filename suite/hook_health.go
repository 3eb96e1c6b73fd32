package suite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ssespec/ssespec/harness/publish"
)

// A publish hook that hangs costs publish.Timeout per publish, and a run
// publishes hundreds of times: after the first timeout every later publish
// fails at once with the first one's reason, so the run stays bounded and
// says one true thing about the hook.
var hookHealth struct {
	sync.Mutex
	down string
}

// HookDown says why the publish hook is considered dead, or "".
func HookDown() string {
	hookHealth.Lock()
	defer hookHealth.Unlock()
	return hookHealth.down
}

func resetHookHealth() {
	hookHealth.Lock()
	hookHealth.down = ""
	hookHealth.Unlock()
}

type guardedHook struct{ publish.Publisher }

func (g guardedHook) Publish(ctx context.Context, ev publish.Event) error {
	if down := HookDown(); down != "" {
		return errors.New(down)
	}
	err := g.Publisher.Publish(ctx, ev)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		hookHealth.Lock()
		if hookHealth.down == "" {
			hookHealth.down = fmt.Sprintf("the publish hook (%s) did not answer within %v at %s, so later publishes were not attempted", g.Publisher, publish.Timeout, time.Now().Format("15:04:05"))
		}
		hookHealth.Unlock()
	}
	return err
}
