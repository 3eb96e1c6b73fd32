package suite

import (
	"fmt"
	"time"
)

// Timeouts are the run's durations that a user can set, each default
// defined here once: the CLI's flags, their help and the README take their
// defaults from DefaultTimeouts, and Config.Defaults fills zero fields from
// it (in the manner of Gateway API's conformance TimeoutConfig).
//
// They are of two kinds, and only one is scaled by Config.TimeScale:
//   - thresholds say what conforms (a stream silent for longer than
//     KeepaliveMax fails SSE-KEEP-001). Scaling them would change the
//     verdict, not the harness's patience, so --time-scale leaves them alone;
//   - waits are how long the harness collects or waits for something to
//     happen. A slow CI machine needs them longer, never shorter, so
//     --time-scale multiplies them.
type Timeouts struct {
	// KeepaliveMax (threshold, --keepalive-max): the longest silence a stream
	// may have before a keepalive (SSE-KEEP-001). The standard suggests a
	// comment every 15 s or so.
	KeepaliveMax time.Duration
	// LatencyBudget (threshold, --latency-budget): the longest acceptable
	// publish→receipt delay per event, judged at the 95th percentile.
	LatencyBudget time.Duration
	// Hold (threshold, --hold): how long the slow checks hold a stream open;
	// a stream must survive it (SSE-KEEP-004, SSE-PROXY-004/013).
	Hold time.Duration

	// WindowSlack (wait): the shared observation window records this long
	// past KeepaliveMax when --window is not given, so a keepalive due at
	// KeepaliveMax has time to arrive.
	WindowSlack time.Duration
	// ProxyWindow (wait): proxy mode's --window default. The observed stream
	// is the suite's own origin (an event every 500 ms), so a short window
	// shows it all and bounds the browser checks' waits.
	ProxyWindow time.Duration
	// ProbeWait (wait, --probe-wait): how long the first request through a
	// proxy is retried while the proxy answers without reaching the origin
	// (Squid re-probes a cache_peer that was down at its start).
	ProbeWait time.Duration
	// Run (wait, --timeout): the whole run's deadline; a run against a
	// healthy target takes under a minute, so only a hung run reaches it.
	// With --slow it grows by 3×Hold (slow checks hold streams one after
	// another).
	Run time.Duration
}

// DefaultTimeouts are the defaults of every Timeouts field.
func DefaultTimeouts() Timeouts {
	return Timeouts{
		KeepaliveMax:  15 * time.Second,
		LatencyBudget: 100 * time.Millisecond,
		Hold:          65 * time.Second,
		WindowSlack:   5 * time.Second,
		ProxyWindow:   8 * time.Second,
		ProbeWait:     15 * time.Second,
		Run:           DefaultTimeout,
	}
}

// DefaultTimeout bounds a run without --timeout (Timeouts.Run's default).
const DefaultTimeout = 15 * time.Minute

// MaxTimeScale bounds --time-scale: past it a hung run would take hours to
// give up.
const MaxTimeScale = 20

// Scale is d multiplied by the run's time scale (1 when unset): for waits,
// never for thresholds (see Timeouts).
func (c Config) Scale(d time.Duration) time.Duration {
	if c.TimeScale <= 1 {
		return d
	}
	return time.Duration(float64(d) * c.TimeScale)
}

func (c Config) validateTimeScale() error {
	if c.TimeScale != 0 && (c.TimeScale < 1 || c.TimeScale > MaxTimeScale) {
		return fmt.Errorf("--time-scale %g: want 1 to %d (it lengthens the harness's waits, never shortens them)", c.TimeScale, MaxTimeScale)
	}
	return nil
}
