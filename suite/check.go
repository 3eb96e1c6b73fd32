package suite

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
)

// Check declares one conformance check as a Ginkgo spec: it registers the
// metadata (rejecting duplicate IDs), labels the spec with its ID, level,
// area and modes, bounds it with a spec timeout, and skips it when its mode
// or --slow rules it out. Call it inside a Describe so it runs at tree
// construction, after the run's configuration is set.
func Check(m Meta, body func(ctx SpecContext)) bool {
	register(m)
	return It(m.ID+" "+m.Title, Label(m.Labels()...), SpecTimeout(specTimeout(m)), func(ctx SpecContext) {
		cfg := Current()
		if why := offlineSkip(m, cfg); why != "" {
			Skipf("%s", why)
		}
		if m.Slow && !cfg.Slow {
			Skipf("slow check: run with --slow (holds a stream for %v)", cfg.Hold)
		}
		if down := TargetDown(); down != "" {
			Undecided("not run: %s. Restart the target and run again", down)
		}
		body(ctx)
	})
}

// specTimeout is a safety net above the check's own deadlines, so a check
// that forgets one still ends with an error verdict instead of hanging.
func specTimeout(m Meta) time.Duration {
	cfg := Current()
	d := cfg.Window + 2*time.Minute
	if m.Slow {
		d += 2 * cfg.Hold
	}
	return d
}
