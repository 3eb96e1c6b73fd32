package cases

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestStarved: a fail becomes undecided only when the proxy's busiest
// thread waited for a CPU, per event, as long as the delay it added.
func TestStarved(t *testing.T) {
	const ms = time.Millisecond
	fail := latencyJudgement{Outcome: latencyFail, N: 3, Median: 110 * ms, Why: "3 of 3"}
	for _, tc := range []struct {
		name   string
		j      latencyJudgement
		waited time.Duration
		ok     bool
		want   latencyOutcome
	}{
		{"starved: waited 120 ms per event, added 110", fail, 360 * ms, true, latencyUndecided},
		{"holding: HAProxy's 200 ms timer, 5 ms waited per event", latencyJudgement{Outcome: latencyFail, N: 3, Median: 205 * ms}, 15 * ms, true, latencyFail},
		{"not measured", fail, 900 * ms, false, latencyFail},
		{"missing deliveries", latencyJudgement{Outcome: latencyFail, N: 3, Median: latencyMissing}, 900 * ms, true, latencyFail},
		{"a pass stays", latencyJudgement{Outcome: latencyPass, N: 3}, 900 * ms, true, latencyPass},
	} {
		got := starved(tc.j, tc.waited, tc.ok)
		if got.Outcome != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got.Outcome, tc.want)
		}
		if got.Outcome == latencyUndecided && !strings.Contains(got.Why, "120.0 ms per event") {
			t.Errorf("%s: %q", tc.name, got.Why)
		}
	}
}

// TestProcWaitMeterFindsTheListener: the meter finds the process listening
// on a loopback port and reads its threads' waits; the suite's own process
// and a non-loopback host are left out.
func TestProcWaitMeterFindsTheListener(t *testing.T) {
	if _, err := os.Stat("/proc/self/schedstat"); err != nil {
		t.Skip("no /proc/PID/schedstat here (not Linux, or a kernel without schedstats)")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must have python3")
		}
		t.Skip("no python3 to listen in another process")
	}
	cmd := exec.Command(py, "-c", `import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(1)
print(s.getsockname()[1], flush=True)
sys.stdin.read()`)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	port, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	port = strings.TrimSpace(port)
	m := startProcWaitMeter("http://127.0.0.1:" + port + "/")
	if len(m.pids) != 1 || m.pids[0] != cmd.Process.Pid || !m.ok {
		t.Fatalf("found %v (ok %v), want the listener %d", m.pids, m.ok, cmd.Process.Pid)
	}
	if _, ok := m.busiest(); !ok {
		t.Error("the listener's threads could not be read")
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if own := startProcWaitMeter("http://" + ln.Addr().String() + "/"); own.ok || len(own.pids) != 0 {
		t.Errorf("the suite's own listener was measured: %v", own.pids)
	}
	if remote := startProcWaitMeter("http://192.0.2.1:" + port + "/"); remote.ok {
		t.Error("a proxy on another host was measured")
	}
}
