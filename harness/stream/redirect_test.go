package stream

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// net/http keeps Authorization and Cookie on a redirect to another port of
// the same host, and sends the previous URL (query included) as Referer:
// FollowRedirect sends neither to another origin, and no Referer at all.
func TestRedirectToAnotherPortGetsNoUserHeaders(t *testing.T) {
	got := make(chan http.Header, 4)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		w.Header().Set("Content-Type", "text/event-stream")
	}))
	defer other.Close()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			got <- r.Header.Clone()
			w.Header().Set("Content-Type", "text/event-stream")
			return
		}
		to := other.URL + "/events"
		if r.URL.Query().Get("same") != "" {
			to = "/same"
		}
		http.Redirect(w, r, to, http.StatusFound)
	}))
	defer front.Close()
	h := http.Header{"Authorization": {"Bearer tok"}, "Cookie": {"a=b"}, "X-Api-Key": {"k"}, "Accept": {"text/event-stream"}}
	for _, tc := range []struct {
		query      string
		keepsCreds bool
	}{{"?token=t", false}, {"?token=t&same=1", true}} {
		rec, err := Record(context.Background(), Request{URL: front.URL + "/events" + tc.query, Header: h}, Options{Duration: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		seen := <-got
		if seen.Get("Referer") != "" {
			t.Errorf("%s: Referer %q", tc.query, seen.Get("Referer"))
		}
		if seen.Get("Accept") != "text/event-stream" {
			t.Errorf("%s: Accept was not kept: %v", tc.query, seen)
		}
		for _, k := range []string{"Authorization", "Cookie", "X-Api-Key"} {
			if (seen.Get(k) != "") != tc.keepsCreds {
				t.Errorf("%s: %s = %q", tc.query, k, seen.Get(k))
			}
		}
		if len(rec.Redirects) != 1 {
			t.Errorf("%s: redirects %v", tc.query, rec.Redirects)
		}
	}
}
