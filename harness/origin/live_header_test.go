package origin_test

import (
	"bufio"
	"net/http"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/harness/origin"
)

// LiveHeader makes the live stream send the app's headers instead of the
// reference server's SSE-friendly ones, and the stream still flows.
func TestLiveHeaderOverridesTheLiveStreamsHeaders(t *testing.T) {
	o, err := origin.Start("127.0.0.1:0", origin.Options{LiveHeader: map[string]string{
		"Cache-Control": "", "X-Accel-Buffering": "", "X-App": "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Close)
	res, err := http.Get(o.URL() + o.LivePath())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	h := res.Header
	if h.Get("Content-Type") != "text/event-stream" || h.Get("X-App") != "yes" || h.Get("Cache-Control") != "" || h.Get("X-Accel-Buffering") != "" {
		t.Errorf("live stream headers %v: want Content-Type text/event-stream, X-App, no Cache-Control, no X-Accel-Buffering", h)
	}
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || strings.TrimSpace(line) == "" {
		t.Errorf("the live stream sent nothing after its headers: %q, %v", line, err)
	}
}
