package templates

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestScanFixtures(t *testing.T) {
	found, err := Scan("testdata/templates")
	if err != nil {
		t.Fatal(err)
	}
	// Not found: dynamic values ({{ channel }}, notify-{{ kind }}, { name }),
	// DOM and lifecycle listeners (click, resize, open, error,
	// htmx:sseMessage), node_modules/, hidden directories, README.txt.
	want := map[string][]string{
		"done":           {"index.html:8 (sse-close)"},
		"message":        {"components/PriceTicker.jsx:19 (onmessage)", "index.html:9 (sse-swap)"},
		"user-joined":    {"index.html:9 (sse-swap)"},
		"chat.message":   {"index.html:11 (sse-swap)"},
		"stats-changed":  {"index.html:12 (hx-trigger)"},
		"ns:event":       {"index.html:13 (sse-swap)"},
		"notification":   {"partials/notifications.jinja:9 (sse-swap)"},
		"alert":          {"partials/notifications.jinja:10 (hx-trigger)"},
		"price-update":   {"components/PriceTicker.jsx:8 (addEventListener)"},
		"ticker-html":    {"components/PriceTicker.jsx:14 (sse-swap)"},
		"status_changed": {"components/PriceTicker.jsx:20 (addEventListener)"},
		"count":          {"components/counter.templ:5 (sse-swap)"},
		"tick":           {"app.py:10 (sse-swap)"},
		"goodbye":        {"app.py:11 (sse-close)"},
		"summary":        {"app.py:12 (hx-trigger)"},
		"legacy-update":  {"legacy.html:1 (hx-sse)"},
	}
	got := map[string][]string{}
	for name, locs := range found {
		for _, l := range locs {
			got[name] = append(got[name], l.String())
		}
	}
	if !reflect.DeepEqual(got, want) {
		for n, w := range want {
			if !reflect.DeepEqual(got[n], w) {
				t.Errorf("%s: got %q, want %q", n, got[n], w)
			}
		}
		for n, g := range got {
			if _, ok := want[n]; !ok {
				t.Errorf("unexpected name %q at %q", n, g)
			}
		}
	}
}

func TestScanText(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"comma list", `<div sse-swap="a,b , c"></div>`, []string{"a", "b", "c"}},
		{"single quotes", `<div sse-swap='x'>`, []string{"x"}},
		{"several triggers", `<div hx-trigger="sse:a, sse:b delay:1s, click">`, []string{"a", "b"}},
		{"trigger with filter", `<div hx-trigger="sse:a[detail.ok]">`, []string{"a"}},
		{"dynamic values skipped", `<div sse-swap="{{ x }}" sse-close="${y}"></div><p sse-swap="<%= z %>">`, nil},
		{"fasthtml kwargs", `Div(sse_swap="t1", hx_trigger='sse:t2')`, []string{"t1", "t2"}},
		{"not an attribute", `<div class="my-sse-swap">sse-swap is great</div>`, nil},
		{"assigned EventSource", "const feed = new EventSource(u);\nfeed.addEventListener('n1', f)", []string{"n1"}},
		{"optional chaining", "source?.addEventListener(\"n2\", f)", []string{"n2"}},
		{"DOM listeners ignored", "button.addEventListener('click', f); document.addEventListener('DOMContentLoaded', f)", nil},
		{"lifecycle ignored", "es.addEventListener('open', f); es.addEventListener('error', f)", nil},
		{"onmessage", "es.onmessage = f", []string{"message"}},
		{"comments skipped", "<!-- <div sse-swap=\"old\">\n--> {# sse-swap=\"j\" #} {{/* sse-swap=\"g\" */}}\n<p sse-swap=\"new\">", []string{"new"}},
		{"onmessage comparison is no listener", "if (es.onmessage == null) {}", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Names(ScanText("f", c.text))
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("ScanText(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestScanTextLinesAfterComments(t *testing.T) {
	found := ScanText("f.html", "<!-- é\nà -->\n<p sse-swap=\"n\">")
	if got := found["n"]; len(got) != 1 || got[0].Line != 3 {
		t.Errorf("locations %v, want f.html:3", got)
	}
}

func TestScanBounds(t *testing.T) {
	dir := t.TempDir()
	big := "<div sse-swap=\"too-big\"></div>\n" + strings.Repeat("x", MaxFileSize)
	must(t, os.WriteFile(filepath.Join(dir, "big.html"), []byte(big), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "ok.html"), []byte(`<div sse-swap="ok"></div>`), 0o644))
	found, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := Names(found); !reflect.DeepEqual(got, []string{"ok"}) {
		t.Errorf("names = %q, want only ok (files over %d bytes are skipped)", got, MaxFileSize)
	}

	if _, err := Scan(filepath.Join(dir, "missing")); err == nil {
		t.Error("Scan of a missing directory: no error")
	}
	if _, err := Scan(filepath.Join(dir, "ok.html")); err == nil {
		t.Error("Scan of a file: no error")
	}
}

func TestScanFileLimit(t *testing.T) {
	defer func(n int) { maxFiles = n }(maxFiles)
	maxFiles = 20
	dir := t.TempDir()
	for i := 0; i <= maxFiles; i++ {
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%06d.html", i)), []byte(`<i sse-swap="n"></i>`), 0o644))
	}
	found, err := Scan(dir)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	if n := len(found["n"]); n != maxFiles {
		t.Errorf("found in %d files, want %d (the limit)", n, maxFiles)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
