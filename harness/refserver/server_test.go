package refserver

import (
	"io"
	"net/http"
	"testing"
)

func TestRoutes(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/done", http.StatusNoContent},
		{"HEAD", "/done", http.StatusNoContent},
		{"GET", "/", http.StatusNotFound},
		{"GET", "/events/x", http.StatusNotFound},
		{"GET", "/publish", http.StatusMethodNotAllowed},
		{"PUT", "/publish", http.StatusMethodNotAllowed},
		{"POST", "/events", http.StatusMethodNotAllowed},
		{"POST", "/done", http.StatusMethodNotAllowed},
		{"HEAD", "/events", http.StatusOK},
	} {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
		if tc.want == http.StatusNoContent && len(body) != 0 {
			t.Errorf("%s %s: 204 with body %q", tc.method, tc.path, body)
		}
		if tc.want == http.StatusMethodNotAllowed && resp.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
		}
	}
}
