package refserver

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStartRejectsNonLoopback(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0", "example.com:80", "no-port"} {
		if r, err := Start(addr, New(Options{})); err == nil {
			r.Close()
			t.Errorf("Start(%q) succeeded, want an error", addr)
		}
	}
}

func TestStartServesAndCloseEndsStreams(t *testing.T) {
	s := New(Options{Keepalive: time.Hour})
	defer s.Close()
	r, err := Start("127.0.0.1:0", s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q", r.URL)
	}
	st := openStream(t, r.URL+"/events", nil)
	st.waitLen(len(preamble3s), 5*time.Second)
	resp, err := http.Get(r.URL + "/done")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("/done = %d", resp.StatusCode)
	}

	start := time.Now()
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	st.waitEnd(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitClosed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(r.URL + "/done"); err == nil {
		t.Error("server still answering after Close")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
