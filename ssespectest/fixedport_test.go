package ssespectest_test

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/ssespectest"
)

// fixedPortRuns counts the calls of TestFixedPort's function: the suite
// runs in this process, so it must be called once per -count.
var fixedPortRuns atomic.Int32

func TestMain(m *testing.M) {
	code := m.Run()
	count := 1
	if f := flag.Lookup("test.count"); f != nil {
		fmt.Sscan(f.Value.String(), &count)
	}
	if n := int(fixedPortRuns.Load()); n != 0 && n != count {
		fmt.Fprintf(os.Stderr, "FAIL: TestFixedPort's function ran %d times for -count=%d\n", n, count)
		code = 1
	}
	os.Exit(code)
}

// freeAddr is a loopback address with a port chosen now and then listened
// on by number, as a server configured with a fixed port would.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestFixedPort is a handler on a fixed port, tested as users do: were the
// suite to re-execute the test binary, a second copy of this function would
// find the port taken.
func TestFixedPort(t *testing.T) {
	fixedPortRuns.Add(1)
	addr := freeAddr(t)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on the fixed address %s: %v", addr, err)
	}
	srv := refserver.New(refserver.Options{Keepalive: 300 * time.Millisecond, Tick: 200 * time.Millisecond})
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	defer func() { srv.Close(); hs.Close() }()

	r := ssespectest.Run(t, ssespectest.Config{
		URL: "http://" + addr + "/events", KeepaliveMax: time.Second, Window: 2500 * time.Millisecond,
		LabelFilter: "area:FRAME || area:HTTP", Browser: "off",
	})
	if r.Summary.Pass == 0 {
		t.Fatalf("nothing passed: %+v", r.Summary)
	}
}

func TestFixedPortRanOnce(t *testing.T) {
	if n := fixedPortRuns.Load(); n > 1 {
		t.Fatalf("TestFixedPort's function ran %d times", n)
	}
}

// TestRunSelectsSubtests: -run 'TestFixedPort/SSE-FRAME' runs the FRAME
// checks and nothing else, in a process of its own (its -run is not ours).
func TestRunSelectsSubtests(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in a child process")
	}
	out, err := exec.Command(os.Args[0], "-test.run=^TestFixedPort$/SSE-FRAME", "-test.v", "-test.count=1").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var ran []string
	for _, line := range strings.Split(string(out), "\n") {
		if name, ok := strings.CutPrefix(line, "=== RUN   TestFixedPort/"); ok {
			ran = append(ran, name)
		}
	}
	if len(ran) == 0 {
		t.Fatalf("no FRAME subtest ran:\n%s", out)
	}
	for _, name := range ran {
		if !strings.HasPrefix(name, "SSE-FRAME-") {
			t.Fatalf("subtest %s ran; want FRAME checks only (ran %v)", name, ran)
		}
	}
	t.Logf("ran %d FRAME subtests", len(ran))
}
