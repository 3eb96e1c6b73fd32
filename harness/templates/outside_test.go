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
	want := []Location{{File: "page.html", Line: 3, Attr: "hx-trigger"}, {File: "page.html", Line: 9, Attr: "sse-swap"},
		{File: "page.html", Line: 10, Attr: "hx-trigger", Why: noExt}} // its own data-sse-connect, but no hx-ext="sse" over it
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
	if got, _ := Outside(dir); len(got) != 3 {
		t.Errorf("Outside(%s) = %v, want 3", dir, got)
	}
}

const noExt = `no hx-ext="sse" over its sse-connect`

// htmx runs an extension only for elements with hx-ext naming it on
// themselves or an ancestor, nearest first: the listeners of an
// sse-connect the extension never processes never fire.
func TestOutsideFindsListenersTheExtensionNeverProcesses(t *testing.T) {
	const head = "<!doctype html>\n<html><body>\n"
	for name, c := range map[string]struct {
		body string
		want []Location
	}{
		"no hx-ext anywhere": {`<main sse-connect="/e"><div sse-swap="a"></div><p hx-trigger="sse:b"></p></main>`,
			[]Location{{"f", 3, "sse-swap", noExt}, {"f", 3, "hx-trigger", noExt}}},
		"hx-ext on a sibling": {`<nav hx-ext="sse"></nav><main sse-connect="/e"><div sse-swap="a"></div></main>`,
			[]Location{{"f", 3, "sse-swap", noExt}}},
		"hx-ext only under the connect": {`<main sse-connect="/e"><div hx-ext="sse" sse-swap="a"></div></main>`,
			[]Location{{"f", 3, "sse-swap", noExt}}},
		"ignored on the listener": {`<main hx-ext="sse" sse-connect="/e"><div hx-ext="ignore:sse"><i sse-swap="a"></i></div></main>`,
			[]Location{{"f", 3, "sse-swap", `hx-ext="ignore:sse" over it`}}},
		"ignored over the connect": {`<div hx-ext="sse"><section hx-ext="ignore:sse"><main sse-connect="/e"><i sse-swap="a"></i></main></section></div>`,
			[]Location{{"f", 3, "sse-swap", noExt}}},
		"on the body":        {`<div hx-ext="htmx-ext-x, sse"><main sse-connect="/e"><i sse-swap="a"></i></main></div>`, nil},
		"re-enabled inside":  {`<div hx-ext="ignore:sse"><main hx-ext="sse" sse-connect="/e"><i sse-swap="a"></i></main></div>`, nil},
		"data- prefixed":     {`<main data-hx-ext="sse" data-sse-connect="/e"><i data-sse-swap="a"></i></main>`, nil},
		"htmx 1 core hx-sse": {`<main hx-sse="connect:/e"><i hx-trigger="sse:a"></i></main>`, nil},
		"set by a script":    {`<main sse-connect="/e"><i sse-swap="a"></i></main><script>document.body.setAttribute("hx-ext", "sse")</script>`, nil},
	} {
		got := OutsideText("f", head+c.body+"\n</body></html>")
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %v, want %v", name, got[i], c.want[i])
			}
		}
	}
}
