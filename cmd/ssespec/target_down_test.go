package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
)

// TestTargetThatDiesIsOneFinding: a target that crashes or deadlocks
// mid-run is reported once ("stopped answering after SSE-… at …"), and the
// checks after it say they were not run, instead of each failing its own way.
func TestTargetThatDiesIsOneFinding(t *testing.T) {
	for _, how := range []string{"crash", "deadlock"} {
		t.Run(how, func(t *testing.T) {
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
