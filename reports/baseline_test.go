package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func res(id, level, verdict string) Result {
	return Result{ID: id, Level: level, Verdict: verdict, Message: verdict + " of " + id + "\nsecond line"}
}

func report(results ...Result) *Report {
	r := &Report{Tool: "ssespec", Target: "http://t/", Results: results}
	r.Summary = summarize(results)
	return r
}

func TestNewBaselineListsWhatCanFailARun(t *testing.T) {
	r := report(
		res("SSE-HTTP-001", "MUST", Pass), res("SSE-HTTP-002", "MUST", Fail), res("SSE-HTTP-003", "MUST", Error),
		res("SSE-HTTP-005", "SHOULD", Fail), res("SSE-HTTP-006", "SHOULD", Error), res("SSE-HTTP-007", "BP", Fail),
		res("SSE-HTTP-008", "MUST", Skip),
	)
	r.Results[1].Message = "fail of SSE-HTTP-002\u009b31m\x7f\nsecond line"
	for _, tc := range []struct {
		mustOnly bool
		want     []string
	}{
		{false, []string{"SSE-HTTP-002", "SSE-HTTP-003", "SSE-HTTP-005"}},
		{true, []string{"SSE-HTTP-002", "SSE-HTTP-003"}},
	} {
		b := NewBaseline(r, tc.mustOnly)
		var ids []string
		for _, e := range b.Entries {
			ids = append(ids, e.ID)
			if !strings.HasPrefix(e.Message, e.Verdict+" of "+e.ID) || strings.ContainsAny(e.Message, "\u009b\x7f\n") || e.Reason != "" || e.Level == "" {
				t.Errorf("entry %+v: want the message's first line, level and an empty reason", e)
			}
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("mustOnly=%v: entries %v, want %v", tc.mustOnly, ids, tc.want)
		}
		// What it writes, it reads back.
		var buf bytes.Buffer
		if err := WriteBaseline(&buf, b); err != nil {
			t.Fatal(err)
		}
		back, err := ParseBaseline(buf.Bytes())
		if err != nil || len(back.Entries) != len(tc.want) || back.Version != 1 || !strings.Contains(buf.String(), `"reason": ""`) {
			t.Errorf("round trip: %v, %+v\n%s", err, back, buf.String())
		}
	}
}

func TestParseBaselineRejectsMalformed(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not JSON", `{"version":1,`, "not a baseline file"},
		{"a report", `{"tool":"ssespec","results":[]}`, "unknown field"},
		{"no version", `{"entries":[]}`, `no "version"`},
		{"newer", `{"version":2,"entries":[]}`, "newer ssespec"},
		{"misspelt field", `{"version":1,"entries":[{"id":"SSE-HTTP-002","verdcit":"fail"}]}`, "unknown field"},
		{"bad verdict", `{"version":1,"entries":[{"id":"SSE-HTTP-002","verdict":"pass"}]}`, "want fail or error"},
		{"bad id", `{"version":1,"entries":[{"id":"\u001b[31m","verdict":"fail"}]}`, "not a check ID"},
		{"duplicate", `{"version":1,"entries":[{"id":"SSE-HTTP-002","verdict":"fail"},{"id":"SSE-HTTP-002","verdict":"error"}]}`, "listed twice"},
		{"trailing", `{"version":1,"entries":[]} {}`, "data after"},
	} {
		_, err := ParseBaseline([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
		if err != nil && strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("%s: the error carries an escape sequence: %q", tc.name, err)
		}
	}
}

func TestApplyBaseline(t *testing.T) {
	entry := func(id, verdict string) BaselineEntry { return BaselineEntry{ID: id, Verdict: verdict} }
	isCheck := func(id string) bool { return id != "SSE-GONE-001" }
	for _, tc := range []struct {
		name                      string
		results                   []Result
		entries                   []BaselineEntry
		known, new, stale         []string
		changed, notChecked, unkn int
		exit, exitStrict          int
	}{
		{
			name:    "every failure known",
			results: []Result{res("SSE-HTTP-002", "MUST", Fail), res("SSE-HTTP-003", "MUST", Error), res("SSE-HTTP-005", "SHOULD", Fail)},
			entries: []BaselineEntry{entry("SSE-HTTP-002", Fail), entry("SSE-HTTP-003", Error), entry("SSE-HTTP-005", Fail)},
			known:   []string{"SSE-HTTP-002", "SSE-HTTP-003", "SSE-HTTP-005"}, exit: 0, exitStrict: 0,
		},
		{
			name:    "a new MUST failure",
			results: []Result{res("SSE-HTTP-002", "MUST", Fail), res("SSE-HTTP-004", "MUST", Fail)},
			entries: []BaselineEntry{entry("SSE-HTTP-002", Fail)},
			known:   []string{"SSE-HTTP-002"}, new: []string{"SSE-HTTP-004"}, exit: 1, exitStrict: 1,
		},
		{
			name:    "a new SHOULD failure fails only strict runs",
			results: []Result{res("SSE-HTTP-002", "MUST", Fail), res("SSE-HTTP-005", "SHOULD", Fail)},
			entries: []BaselineEntry{entry("SSE-HTTP-002", Fail)},
			known:   []string{"SSE-HTTP-002"}, new: []string{"SSE-HTTP-005"}, exit: 0, exitStrict: 1,
		},
		{
			name:    "a fixed failure is stale",
			results: []Result{res("SSE-HTTP-002", "MUST", Pass), res("SSE-HTTP-003", "MUST", Fail)},
			entries: []BaselineEntry{entry("SSE-HTTP-002", Fail), entry("SSE-HTTP-003", Fail)},
			known:   []string{"SSE-HTTP-003"}, stale: []string{"SSE-HTTP-002"}, exit: 0, exitStrict: 1,
		},
		{
			name:    "fail became error: not the known finding",
			results: []Result{res("SSE-HTTP-002", "MUST", Error)},
			entries: []BaselineEntry{entry("SSE-HTTP-002", Fail)},
			new:     []string{"SSE-HTTP-002"}, changed: 1, exit: 1, exitStrict: 1,
		},
		{
			name:    "error became fail: not the known finding",
			results: []Result{res("SSE-HTTP-002", "MUST", Fail)},
			entries: []BaselineEntry{entry("SSE-HTTP-002", Error)},
			new:     []string{"SSE-HTTP-002"}, changed: 1, exit: 1, exitStrict: 1,
		},
		{
			name:       "skipped, unselected and retired entries neither pass nor fail",
			results:    []Result{res("SSE-HTTP-002", "MUST", Skip)},
			entries:    []BaselineEntry{entry("SSE-HTTP-002", Fail), entry("SSE-FRAME-001", Fail), entry("SSE-GONE-001", Fail)},
			notChecked: 2, unkn: 1, exit: 0, exitStrict: 0,
		},
		{
			name:    "BP failures never gate and are not new",
			results: []Result{res("SSE-HTTP-007", "BP", Fail)},
			exit:    0, exitStrict: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := report(tc.results...)
			ApplyBaseline(r, &Baseline{Version: 1, Entries: tc.entries}, "b.json", isCheck)
			o := r.Baseline
			var stale []string
			for _, e := range o.Stale {
				stale = append(stale, e.ID)
			}
			if !slices.Equal(o.Known, orEmpty(tc.known)) || !slices.Equal(o.New, orEmpty(tc.new)) || !slices.Equal(stale, tc.stale) ||
				len(o.Changed) != tc.changed || len(o.NotChecked) != tc.notChecked || len(o.Unknown) != tc.unkn {
				t.Errorf("outcome %+v", o)
			}
			for _, res := range r.Results {
				if res.Baselined != slices.Contains(tc.known, res.ID) {
					t.Errorf("%s baselined=%v", res.ID, res.Baselined)
				}
			}
			if tc.unkn > 0 && (len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "SSE-GONE-001")) {
				t.Errorf("warnings %q: want one naming the retired check", r.Warnings)
			}
			if got, gotStrict := r.ExitCode(false), r.ExitCode(true); got != tc.exit || gotStrict != tc.exitStrict {
				t.Errorf("exit %d, strict %d; want %d, %d", got, gotStrict, tc.exit, tc.exitStrict)
			}
			// The verdicts and their counts stay honest.
			if r.Summary != summarize(tc.results) {
				t.Errorf("summary changed: %+v", r.Summary)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestBaselineShowsInTextAndHTML(t *testing.T) {
	r := report(res("SSE-HTTP-002", "MUST", Fail), res("SSE-HTTP-004", "MUST", Pass))
	ApplyBaseline(r, &Baseline{Version: 1, Entries: []BaselineEntry{{ID: "SSE-HTTP-002", Verdict: Fail}, {ID: "SSE-HTTP-004", Verdict: Fail}}}, "b.json", nil)
	var text, html bytes.Buffer
	WriteText(&text, r)
	if err := RenderHTML(r, &html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(known: baselined)", "Baseline b.json: 1 known failure(s), 0 new, 1 stale", "stale (now pass; delete them from the baseline): SSE-HTTP-004"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{`class="badge known"`, "known (baselined)", "baseline: 1 known, 0 new, 1 stale (now pass, delete them: SSE-HTTP-004)", "No new MUST failures"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
