package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/junitcheck"
)

// TestCredentialsNeverLeak: a run whose --url carries userinfo and a query
// token, whose --header carries a bearer token and whose --publish-url a
// key, against a target that redirects to another port and sets a session
// cookie. No secret appears in anything the run writes (console, reports,
// Ginkgo's log), and the other origin never gets the user's headers, the
// userinfo or a Referer. The redirect is a warning in the reports.
func TestCredentialsNeverLeak(t *testing.T) {
	t.Parallel()
	bin := buildCLI(t)
	ref := refserver.New(casetest.ReferenceOptions)
	t.Cleanup(ref.Close)
	var (
		mu   sync.Mutex
		seen []http.Header
	)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := r.Header.Clone()
		h.Set("X-Seen-URL", r.URL.String())
		seen = append(seen, h)
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "SECRETCOOKIE43", Path: "/"})
		ref.ServeHTTP(w, r)
	}))
	t.Cleanup(other.Close)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "SECRETCOOKIE42", Path: "/"})
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(front.Close)

	dir := t.TempDir()
	target := strings.Replace(front.URL, "http://", "http://u:SECRETPASS@", 1) + "/events?token=SECRETTOKEN&v=1"
	publish := other.URL + "/publish?key=SECRETPUBKEY"
	r := runChild(t, bin, hostileMaxRSS, 3*time.Minute, 0, "run", "--url", target, "--publish-url", publish,
		"--header", "Authorization: Bearer SECRETBEARER", "--header", "Cookie: session=SECRETUSERCOOKIE",
		"--keepalive-max", "1s", "--window", "2s", "--browser", "off", "--report-dir", dir,
		"--label-filter", "area:HTTP || area:FRAME || area:FLUSH || area:RESUME")
	if r.code != exitOK && r.code != exitFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	files := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	for _, want := range []string{"report.json", "report.html", "junit.xml", "ginkgo.log"} {
		if _, ok := files[want]; !ok {
			t.Errorf("%s not written", want)
		}
	}
	junitcheck.Verify(t, dir) // with a warning among its properties
	for name, text := range files {
		if i := strings.Index(text, "SECRET"); i >= 0 {
			t.Errorf("%s leaks %q", name, text[max(0, i-80):min(len(text), i+40)])
		}
	}
	if !strings.Contains(files["report.json"], "REDACTED") || !strings.Contains(r.stdout, "REDACTED") {
		t.Errorf("the redacted URL is not shown:\n%s", r.stdout)
	}
	if !strings.Contains(files["report.json"], "sid=REDACTED; Path=/") {
		t.Error("the target's Set-Cookie is not in report.json, redacted")
	}
	if !strings.Contains(files["report.json"], `"cross_origin": true`) || !strings.Contains(r.stdout, "redirected to another origin") {
		t.Errorf("the cross-origin redirect is not reported:\n%s", r.stdout)
	}

	mu.Lock()
	defer mu.Unlock()
	streams := 0
	for _, h := range seen {
		if strings.HasPrefix(h.Get("X-Seen-URL"), "/publish") {
			continue // the publish hook is a URL the user named on that origin
		}
		streams++
		for _, k := range []string{"Authorization", "Cookie", "Referer"} {
			if v := h.Get(k); v != "" {
				t.Errorf("the other origin got %s: %s", k, v)
			}
		}
	}
	if streams == 0 {
		t.Fatal("no request was redirected to the other origin")
	}
	t.Logf("%d redirected requests, none with the user's headers; exit %d in %v", streams, r.code, r.took.Round(100*time.Millisecond))
}
