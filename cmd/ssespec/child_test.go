package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// builtCLI is the real ssespec binary (main's signal handling included),
// built once per test process; TestMain removes it.
var builtCLI = struct {
	once sync.Once
	path string
	err  error
	out  []byte
}{}

func buildCLI(t *testing.T) string {
	t.Helper()
	builtCLI.once.Do(func() {
		dir, err := os.MkdirTemp("", "ssespec-cli-")
		if err != nil {
			builtCLI.err = err
			return
		}
		builtCLI.path = filepath.Join(dir, "ssespec")
		cmd := exec.Command("go", "build", "-o", builtCLI.path, ".")
		builtCLI.out, builtCLI.err = cmd.CombinedOutput()
	})
	if builtCLI.err != nil {
		t.Fatalf("go build: %v\n%s", builtCLI.err, builtCLI.out)
	}
	return builtCLI.path
}

// childRun is one finished run of the built CLI.
type childRun struct {
	result
	killedAt int64 // RSS (bytes) at which the watchdog killed it; 0 when it was not
	hwm      int64 // the highest VmHWM polled: the child's own peak, short of its last 50 ms
}

// runChild runs the built CLI and records its peak RSS: result.maxRSS is
// rusage's, an upper bound (Linux counts the forking process's RSS at exec
// too, so it is never below the test process's), hwm the child's own
// VmHWM as last polled. A watchdog polls VmRSS and kills the child
// past killRSS or after killAfter, so a regression fails the test instead
// of taking the shared machine's memory. signalAfter > 0 sends SIGTERM then.
func runChild(t *testing.T, bin string, killRSS int64, killAfter, signalAfter time.Duration, args ...string) childRun {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var killed, hwm int64
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		signaled := false
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			rss, peak := vmRSS(cmd.Process.Pid)
			hwm = max(hwm, peak)
			if rss > killRSS {
				killed = rss
				cmd.Process.Kill()
				return
			}
			if signalAfter > 0 && !signaled && time.Since(start) > signalAfter {
				signaled = true
				cmd.Process.Signal(syscall.SIGTERM)
			}
			if time.Since(start) > killAfter {
				cmd.Process.Kill()
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	<-watched
	r := childRun{result: result{stdout: out.String(), stderr: errb.String(), took: time.Since(start), maxRSS: maxRSS(cmd.ProcessState), cpu: cpuTime(cmd.ProcessState)}, killedAt: killed, hwm: hwm}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// vmRSS is the process's resident set and its high-water mark in bytes
// (0 once it is gone).
func vmRSS(pid int) (rss, hwm int64) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, v, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			hwm = kb << 10
		}
	}
	return rss, hwm
}
