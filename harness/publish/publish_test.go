package publish

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestURLPostsJSONAndChecksStatus(t *testing.T) {
	var got Event
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer x" {
			http.Error(w, "no auth", http.StatusUnauthorized)
			return
		}
		json.NewDecoder(r.Body).Decode(&got)
		if got.Event == "bad" {
			http.Error(w, "rejected name", http.StatusBadRequest)
		}
	}))
	defer ts.Close()
	p := URL(ts.Client(), ts.URL, http.Header{"Authorization": {"Bearer x"}})
	if err := p.Publish(context.Background(), Event{Event: "a", Data: "x\ny", ID: "7"}); err != nil {
		t.Fatal(err)
	}
	if got != (Event{Event: "a", Data: "x\ny", ID: "7"}) {
		t.Fatalf("got %+v", got)
	}
	err := p.Publish(context.Background(), Event{Event: "bad"})
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "rejected name") {
		t.Fatalf("want a 400 error with the body, got %v", err)
	}
}

func TestCommandFeedsStdin(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ev.json")
	p := Command("cat > " + out)
	if err := p.Publish(context.Background(), Event{Data: "hello"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if strings.TrimSpace(string(b)) != `{"event":"","data":"hello"}` {
		t.Fatalf("stdin was %q", b)
	}
	if err := Command("echo boom >&2; exit 3").Publish(context.Background(), Event{}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("want failure with stderr, got %v", err)
	}
}
