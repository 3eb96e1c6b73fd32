package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/internal/junitcheck"
	"github.com/ssespec/ssespec/reports"
)

// TestTargetThatDiesIsOneFinding: a target that crashes or deadlocks
// mid-run is reported once ("stopped answering after SSE-… at …"), and the
// checks after it say they were not run, instead of each failing its own way.
func TestTargetThatDiesIsOneFinding(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"crash", "deadlock"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			broker := faults.Handler("publish-ok")
			var publishes atomic.Int32
			hang, stop := make(chan struct{}), make(chan struct{})
			var once sync.Once
			var ts *httptest.Server
			ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/publish" && publishes.Add(1) == 5 {
					// The library breaks on its fifth publish.
					once.Do(func() {
						if how == "crash" {
							go ts.CloseClientConnections()
							go ts.Listener.Close()
						} else {
							close(hang)
						}
					})
				}
				if how == "deadlock" {
					select {
					case <-hang:
						select { // every request from now on hangs
						case <-r.Context().Done():
						case <-stop: // (a POST whose body was never read sees no disconnect)
						}
						return
					default:
					}
				}
				broker.ServeHTTP(w, r)
			}))
			t.Cleanup(func() {
				close(stop)
				ts.Close()
			})
			dir := t.TempDir()
			r := cli(t, "run", "--url", ts.URL+"/events", "--publish-url", ts.URL+"/publish",
				"--keepalive-max", "1s", "--window", "2s", "--browser", "off", "--report-dir", dir)
			rep, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
			if err != nil {
				t.Fatalf("exit %d, no report: %v\n%s", r.code, err, r.stderr)
			}
			t.Logf("exit %d in %v: %s", r.code, r.took.Round(100*time.Millisecond), rep.TargetStopped)
			if !strings.Contains(rep.TargetStopped, "stopped answering after SSE-") {
				t.Fatalf("report.json target_stopped = %q", rep.TargetStopped)
			}
			junitcheck.Verify(t, dir)
			if !strings.Contains(r.stdout, "TARGET DOWN: the target stopped answering after SSE-") {
				t.Errorf("the terminal does not say it:\n%s", tail(r.stdout))
			}
			notRun := 0
			for _, res := range rep.Results {
				if strings.HasPrefix(res.Message, "not run: the target stopped answering") {
					notRun++
				}
			}
			if notRun == 0 {
				t.Errorf("no check after the death says it was not run")
			}
			if r.code != exitFailed || r.took > 90*time.Second {
				t.Errorf("exit %d in %v, want 1 in bounded time", r.code, r.took)
			}
		})
	}
}

// singleThreaded serves one connection at a time, as a development server
// without threads does: the next connection waits until the stream ends.
func singleThreaded(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			for { // the request head
				line, err := br.ReadString('\n')
				if err != nil || line == "\r\n" || line == "\n" {
					break
				}
			}
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\nretry: 1000\n\n")
			for i := 1; ; i++ {
				if _, err := fmt.Fprintf(c, "id: %d\ndata: tick %d\n\n", i, i); err != nil {
					break
				}
				select {
				case <-done:
				case <-time.After(200 * time.Millisecond):
					continue
				}
				break
			}
			c.Close()
		}
	}()
	return "http://" + ln.Addr().String() + "/events"
}

// TestSingleThreadedTargetIsNamed: a target that serves one connection at
// a time gets one sentence saying so, not a page of timeouts.
func TestSingleThreadedTargetIsNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := cli(t, "run", "--url", singleThreaded(t), "--keepalive-max", "1s", "--window", "3s", "--browser", "off", "--report-dir", dir)
	rep, err := reports.ReadJSON(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatalf("exit %d, no report: %v\n%s", r.code, err, r.stderr)
	}
	t.Logf("exit %d in %v: %s", r.code, r.took.Round(100*time.Millisecond), rep.TargetStopped)
	said := rep.TargetStopped + strings.Join(rep.Warnings, " ")
	if !strings.Contains(said, "one connection at a time") {
		for _, res := range rep.Results {
			t.Logf("%s %s %d ms: %.200s", res.ID, res.Verdict, res.DurationMS, res.Message)
		}
		t.Fatalf("target_stopped = %q, warnings %q", rep.TargetStopped, rep.Warnings)
	}
	if r.took > 60*time.Second {
		t.Errorf("took %v", r.took)
	}
	if res := rep.Result("SSE-HTTP-008"); res != nil && res.Verdict == reports.Fail {
		t.Errorf("SSE-HTTP-008 fails a server only because it serves one connection at a time: %s", res.Message)
	}
}
