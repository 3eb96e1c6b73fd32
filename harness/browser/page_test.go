package browser

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestPageHTMLEscapes(t *testing.T) {
	p := Page{
		StreamURL: `/s?a=1&b="x"><script>alert(1)</script>`,
		Close:     `c"lose`,
		Swaps:     []Swap{{ID: `i"d`, Names: "a, <b>", HXSwap: "textContent"}},
		Triggers:  []Trigger{{ID: "t", Event: `x" onclick="y`, GetURL: "/got?q='1'"}},
	}
	h := string(p.HTML())
	for _, bad := range []string{`"><script>alert`, `c"lose`, `i"d`, `<b>`, `x" onclick`, `'1'`} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	for _, want := range []string{
		`hx-ext="sse"`,
		`sse-connect="/s?a=1&amp;b=&#34;x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`,
		`sse-close="c&#34;lose"`,
		`sse-swap="a, &lt;b&gt;" hx-swap="textContent"`,
		`hx-trigger="sse:x&#34; onclick=&#34;y"`,
		"window.__ssespec",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Exactly the three inline scripts, each closed once.
	if n := strings.Count(strings.ToLower(h), "</script>"); n != 3 {
		t.Errorf("%d </script> tags, want 3", n)
	}
	if !bytes.Contains(p.HTML(), HTMXSSEJS) {
		t.Error("the sse extension is not inlined verbatim")
	}
}

func TestFindExplicitMissing(t *testing.T) {
	_, err := Find("/nonexistent/chromium")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("Find: %v", err)
	}
}

// TestVendoredAssets checks the embedded htmx files, and the licenses beside
// them, against the sha256 column of htmx/VERSIONS.md.
func TestVendoredAssets(t *testing.T) {
	md, err := os.ReadFile("htmx/VERSIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| *([A-Za-z0-9._-]+) *\|[^|]*\| *([0-9a-f]{64}) *\|$`)
	sums := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(md), -1) {
		sums[m[1]] = m[2]
	}
	files := map[string][]byte{"htmx.min.js": HTMXJS, "sse.min.js": HTMXSSEJS}
	for _, lic := range []string{"htmx.LICENSE", "sse.LICENSE"} {
		b, err := os.ReadFile("htmx/" + lic)
		if err != nil {
			t.Fatal(err)
		}
		files[lic] = b
	}
	for name, b := range files {
		want, ok := sums[name]
		if !ok {
			t.Errorf("VERSIONS.md has no sha256 for %s", name)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: sha256 %s, VERSIONS.md says %s", name, got, want)
		}
	}
}
