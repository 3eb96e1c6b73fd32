// Package known holds the verdicts pinned for real targets — SSE libraries
// (realservers/) and the framework examples (examples/) — in
// testdata/known/<name>.json, so the tests that run them and the README's
// "Known results" table read the same files.
package known

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// Target is one pinned run: what was run and every check's verdict.
type Target struct {
	Name    string             `json:"-"`       // the file's name, e.g. "example-flask"
	Target  string             `json:"target"`  // what ran, e.g. "examples/flask" or "tmaxmax/go-sse"
	Version string             `json:"version"` // the library's or stack's version
	Run     string             `json:"run"`     // how it ran (mode, filter, demo events)
	Checks  map[string]Verdict `json:"checks"`  // check ID → pinned verdict
}

// Verdict is one check's pinned verdict. Every verdict other than pass and
// the skips of an undeclared capability says why, and where (Source) the
// target does what it does.
type Verdict struct {
	Verdict string `json:"verdict"`
	Level   string `json:"level,omitempty"`
	Why     string `json:"why,omitempty"`
	Source  string `json:"source,omitempty"`
}

// Dir is testdata/known in the repository, wherever the caller runs.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "known")
}

// Load reads testdata/known/<name>.json.
func Load(name string) (Target, error) {
	var t Target
	b, err := os.ReadFile(filepath.Join(Dir(), name+".json"))
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, fmt.Errorf("%s.json: %w", name, err)
	}
	t.Name = name
	return t, nil
}

// All reads every file in testdata/known, by name.
func All() ([]Target, error) {
	paths, err := filepath.Glob(filepath.Join(Dir(), "*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	var out []Target
	for _, p := range paths {
		t, err := Load(strings.TrimSuffix(filepath.Base(p), ".json"))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Update pins the results' verdicts in t, keeping each check's why and
// source (a changed verdict keeps them too: review the diff).
func Update(t Target, results []reports.Result) Target {
	checks := map[string]Verdict{}
	for _, r := range results {
		v := t.Checks[r.ID]
		v.Verdict, v.Level = r.Verdict, r.Level
		checks[r.ID] = v
	}
	t.Checks = checks
	return t
}

// Save writes t to testdata/known/<t.Name>.json.
func Save(t Target) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(Dir(), t.Name+".json"), append(b, '\n'), 0o644)
}

// Compare lists every difference between a run's results and the pinned
// verdicts: a changed verdict, a check that ran unpinned, a pinned check
// that did not run.
func Compare(t Target, results []reports.Result) []string {
	got := map[string]reports.Result{}
	for _, r := range results {
		got[r.ID] = r
	}
	var ids []string
	for id := range got {
		ids = append(ids, id)
	}
	for id := range t.Checks {
		if _, ok := got[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, idCmp)
	var diffs []string
	for _, id := range ids {
		res, ran := got[id]
		want, pinned := t.Checks[id]
		switch {
		case !ran:
			diffs = append(diffs, fmt.Sprintf("%s is pinned (%s) but did not run", id, want.Verdict))
		case !pinned:
			diffs = append(diffs, fmt.Sprintf("%s ran (%s) but is not pinned in testdata/known/%s.json: add \"%s\": {\"verdict\": %q}, with why for anything but a pass; message: %s", id, res.Verdict, t.Name, id, res.Verdict, res.Message))
		case res.Verdict != want.Verdict:
			diffs = append(diffs, fmt.Sprintf("%s: verdict %s, pinned %s (testdata/known/%s.json); message: %s", id, res.Verdict, want.Verdict, t.Name, res.Message))
		}
	}
	return diffs
}

// Table is the README's "Known results": one row per pinned fail or
// error, then the skips that carry a reason, one row per check and reason
// with the targets it applies to.
func Table(targets []Target) string {
	var b strings.Builder
	b.WriteString("| target | version | run | ID | verdict | why | source |\n|---|---|---|---|---|---|---|\n")
	type skip struct{ id, why string }
	skipped := map[skip][]string{}
	for _, t := range targets {
		for _, id := range sortedIDs(t.Checks) {
			v := t.Checks[id]
			switch {
			case v.Verdict == reports.Skip && v.Why != "":
				k := skip{id, v.Why}
				skipped[k] = append(skipped[k], t.Target)
			case v.Verdict != reports.Pass && v.Verdict != reports.Skip:
				level := ""
				if v.Level != "" {
					level = " (" + v.Level + ")"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s%s | %s | %s | %s |\n", t.Target, t.Version, t.Run, id, level, v.Verdict, cell(v.Why), cell(v.Source))
			}
		}
	}
	if len(skipped) > 0 {
		var keys []skip
		for k := range skipped {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b skip) int {
			if a.id != b.id {
				return idCmp(a.id, b.id)
			}
			return strings.Compare(a.why, b.why)
		})
		b.WriteString("\nSkipped, with the reason:\n\n| ID | targets | why |\n|---|---|---|\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", k.id, strings.Join(skipped[k], ", "), cell(k.why))
		}
	}
	return b.String()
}

func sortedIDs(m map[string]Verdict) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, idCmp)
	return ids
}

func idCmp(a, b string) int {
	switch {
	case suite.Less(a, b):
		return -1
	case suite.Less(b, a):
		return 1
	}
	return 0
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
