package cases

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// cpuWaited is the kernel's running total of time in which some task on
// this machine waited for a CPU (Linux pressure stall information,
// /proc/pressure/cpu "some total=", in µs); ok is false where the kernel
// does not offer it. A proxy on this machine waits with the rest, which
// the direct twins' control does not show.
func cpuWaited() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return 0, false
	}
	return parseCPUSome(string(b))
}

// parseCPUSome reads the "some" line's total of /proc/pressure/cpu.
func parseCPUSome(s string) (time.Duration, bool) {
	line, _, _ := strings.Cut(s, "\n")
	_, total, found := strings.Cut(line, " total=")
	if !strings.HasPrefix(line, "some ") || !found {
		return 0, false
	}
	us, err := strconv.ParseInt(strings.TrimSpace(total), 10, 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(us) * time.Microsecond, true
}

// cpuWaitMeter measures the share of a stretch of time in which some task
// on this machine waited for a CPU.
type cpuWaitMeter struct {
	start  time.Time
	waited time.Duration
	ok     bool
}

func startCPUWaitMeter() cpuWaitMeter {
	w, ok := cpuWaited()
	return cpuWaitMeter{start: time.Now(), waited: w, ok: ok}
}

// share is the fraction of the time since the start in which some task
// waited for a CPU; ok is false when the kernel does not say.
func (m cpuWaitMeter) share() (float64, bool) {
	w, ok := cpuWaited()
	el := time.Since(m.start)
	if !m.ok || !ok || el <= 0 {
		return 0, false
	}
	return min(1, float64(w-m.waited)/float64(el)), true
}
