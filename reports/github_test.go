package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"

	"github.com/ssespec/ssespec/internal/ghrunner"
	"github.com/ssespec/ssespec/internal/redact"
)

// ghHostile is a target's text that tries every way out of an annotation
// and of the summary: new lines starting a command (after spaces, as the
// runner trims them), the legacy ##[…] form, stop-commands, percent
// escapes the runner would decode, a code fence, raw HTML, a Markdown link.
const ghHostile = "x\n::stop-commands::tok\n::error title=pwned::pwned\n   ::set-output name=a::b\r::add-mask::c\r\n" +
	"##[set-output name=d;]e %0A::warning::f %25 ```\n````\n~~~\n</details><script>alert(1)</script>[x](javascript:alert(1)) | a | b |\n" + hostile

func TestAnnotationKindFollowsTheExitStatus(t *testing.T) {
	for _, tc := range []struct {
		level, verdict string
		strict         bool
		want           string
	}{
		{"MUST", Fail, false, "error"}, {"MUST", Error, false, "error"},
		{"SHOULD", Fail, false, "warning"}, {"SHOULD", Fail, true, "error"}, {"SHOULD", Error, true, "warning"},
		{"BP", Fail, false, "notice"}, {"BP", Fail, true, "notice"},
		{"MUST", Pass, false, ""}, {"MUST", Skip, true, ""},
	} {
		if got := AnnotationKind(Result{Level: tc.level, Verdict: tc.verdict}, tc.strict); got != tc.want {
			t.Errorf("%s %s strict=%v: %q, want %q", tc.level, tc.verdict, tc.strict, got, tc.want)
		}
	}
}

// TestAnnotationsRunOnlyTheirOwnCommands reads the annotations as the
// runner does: one command per finding, with the target's text as data,
// and none of the commands in that text.
func TestAnnotationsRunOnlyTheirOwnCommands(t *testing.T) {
	r := &Report{Results: []Result{
		{ID: "SSE-HTTP-002", Title: "Content-Type is text/event-stream", Level: "MUST", Verdict: Fail, Expected: "text/event-stream", Actual: ghHostile},
		{ID: "SSE-KEEP-001", Title: "keepalive", Level: "SHOULD", Verdict: Fail, Message: ghHostile},
		{ID: "SSE-HTTP-006", Title: "no-transform", Level: "BP", Verdict: Error, Message: "100% %0A"},
		{ID: "SSE-HTTP-001", Title: "200", Level: "MUST", Verdict: Pass},
	}}
	var buf bytes.Buffer
	WriteAnnotations(&buf, r, false)
	out := buf.String()
	if n := strings.Count(out, "\n"); n != 3 {
		t.Fatalf("%d lines, want one per finding:\n%s", n, out)
	}
	cmds := ghrunner.Commands(out)
	if len(cmds) != 3 {
		t.Fatalf("the runner would process %d commands, want 3: %+v", len(cmds), cmds)
	}
	want := []struct{ name, title, data string }{
		{"error", "SSE-HTTP-002 (MUST fail)", "Content-Type is text/event-stream\nExpected: text/event-stream\nActual:   " + ghValue(ghHostile)},
		{"warning", "SSE-KEEP-001 (SHOULD fail)", "keepalive\n" + ghValue(ghHostile)},
		{"notice", "SSE-HTTP-006 (BP error)", "no-transform\n100% %0A"},
	}
	for i, w := range want {
		c := cmds[i]
		if c.Name != w.name || c.Properties["title"] != w.title || c.Data != w.data {
			t.Errorf("command %d: %s title=%q data=%q\nwant %s title=%q data=%q", i, c.Name, c.Properties["title"], c.Data, w.name, w.title, w.data)
		}
	}
	if !strings.Contains(cmds[0].Data, "::stop-commands::tok") || !strings.Contains(cmds[0].Data, "##[set-output") {
		t.Error("the target's text is not carried whole in the message")
	}
	if strings.ContainsAny(out, "\x00\x1b\u202e") {
		t.Error("control characters reach the log")
	}
}

// TestGhrunnerSeesInjections proves the reader used above would catch an
// injection: unescaped, the same text runs commands.
func TestGhrunnerSeesInjections(t *testing.T) {
	names := func(out string) string {
		var ns []string
		for _, c := range ghrunner.Commands(out) {
			ns = append(ns, c.Name)
		}
		return fmt.Sprint(ns)
	}
	// stop-commands hides the rest until "::tok::".
	if got := names("log line\n" + ghHostile + "\n"); got != "[]" {
		t.Errorf("after stop-commands: commands %v, want none", got)
	}
	if got := names("log line\n" + ghHostile + "\n::tok::\n::debug::d\n"); got != "[debug]" {
		t.Errorf("after the resume token: commands %v, want [debug]", got)
	}
	unstopped := strings.Replace(ghHostile, "::stop-commands::tok\n", "", 1)
	if got := names(unstopped); got != "[error set-output add-mask set-output]" {
		t.Errorf("commands %v, want [error set-output add-mask set-output]", got)
	}
	cmds := ghrunner.Commands("  ::error title=a%3Ab::x%0Ay\nplain ##[warning]w\n")
	if len(cmds) != 2 || cmds[0].Properties["title"] != "a:b" || cmds[0].Data != "x\ny" || cmds[1].Name != "warning" {
		t.Errorf("commands %+v", cmds)
	}
}

func renderMarkdown(t *testing.T, md string) string {
	t.Helper()
	var buf bytes.Buffer
	// Unsafe: raw HTML in the Markdown would come through, so the test sees it.
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gm.Convert([]byte(md), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestSummaryKeepsTheTargetsTextInCode renders the summary as GitHub does
// (GFM) and checks the target's text made no element, link or table cell.
func TestSummaryKeepsTheTargetsTextInCode(t *testing.T) {
	r := &Report{Mode: "observe", Target: "http://127.0.0.1:8080/ev`ents", Results: []Result{
		{ID: "SSE-HTTP-002", Title: "Content-Type is text/event-stream", Level: "MUST", Verdict: Fail, Expected: "text/event-stream", Actual: ghHostile},
		{ID: "SSE-KEEP-001", Title: "keepalive <b>", Level: "SHOULD", Verdict: Fail, Message: ghHostile},
		{ID: "SSE-HTTP-001", Title: "200", Level: "MUST", Verdict: Pass},
	}, Warnings: []string{ghHostile}, TargetStopped: ghHostile}
	r.Summary = summarize(r.Results)
	md := GitHubSummary(r, false, "https://example.com/r?a=1&b=<x>)")
	out := renderMarkdown(t, md)
	allowed := map[string]bool{"h3": true, "h4": true, "p": true, "strong": true, "code": true, "pre": true, "a": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true}
	z := xhtml.NewTokenizer(strings.NewReader(out))
	links, cells := 0, 0
	for tt := z.Next(); tt != xhtml.ErrorToken; tt = z.Next() {
		if tt != xhtml.StartTagToken {
			continue
		}
		tok := z.Token()
		if !allowed[tok.Data] {
			t.Errorf("element <%s> in the rendered summary", tok.Data)
		}
		switch tok.Data {
		case "a":
			links++
			for _, a := range tok.Attr {
				if a.Key == "href" && a.Val != "https://example.com/r?a=1&b=%3Cx%3E)" {
					t.Errorf("link to %q", a.Val)
				}
			}
		case "td", "th":
			cells++
		}
	}
	if links != 1 || cells != 16 {
		t.Errorf("%d links, %d table cells; want 1 and 16 (the counts table only)", links, cells)
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "::stop-commands::tok", "| a | b |", "```\n````\n~~~",
		"<strong>SSE-HTTP-002</strong> · MUST · fail: Content-Type is text/event-stream", "keepalive &lt;b&gt;", "Expected: text/event-stream",
		"<code>http://127.0.0.1:8080/ev`ents</code>", "<strong>Failed</strong>: 1 MUST failed, 0 MUST errored.",
		`<td style="text-align:right">3</td>
<td style="text-align:right">1</td>
<td style="text-align:right">2</td>`, "TARGET DOWN: x"} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered summary lacks %q:\n%s", want, out)
		}
	}
}

func TestSummaryLinkAndPass(t *testing.T) {
	r := &Report{Mode: "publish", Target: "http://h/e", Results: []Result{{ID: "SSE-HTTP-001", Level: "MUST", Verdict: Pass}}}
	r.Summary = summarize(r.Results)
	md := GitHubSummary(r, true, "https://github.com/o/r/actions/runs/42")
	for _, want := range []string{"**Passed**", "artifacts](<https://github.com/o/r/actions/runs/42>)"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Findings") {
		t.Error("a passing run lists findings")
	}
	for _, bad := range []string{"javascript:alert(1)", "ftp://x/", "/relative", "https://x/a b", "https://x/\n[y](z)"} {
		if got := SafeLink(bad); got != "" {
			t.Errorf("SafeLink(%q) = %q, want none", bad, got)
		}
	}
}

// TestSummaryStaysSmall: 300 failures carrying 64 KiB each stay far under
// GitHub's 1 MiB per step, and every one is still named.
func TestSummaryStaysSmall(t *testing.T) {
	big := strings.Repeat("é\x1b[31m", 64<<10/8)
	r := &Report{Mode: "observe", Target: "http://h/e"}
	for i := range 300 {
		r.Results = append(r.Results, Result{ID: fmt.Sprintf("SSE-X-%03d", i), Title: "t", Level: "MUST", Verdict: Fail, Expected: big, Actual: big + "\n" + big})
	}
	r.Summary = summarize(r.Results)
	md := GitHubSummary(r, false, "")
	if len(md) > 200<<10 {
		t.Errorf("summary is %d bytes", len(md))
	}
	if !strings.Contains(md, "SSE\\-X\\-299") || !strings.Contains(md, "listed without details") {
		t.Error("the findings past the budget are not named")
	}
	var buf bytes.Buffer
	WriteAnnotations(&buf, r, false)
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if len(line) > 3*maxGitHubValue+200 {
			t.Fatalf("annotation of %d bytes", len(line))
		}
	}
}

// TestGitHubOutputRedactsSecrets: a registered secret is replaced before
// any escaping could change its form.
func TestGitHubOutputRedactsSecrets(t *testing.T) {
	secret := "s3cr%t:token,42"
	redact.RegisterHeader(map[string][]string{"Authorization": {"Bearer " + secret}})
	r := &Report{Mode: "observe", Target: "http://h/e", Results: []Result{
		{ID: "SSE-HTTP-001", Title: "t", Level: "MUST", Verdict: Fail, Message: "sent Bearer " + secret + "\nagain " + secret},
	}}
	r.Summary = summarize(r.Results)
	var buf bytes.Buffer
	WriteAnnotations(&buf, r, false)
	out := buf.String() + GitHubSummary(r, false, "")
	for _, form := range []string{secret, escapeData(secret), "s3cr"} {
		if strings.Contains(out, form) {
			t.Errorf("output carries the secret as %q:\n%s", form, out)
		}
	}
	if !strings.Contains(out, redact.Mark) {
		t.Error("no redaction mark")
	}
}

// TestStaleBaselineUnderStrictIsAnError: the entries that make a --strict
// run fail get an ::error and a line in the summary, as junit.xml's failure.
func TestStaleBaselineUnderStrictIsAnError(t *testing.T) {
	r := &Report{Target: "http://127.0.0.1:1/events", Mode: "observe",
		Results:  []Result{{ID: "SSE-HTTP-004", Level: "MUST", Area: "HTTP", Verdict: Pass}},
		Baseline: &BaselineOutcome{File: "b.json", Stale: []BaselineEntry{{ID: "SSE-HTTP-004", Level: "MUST", Verdict: Fail}}}}
	r.Summary.Pass = 1
	var b strings.Builder
	WriteAnnotations(&b, r, true)
	if !strings.Contains(b.String(), "::error title=ssespec baseline") || !strings.Contains(b.String(), "SSE-HTTP-004") {
		t.Errorf("no ::error for the stale entry under --strict:\n%s", b.String())
	}
	if sum := GitHubSummary(r, true, ""); !strings.Contains(sum, "1 stale baseline entry") {
		t.Errorf("the summary does not say the run failed on a stale entry:\n%s", sum)
	}
	b.Reset()
	WriteAnnotations(&b, r, false)
	if strings.Contains(b.String(), "::error") {
		t.Errorf("without --strict a stale entry is no error:\n%s", b.String())
	}
}
