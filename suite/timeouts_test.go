package suite

import (
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// TestTimeScale: --time-scale lengthens the waits, explicit and default,
// once however often Defaults runs, and never the thresholds.
func TestTimeScale(t *testing.T) {
	d := DefaultTimeouts()
	c := Config{URL: "http://h/", TimeScale: 3, ProbeWait: 2 * time.Second}.Defaults().Defaults()
	for name, got := range map[string][2]time.Duration{
		"KeepaliveMax":  {c.KeepaliveMax, d.KeepaliveMax},
		"LatencyBudget": {c.LatencyBudget, d.LatencyBudget},
		"Hold":          {c.Hold, d.Hold},
		"Window":        {c.Window, d.KeepaliveMax + 3*d.WindowSlack},
		"ProbeWait":     {c.ProbeWait, 6 * time.Second},
		"Timeout":       {c.Timeout, 3 * d.Run},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %v, want %v", name, got[0], got[1])
		}
	}
	if c := (Config{URL: "http://h/", Window: 4 * time.Second}).Defaults(); c.Window != 4*time.Second || c.Timeout != d.Run {
		t.Errorf("unscaled: window %v, timeout %v", c.Window, c.Timeout)
	}
	for _, s := range []float64{0.5, MaxTimeScale + 1} {
		if err := (Config{URL: "http://h/", TimeScale: s}).Defaults().Validate(); err == nil {
			t.Errorf("--time-scale %g accepted", s)
		}
	}
	if err := (Config{URL: "http://h/", TimeScale: 2.5}).Defaults().Validate(); err != nil {
		t.Error(err)
	}
}

// TestStreamHeaderWaitScales: the wait for a stream's headers is a harness
// wait, lengthened by --time-scale.
func TestStreamHeaderWaitScales(t *testing.T) {
	cfg := Config{URL: "http://127.0.0.1:1/events", TimeScale: 3}
	if got := cfg.StreamOptions().HeaderTimeout; got != 3*stream.DefaultHeaderTimeout {
		t.Errorf("header wait %v with --time-scale 3, want %v", got, 3*stream.DefaultHeaderTimeout)
	}
	if got := (Config{}).StreamOptions().HeaderTimeout; got != stream.DefaultHeaderTimeout {
		t.Errorf("header wait %v unscaled, want %v", got, stream.DefaultHeaderTimeout)
	}
}
