package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
)

// hostileANSI recolours, retitles and clears a terminal that prints it.
const hostileANSI = "\x1b[31mEVIL\x1b[0m\x1b]0;pwned\x07\x1b[2J\r\u009b1m"

// TestTargetTextCannotWriteOnTheTerminal: a publish hook that answers 500
// with escape sequences, and a stream whose data carries them, reach the
// console only as visible stand-ins.
func TestTargetTextCannotWriteOnTheTerminal(t *testing.T) {
	t.Parallel()
	bin := buildCLI(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(hostileANSI))
	}))
	t.Cleanup(hook.Close)
	for _, target := range []string{casetest.Fault(t, "hostile-script"), func() string { u, _ := casetest.Reference(t); return u }()} {
		r := runChild(t, bin, hostileMaxRSS, 3*time.Minute, 0, "run", "--url", target, "--publish-url", hook.URL+"/publish",
			"--keepalive-max", "1s", "--window", "2s", "--browser", "off", "--report-dir", t.TempDir(),
			"--label-filter", "area:FLUSH || area:FRAME || area:DATA")
		if r.code != exitOK && r.code != exitFailed {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		out := r.stdout + r.stderr
		if i := strings.IndexAny(out, "\x1b\x07\r\u009b"); i >= 0 {
			t.Errorf("%s: the console got a control character: %q", target, out[max(0, i-60):min(len(out), i+40)])
		}
		if !strings.Contains(out, "<ESC>[31mEVIL") {
			t.Errorf("%s: the hook's answer is not shown escaped:\n%s", target, out)
		}
	}
}

func TestLabelFilterErrorIsPlainText(t *testing.T) {
	r := cli(t, "run", "--url", "http://127.0.0.1:9/", "--label-filter", "id:((")
	if r.code != exitUsage || !strings.Contains(r.stderr, "Syntax Error Parsing Label Filter") || strings.ContainsRune(r.stderr, 0x1b) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
