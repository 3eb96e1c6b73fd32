package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func renderHTML(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderHTML(r, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLSummaryAndOrder(t *testing.T) {
	out := renderHTML(t, sampleReport())
	for _, want := range []string{
		"2 MUST checks failed, 2 errored", // banner
		`<span class="pill v-fail">7 fail</span>`,
		"Content-Security-Policy",
		`id="SSE-FRAME-001" open`, // a failure is expanded
		"p50", "budget 100 ms", "direct", "proxied",
		`<td class="end">CRLF</td>`, `<td class="end">CR</td>`, `<td class="end">EOF</td>`, // line endings
		`<span class="ctl">NUL</span>`, `<span class="ctl">\xFF</span><span class="ctl">\xFE</span>`, `<span class="ctl">→</span>`, // odd bytes
		`src="data:image/png;base64,iVBORw0KGgo`,
		"[console] htmx:sseOpen",
		"&#34;ns:evt&#34;", // other evidence as JSON
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, `id="SSE-HTTP-001" open`) {
		t.Error("a passing check is expanded")
	}
	last := -1
	for _, area := range []string{"HTTP", "FRAME", "KEEP", "FLUSH", "NAME", "DATA", "RESUME", "CONN", "BROWSER", "PROXY"} {
		i := strings.Index(out, `<section class="area" id="area-`+area+`"`)
		if i < last {
			t.Errorf("area %s out of order", area)
		}
		last = i
	}
	// The shared recording's wire log is rendered once, in the first failing check.
	if n := strings.Count(out, `<table class="wire">`); n != 1 {
		t.Errorf("wire log rendered %d times, want 1", n)
	}
	if !strings.Contains(out, `id="rec-SSE-HTTP-006"`) || !strings.Contains(out, `href="#rec-SSE-HTTP-006"`) {
		t.Error("the full recording is not in the first failing check or not linked")
	}
}

func TestHTMLBannerPass(t *testing.T) {
	r := &Report{Results: []Result{{ID: "SSE-HTTP-001", Level: "MUST", Verdict: Pass}, {ID: "SSE-HTTP-005", Level: "SHOULD", Verdict: Fail}}}
	out := renderHTML(t, r)
	if !strings.Contains(out, `<span class="banner b-pass">MUST checks pass</span>`) {
		t.Error("no pass banner")
	}
}

// TestHTMLBannerCountsJudgedMUSTs: a skipped MUST check is not counted as
// run, and a run whose MUST checks all skipped does not say they pass.
func TestHTMLBannerCountsJudgedMUSTs(t *testing.T) {
	r := &Report{Results: []Result{{ID: "SSE-HTTP-001", Level: "MUST", Verdict: Pass}, {ID: "SSE-HTTP-012", Level: "MUST", Verdict: Skip}}}
	if out := renderHTML(t, r); !strings.Contains(out, "1 MUST checks run, 1 skipped") {
		t.Error("the banner note does not count the skipped MUST check apart")
	}
	r = &Report{Results: []Result{{ID: "SSE-HTTP-012", Level: "MUST", Verdict: Skip}}}
	if out := renderHTML(t, r); !strings.Contains(out, `<span class="banner b-skip">No MUST checks ran</span>`) {
		t.Error("every MUST check skipped, and the banner does not say none ran")
	}
}

// TestHTMLRoundTrip renders a report read back from report.json, where
// evidence is JSON-decoded ([]any, map[string]any, float64).
func TestHTMLRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), JSONFile)
	if err := WriteJSON(sampleReport(), path); err != nil {
		t.Fatal(err)
	}
	r, err := ReadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	in, back := renderHTML(t, sampleReport()), renderHTML(t, r)
	for _, want := range []string{`<svg class="chart"`, `<table class="wire">`, `data:image/png;base64,`, `<pre class="log">`, `received_ids`} {
		if strings.Count(in, want) != strings.Count(back, want) || !strings.Contains(back, want) {
			t.Errorf("%q: %d in-process, %d read back", want, strings.Count(in, want), strings.Count(back, want))
		}
	}
}

const hostile = `<script>alert(1)</script></pre><img src=x onerror=alert(1)>"'><a href="javascript:alert(1)">x</a>` + "\x00\xff\xfe\u202e<svg onload=alert(1)>"

func hostileReport() *Report {
	rec := Recording{
		URL: "javascript:alert(1)//" + hostile, Proto: hostile, Status: 200, End: hostile, Error: hostile,
		Header: http.Header{"X-Evil" + hostile: {hostile, `" onmouseover="alert(1)`}, "Content-Type": {"text/html"}},
		Wire: []WireLine{
			{Kind: "field", Ending: "LF", Text: "data: " + hostile},
			{Kind: hostile, Ending: hostile, Text: ": " + hostile},
			{Kind: "field", Ending: "CRLF", Text: "event" + hostile + ":x"},
		},
		Events:     []EventView{{MS: 1, Type: hostile, Data: hostile, ID: hostile}},
		ChunkTimes: []float64{1, 2},
	}
	return &Report{
		Tool: hostile, Version: hostile, Mode: hostile, Target: "javascript:alert(1)" + hostile,
		Recordings: map[string]Recording{hostile: rec},
		Results: []Result{{
			ID: hostile, Title: hostile, Level: hostile, Area: hostile, Verdict: hostile, Message: hostile,
			Requirement: hostile, Source: hostile, SpecURL: "javascript:alert(1)", Expected: hostile, Actual: hostile,
			Evidence: map[string]any{
				"recording": hostile, "recordings": []string{hostile, "missing" + hostile},
				"latency_ms": map[string]any{hostile: []any{1.0, 2.0}}, "budget_ms": 1.5,
				"screenshot":  base64.StdEncoding.EncodeToString([]byte("<svg onload=alert(1)>")),
				"browser_log": []string{hostile}, hostile: hostile,
			},
		}, {
			ID: "SSE-BROWSER-001", Verdict: Fail, Level: "MUST", SpecURL: "data:text/html,<script>alert(1)</script>",
			Evidence: map[string]any{"screenshot": "data:image/png;base64," + hostile, "browser_log": hostile},
		}},
	}
}

// TestHTMLHostile checks that the target's bytes cannot add elements,
// attributes, scripts or fetches to the page.
func TestHTMLHostile(t *testing.T) {
	out := renderHTML(t, hostileReport())
	z := html.NewTokenizer(strings.NewReader(out))
	csp := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "link", "base", "form", "frame", "video", "audio", "source", "foreignobject", "use", "image":
			t.Errorf("element <%s> in output", tok.Data)
		}
		for _, a := range tok.Attr {
			k, v := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
			switch {
			case strings.HasPrefix(k, "on"):
				t.Errorf("<%s %s=%q>", tok.Data, a.Key, a.Val)
			case k == "style" || k == "srcset" || k == "xlink:href" || k == "formaction":
				t.Errorf("<%s %s=%q>", tok.Data, a.Key, a.Val)
			case k == "src" && !(tok.Data == "img" && strings.HasPrefix(v, "data:image/png;base64,")):
				t.Errorf("<%s src=%q>", tok.Data, a.Val)
			case k == "href" && !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://"):
				t.Errorf("<%s href=%q>", tok.Data, a.Val)
			case k == "http-equiv":
				if a.Val != "Content-Security-Policy" {
					t.Errorf("meta http-equiv=%q", a.Val)
				}
				csp = true
			}
		}
		if tok.Data == "img" {
			for _, a := range tok.Attr {
				if a.Key == "src" {
					raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a.Val, "data:image/png;base64,"))
					if err != nil || !bytes.HasPrefix(raw, pngSignature) {
						t.Errorf("img with a non-PNG data URL")
					}
				}
			}
		}
	}
	if !csp {
		t.Error("no CSP meta tag")
	}
	for _, bad := range []string{"<script", "<img src=x", "<svg onload", "<a href=\"javascript", "\x00"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", `\xFF\xFE`, "U&#43;202E", ">NUL<", "Screenshot not shown: not a PNG image", `<table class="wire">`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestHTMLScreenshot(t *testing.T) {
	png := samplePNG()
	for _, tc := range []struct {
		in   string
		ok   bool
		prob string
	}{
		{png, true, ""},
		{"data:image/png;base64," + png, true, ""},
		{"not base64 !!", false, "not base64"},
		{base64.StdEncoding.EncodeToString([]byte("GIF89a....")), false, "not a PNG image"},
	} {
		s := newScreenshot(tc.in)
		if (s.URL != "") != tc.ok || s.Problem != tc.prob {
			t.Errorf("%.20q: url %v problem %q", tc.in, s.URL != "", s.Problem)
		}
	}
}

func TestHTMLVisible(t *testing.T) {
	join := func(ss []seg) string {
		var b strings.Builder
		for _, s := range ss {
			if s.Ctl {
				b.WriteString("[" + s.S + "]")
			} else {
				b.WriteString(s.S)
			}
		}
		return b.String()
	}
	for _, tc := range []struct {
		in   string
		wire bool
		want string
	}{
		{"a\tb\x00c", true, "a[→]b[NUL]c"},
		{"a\tb\nc", false, "a\tb\nc"},
		{"x\r\ny\rz\n", true, "x[CRLF]y[CR]z[LF]"},
		{"\xff\xfe ok", true, `[\xFF][\xFE] ok`},
		{"\ufeffdata", true, "[BOM]data"},
		{"a\u202eb\x1b[0m\x7f\u0085", false, "a[U+202E]b[ESC][0m[DEL][U+0085]"},
		{"ünïcode ✓", true, "ünïcode ✓"},
	} {
		if got := join(visible(tc.in, tc.wire)); got != tc.want {
			t.Errorf("visible(%q, %v) = %q, want %q", tc.in, tc.wire, got, tc.want)
		}
	}
}

func TestHTMLPercentile(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if p50, p95 := percentile(s, 50), percentile(s, 95); p50 != 5 || p95 != 10 {
		t.Errorf("p50 %v p95 %v", p50, p95)
	}
}

// TestHTMLSize: 60 results sharing a 400-line recording stay small and fast.
func TestHTMLSize(t *testing.T) {
	rec := Recording{Status: 200, End: "eof", EndMS: 60000, Bytes: 40000, Chunks: 2000}
	for i := range 400 {
		rec.Wire = append(rec.Wire, WireLine{MS: float64(i) * 150, Offset: int64(i * 100), Kind: "field", Ending: "LF", Text: fmt.Sprintf("data: {\"seq\":%d,\"payload\":\"%s\"}", i, strings.Repeat("x", 60))})
	}
	for i := range 200 {
		rec.Events = append(rec.Events, EventView{MS: float64(i) * 300, Type: "message", Data: strings.Repeat("y", 80), ID: fmt.Sprint(i)})
	}
	for i := range 2000 {
		rec.ChunkTimes = append(rec.ChunkTimes, float64(i)*30)
	}
	r := &Report{Recordings: map[string]Recording{"main": rec}}
	verdicts := []string{Pass, Fail, Skip, Error}
	for i := range 60 {
		r.Results = append(r.Results, Result{
			ID: fmt.Sprintf("SSE-%s-%03d", areaOrder[i%len(areaOrder)], i), Title: "a check", Level: "MUST",
			Verdict: verdicts[i%4], Message: strings.Repeat("a long message ", 20), Evidence: map[string]any{"recording": "main"},
		})
	}
	start := time.Now()
	out := renderHTML(t, r)
	took := time.Since(start)
	if len(out) > 2<<20 {
		t.Errorf("report is %d bytes", len(out))
	}
	if took > 2*time.Second {
		t.Errorf("rendering took %v", took)
	}
	t.Logf("%d bytes in %v", len(out), took)
}
