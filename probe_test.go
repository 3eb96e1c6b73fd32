package ssespec

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ssespec/ssespec/suite"
)

// The probe connects and sends nothing: the target must not see a request
// (a stream opened and dropped that belongs to no check).
func TestProbeSendsNoRequest(t *testing.T) {
	var requests atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) })
	for _, ts := range []*httptest.Server{httptest.NewServer(h), httptest.NewTLSServer(h)} {
		defer ts.Close()
		for range 20 {
			if err := Probe(context.Background(), suite.Config{URL: ts.URL + "/events", Insecure: true}); err != nil {
				t.Fatalf("Probe(%s): %v", ts.URL, err)
			}
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the target saw %d requests from the probe, want 0", n)
	}
}

func TestProbeUnreachable(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	for _, tc := range []struct {
		name string
		cfg  suite.Config
		want string
	}{
		{"refused", suite.Config{URL: "http://127.0.0.1:9/events"}, "refused"},
		{"untrusted certificate", suite.Config{URL: tlsSrv.URL + "/events"}, "TLS"},
		{"TLS to a plain server", suite.Config{URL: strings.Replace(plain.URL, "http:", "https:", 1) + "/events", Insecure: true}, "TLS"},
		{"not a URL", suite.Config{URL: "ftp://x/events"}, "not an http(s) URL"},
	} {
		err := Probe(context.Background(), tc.cfg)
		if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Probe = %v, want ErrUnreachable mentioning %q", tc.name, err, tc.want)
		}
	}
}
