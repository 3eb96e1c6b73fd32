package cases

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/procfs"

	"github.com/ssespec/ssespec/harness/procs"
)

// A proxy on this machine that is starved of CPU delivers late however well
// it is configured, and the direct twins, which the suite and the origin
// serve, do not show it. Linux keeps, per thread, how long it waited on a
// run queue (/proc/PID/task/TID/schedstat): the proxy's processes are the
// ones holding its listening socket (procs.Listeners).

// procWaitMeter measures how long the threads of the processes listening on
// a loopback port waited for a CPU: the busiest thread's wait, since a
// proxy's event loop is one thread, and waits of threads side by side do
// not add up to a longer delay.
type procWaitMeter struct {
	fs     procfs.FS
	pids   []int
	waited map[int]time.Duration // per thread at the start
	ok     bool
}

// startProcWaitMeter starts measuring the processes listening on rawURL's
// port when its host is a loopback address and this machine says (Linux,
// and the processes readable: the same user or root). The suite's own
// process is left out: the direct twins already show what it waits. ok is
// false when there is nothing to measure.
func startProcWaitMeter(rawURL string) procWaitMeter {
	var m procWaitMeter
	u, err := url.Parse(rawURL)
	if err != nil {
		return m
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	p, err := strconv.Atoi(port)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return m
	}
	if m.fs, err = procfs.NewDefaultFS(); err != nil {
		return m
	}
	holders, _, _ := procs.Listeners(p)
	m.pids = slices.DeleteFunc(holders, func(pid int) bool { return pid == os.Getpid() })
	return m.restart()
}

// restart is the meter measuring the same processes from now.
func (m procWaitMeter) restart() procWaitMeter {
	if len(m.pids) > 0 {
		m.waited = threadWaits(m.fs, m.pids)
		m.ok = len(m.waited) > 0
	}
	return m
}

// busiest is the longest any thread of the processes waited for a CPU
// since the start; ok is false when not measured.
func (m procWaitMeter) busiest() (time.Duration, bool) {
	if !m.ok {
		return 0, false
	}
	var most time.Duration
	for tid, w := range threadWaits(m.fs, m.pids) {
		most = max(most, w-m.waited[tid]) // a thread started since: all its wait
	}
	return most, true
}

// threadWaits is how long each thread of pids has waited on a run queue.
func threadWaits(fs procfs.FS, pids []int) map[int]time.Duration {
	out := map[int]time.Duration{}
	for _, pid := range pids {
		threads, err := fs.AllThreads(pid)
		if err != nil {
			continue
		}
		for _, t := range threads {
			if s, err := t.Schedstat(); err == nil {
				out[t.PID] = time.Duration(s.WaitingNanoseconds)
			}
		}
	}
	return out
}

// starved turns a fail into undecided when the proxy's busiest thread on
// this machine waited for a CPU, per event judged, at least as long as the
// median delay the proxy added (waited: over the series; ok false: not
// measured). A proxy denied the CPU is late through no fault of its
// configuration; one that holds events (a buffer, a 200 ms flush timer)
// adds more than it waits.
func starved(j latencyJudgement, waited time.Duration, ok bool) latencyJudgement {
	if j.Outcome != latencyFail || !ok || j.N == 0 {
		return j
	}
	per := waited / time.Duration(j.N)
	if per < j.Median {
		return j
	}
	j.Outcome = latencyUndecided
	j.Why = fmt.Sprintf("the proxy's busiest thread on this machine waited for a CPU %s per event judged (Linux schedstat), as long as the delay it added: "+
		"the machine is too loaded to tell the proxy's own delay (%s)", msTenths(per), j.Why)
	return j
}
