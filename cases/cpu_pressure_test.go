package cases

import (
	"testing"
	"time"
)

func TestParseCPUSome(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"some avg10=0.00 avg60=12.86 avg300=28.92 total=15443938269\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", 15443938269 * time.Microsecond, true},
		{"full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", 0, false},
		{"some avg10=0.00 total=x\n", 0, false},
		{"", 0, false},
	} {
		got, ok := parseCPUSome(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestCPUWaitMeter: where the kernel reports CPU pressure, the share of a
// stretch spent with some task waiting is a fraction.
func TestCPUWaitMeter(t *testing.T) {
	m := startCPUWaitMeter()
	if !m.ok {
		t.Skip("this kernel has no /proc/pressure/cpu")
	}
	time.Sleep(50 * time.Millisecond)
	share, ok := m.share()
	if !ok || share < 0 || share > 1 {
		t.Errorf("share %v (ok %v), want a fraction", share, ok)
	}
}
