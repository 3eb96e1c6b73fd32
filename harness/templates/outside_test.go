package templates

import (
	"os"
	"path/filepath"
	"testing"
)

const page = `<!doctype html>
<html><body>
<header hx-get="/status" hx-trigger="sse:refresh">outside</header>
<main hx-ext="sse" sse-connect="/events">
  <div><div sse-swap="progress"></div></div>
  <input name="q">
  <div hx-get="/s" hx-trigger="load, sse:refresh"></div>
</main>
<footer sse-swap="late"></footer>
<div data-sse-connect="/other" data-hx-trigger="sse:self"></div>
</body></html>
`

func TestOutsideFindsListenersOutsideEverySSEConnect(t *testing.T) {
	got := OutsideText("page.html", page)
	want := []Location{{File: "page.html", Line: 3, Attr: "hx-trigger"}, {File: "page.html", Line: 9, Attr: "sse-swap"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got[i], want[i])
		}
	}
}

// Files whose structure is not all there are never judged: a partial, a
// template that extends or includes another, a page without sse-connect
// (its connection may come from a layout or a script).
func TestOutsideSkipsWhatItCannotKnow(t *testing.T) {
	for name, text := range map[string]string{
		"partial":     `<div hx-trigger="sse:refresh"></div>`,
		"extends":     "{% extends \"base.html\" %}\n" + page,
		"include":     page + "{% include \"feed.html\" %}",
		"go template": page + `{{template "feed" .}}`,
		"no connect":  `<html><body><div sse-swap="x"></div></body></html>`,
	} {
		if got := OutsideText(name, text); len(got) != 0 {
			t.Errorf("%s: %v, want nothing judged", name, got)
		}
	}
}

func TestOutsideAcceptsTheExamplesAndFixtures(t *testing.T) {
	for _, dir := range []string{"testdata/templates", "../../examples/flask/templates", "../../examples/go/templates"} {
		got, err := Outside(dir)
		if err != nil || len(got) != 0 {
			t.Errorf("%s: %v, %v; want none", dir, got, err)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := Outside(dir); len(got) != 2 {
		t.Errorf("Outside(%s) = %v, want 2", dir, got)
	}
}
