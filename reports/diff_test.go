package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestCompareVerdicts(t *testing.T) {
	old := report(
		res("SSE-HTTP-001", "MUST", Pass), res("SSE-HTTP-002", "MUST", Pass), res("SSE-HTTP-003", "MUST", Fail),
		res("SSE-HTTP-004", "MUST", Fail), res("SSE-HTTP-005", "SHOULD", Skip), res("SSE-FRAME-001", "MUST", Pass),
	)
	new := report(
		res("SSE-HTTP-001", "MUST", Pass), res("SSE-HTTP-002", "MUST", Fail), res("SSE-HTTP-003", "MUST", Pass),
		res("SSE-HTTP-004", "MUST", Error), res("SSE-HTTP-005", "SHOULD", Pass), res("SSE-KEEP-001", "MUST", Fail),
	)
	d := Compare(old, new)
	want := []struct{ id, old, new, kind string }{
		{"SSE-HTTP-002", Pass, Fail, Regressed},
		{"SSE-HTTP-003", Fail, Pass, Fixed},
		{"SSE-HTTP-004", Fail, Error, Changed},
		{"SSE-HTTP-005", Skip, Pass, Changed},
		{"SSE-FRAME-001", Pass, "", Changed}, // only the old run had it
		{"SSE-KEEP-001", "", Fail, Changed},  // only the new run had it: nothing regressed
	}
	if len(d.Verdicts) != len(want) {
		t.Fatalf("changes %+v, want %d", d.Verdicts, len(want))
	}
	for i, w := range want {
		c := d.Verdicts[i]
		if c.ID != w.id || c.Old != w.old || c.New != w.new || c.Kind != w.kind {
			t.Errorf("change %d: %+v, want %+v", i, c, w)
		}
	}
	if d.Verdicts[0].Message != "fail of SSE-HTTP-002" || d.Verdicts[1].Message != "fail of SSE-HTTP-003" {
		t.Errorf("messages: want the new problem's, else the old one's first line: %q, %q", d.Verdicts[0].Message, d.Verdicts[1].Message)
	}
	if d.Count(Regressed) != 1 || d.Count(Fixed) != 1 {
		t.Errorf("counts %d regressed, %d fixed", d.Count(Regressed), d.Count(Fixed))
	}
	if same := Compare(old, old); len(same.Verdicts) != 0 || len(same.Findings)+len(same.Gone) != 0 {
		t.Errorf("a run against itself: %+v", same)
	}
}

// TestCompareFigures reads reports as CI does, from JSON, so evidence
// numbers are float64 and series []any.
func TestCompareFigures(t *testing.T) {
	parse := func(evidence string) *Report {
		t.Helper()
		var r Report
		if err := json.Unmarshal([]byte(`{"tool":"ssespec","results":[{"id":"SSE-FLUSH-001","level":"MUST","verdict":"pass","evidence":`+evidence+`}]}`), &r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	old := parse(`{"p50_ms":2,"p95_ms":3.2,"max_ms":4,"budget_ms":100,"headers_ms":{"direct":1,"proxied":1.5},
		"latency_ms":{"latency":[1,2,3,4,5,6,7,8,9,10]},"lag_ms":[1,2],"series":2,"only_old_ms":5}`)
	new := parse(`{"p50_ms":2.4,"p95_ms":40,"max_ms":41,"budget_ms":250,"headers_ms":{"direct":1,"proxied":30},
		"latency_ms":{"latency":[10,20,30,40,50,60,70,80,90,100]},"lag_ms":[5,6],"series":1}`)
	d := Compare(old, new)
	got := map[string]FigureChange{}
	for _, f := range d.Figures {
		got[f.Name] = f
	}
	for name, want := range map[string]struct {
		old, new float64
		notable  bool
	}{
		"p50_ms":                 {2, 2.4, false}, // 0.4 ms: jitter
		"p95_ms":                 {3.2, 40, true},
		"max_ms":                 {4, 41, true},
		"headers_ms.direct":      {1, 1, false},
		"headers_ms.proxied":     {1.5, 30, true},
		"latency_ms.latency p50": {5, 50, true},
		"latency_ms.latency p95": {10, 100, true},
	} {
		f, ok := got[name]
		if !ok || f.Old != want.old || f.New != want.new || f.Notable != want.notable {
			t.Errorf("%s: %+v (present %v), want %+v", name, f, ok, want)
		}
	}
	for _, absent := range []string{"budget_ms", "lag_ms", "series", "only_old_ms"} {
		if _, ok := got[absent]; ok {
			t.Errorf("%s is not a figure both runs measured", absent)
		}
	}
	if len(got) != 7 {
		t.Errorf("figures %v", got)
	}
	var text, md bytes.Buffer
	WriteDiffText(&text, d)
	WriteDiffMarkdown(&md, d)
	for _, want := range []string{"Figures that moved (by ≥ 1 ms and ≥ 20%; 2 others did not)", "p95_ms", "3.2 ms →", "40.0 ms", "(+36.8 ms)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if !strings.Contains(md.String(), "| SSE-FLUSH-001 | p95\\_ms | 3.2 ms | 40.0 ms | +36.8 ms |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}

func TestCompareFindings(t *testing.T) {
	old, new := report(), report()
	old.Warnings = []string{"same", "fixed one"}
	new.Warnings = []string{"same", "redirect to another origin"}
	new.TargetStopped = "no answer for 10s"
	d := Compare(old, new)
	if strings.Join(d.Findings, "|") != "warning: redirect to another origin|target stopped: no answer for 10s" || strings.Join(d.Gone, "|") != "warning: fixed one" {
		t.Errorf("findings %q, gone %q", d.Findings, d.Gone)
	}
}

// TestDiffOutputIsInert: what a target wrote reaches neither the terminal
// as escapes nor GitHub as markup.
func TestDiffOutputIsInert(t *testing.T) {
	hostile := "\x1b]0;pwned\x07 <img src=x onerror=alert(1)> | [link](http://evil) @everyone `code` **bold**\nsecond"
	old := report(res("SSE-HTTP-002", "MUST", Pass))
	new := report(Result{ID: "SSE-HTTP-002", Level: "MUST", Verdict: Fail, Title: "t", Message: hostile})
	new.Warnings = []string{hostile}
	d := Compare(old, new)
	var text, md bytes.Buffer
	WriteDiffText(&text, d)
	WriteDiffMarkdown(&md, d)
	if strings.ContainsAny(text.String(), "\x1b\x07") {
		t.Errorf("terminal output carries control characters:\n%q", text.String())
	}
	if !strings.Contains(text.String(), "pass → fail  regressed") {
		t.Errorf("text:\n%s", text.String())
	}
	m := md.String()
	for _, bad := range []string{"<img", " [link](", "@everyone", "**bold**", "\x1b", "| [link", " `code`"} {
		if strings.Contains(m, bad) {
			t.Errorf("markdown carries %q:\n%s", bad, m)
		}
	}
	if !strings.Contains(m, `\[link\](http://evil)`) {
		t.Errorf("the link is not escaped as expected:\n%s", m)
	}
	row := ""
	for _, l := range strings.Split(m, "\n") {
		if strings.HasPrefix(l, "| SSE-HTTP-002") {
			row = l
		}
	}
	// Seven cells: the escaped | in the message does not add one.
	if cells := strings.Count(strings.ReplaceAll(row, `\|`, ""), "|"); cells != 8 {
		t.Errorf("row %q has %d separators, want 8", row, cells)
	}
}

// TestGatingIgnoresBestPractices: diff --exit-code fails on what can fail a
// run; a BP check that regressed is listed but does not gate.
func TestGatingIgnoresBestPractices(t *testing.T) {
	d := &Diff{Verdicts: []VerdictChange{{ID: "SSE-HTTP-007", Level: "BP", Old: Pass, New: Fail, Kind: Regressed}}}
	if d.Count(Regressed) != 1 || d.Gating() != 0 {
		t.Errorf("a BP regression: count %d, gating %d; want 1 and 0", d.Count(Regressed), d.Gating())
	}
	d.Verdicts = append(d.Verdicts, VerdictChange{ID: "SSE-HTTP-005", Level: "SHOULD", Old: Pass, New: Fail, Kind: Regressed})
	if d.Gating() != 1 {
		t.Errorf("a SHOULD regression does not gate: %d", d.Gating())
	}
}
