package reports

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ssespec/ssespec/suite"
)

// Diff is what changed between two runs' reports: the proxy-upgrade and
// pull-request view.
type Diff struct {
	Old, New DiffRun
	// Verdicts lists every check whose verdict differs, in catalog order;
	// a check only one run has shows "" for the other.
	Verdicts []VerdictChange
	// Figures are the measurements both runs made for the same check.
	Figures []FigureChange
	// Findings are run-level findings (warnings, a target or hook that
	// stopped, an interruption) the new run has and the old had not; Gone,
	// the reverse.
	Findings, Gone []string
}

// DiffRun identifies one side of a diff.
type DiffRun struct {
	Target, Version, Mode string
	Started               time.Time
	Checks                int
	Summary               Summary
}

// Kinds of verdict change.
const (
	Regressed = "regressed" // now fails or errors, did not before
	Fixed     = "fixed"     // failed or errored, now passes
	Changed   = "changed"   // anything else: fail↔error, pass↔skip, run in only one report
)

// VerdictChange is one check whose verdict differs between the runs.
type VerdictChange struct {
	ID, Title, Level string
	Old, New         string // verdicts; "" when the run did not have the check
	Kind             string
	Message          string // the new run's message when it has a problem, else the old one's
}

// FigureChange is one measurement (milliseconds) in both runs.
type FigureChange struct {
	ID, Name string
	Old, New float64
	// Notable: moved by at least 1 ms and 20% of the larger value, beyond
	// the jitter two runs of the same server show.
	Notable bool
}

// Compare diffs two reports.
func Compare(old, new *Report) *Diff {
	d := &Diff{Old: diffRun(old), New: diffRun(new)}
	ids := map[string]bool{}
	for _, rep := range []*Report{old, new} {
		for _, res := range rep.Results {
			ids[res.ID] = true
		}
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Slice(sorted, func(i, j int) bool { return suite.Less(sorted[i], sorted[j]) })
	for _, id := range sorted {
		o, n := old.Result(id), new.Result(id)
		if o != nil && n != nil {
			d.Figures = append(d.Figures, figureChanges(id, figures(*o), figures(*n))...)
		}
		c := VerdictChange{ID: id}
		for _, res := range []*Result{o, n} { // the new run's title and level win
			if res != nil {
				c.Title, c.Level = res.Title, res.Level
			}
		}
		if o != nil {
			c.Old = o.Verdict
		}
		if n != nil {
			c.New = n.Verdict
		}
		if c.Old == c.New {
			continue
		}
		c.Kind = changeKind(c.Old, c.New)
		switch {
		case n != nil && problem(n.Verdict):
			c.Message = firstLine(n.Message)
		case o != nil:
			c.Message = firstLine(o.Message)
		}
		d.Verdicts = append(d.Verdicts, c)
	}
	of, nf := runFindings(old), runFindings(new)
	for _, f := range nf {
		if !slices.Contains(of, f) {
			d.Findings = append(d.Findings, f)
		}
	}
	for _, f := range of {
		if !slices.Contains(nf, f) {
			d.Gone = append(d.Gone, f)
		}
	}
	return d
}

// Count returns how many verdict changes are of kind.
func (d *Diff) Count(kind string) int {
	n := 0
	for _, c := range d.Verdicts {
		if c.Kind == kind {
			n++
		}
	}
	return n
}

// Gating counts the regressions that can fail a run: MUST and SHOULD
// checks (a BP finding never changes run's exit status, so it never
// fails diff --exit-code either).
func (d *Diff) Gating() int {
	n := 0
	for _, c := range d.Verdicts {
		if c.Kind == Regressed && c.Level != "BP" {
			n++
		}
	}
	return n
}

func diffRun(r *Report) DiffRun {
	return DiffRun{Target: r.Target, Version: r.Version, Mode: r.Mode, Started: r.Started, Checks: len(r.Results), Summary: r.Summary}
}

func problem(v string) bool { return v == Fail || v == Error }

func changeKind(old, new string) string {
	switch {
	case old == "" || new == "":
		return Changed // a check only one run has (another filter, another version) gains or loses nothing
	case problem(new) && !problem(old):
		return Regressed
	case problem(old) && new == Pass:
		return Fixed
	}
	return Changed
}

// runFindings lists a report's run-level findings as comparable lines.
func runFindings(r *Report) []string {
	var out []string
	for _, w := range r.Warnings {
		out = append(out, "warning: "+w)
	}
	if r.TargetStopped != "" {
		out = append(out, "target stopped: "+r.TargetStopped)
	}
	if r.HookStopped != "" {
		out = append(out, "publish hook stopped: "+r.HookStopped)
	}
	if r.Interrupted != "" {
		out = append(out, "interrupted ("+r.Interrupted+")")
	}
	return out
}

// figures are a result's measurements in milliseconds: evidence numbers
// named *_ms (budgets are settings, not measurements, and are left out),
// maps of them (headers_ms.direct) and the p50/p95 of latency series.
func figures(res Result) map[string]float64 {
	out := map[string]float64{}
	for k, v := range res.Evidence {
		if !strings.HasSuffix(k, "_ms") || k == "budget_ms" || k == "tolerance_ms" {
			continue
		}
		if f, ok := number(v); ok {
			out[k] = f
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		for sub, sv := range m {
			if f, ok := number(sv); ok {
				out[k+"."+sub] = f
			} else if series, ok := numbers(sv); ok && len(series) > 0 {
				out[k+"."+sub+" p50"] = nearestRank(series, 50)
				out[k+"."+sub+" p95"] = nearestRank(series, 95)
			}
		}
	}
	return out
}

func figureChanges(id string, old, new map[string]float64) []FigureChange {
	var out []FigureChange
	for name, o := range old {
		n, ok := new[name]
		if !ok {
			continue
		}
		delta := math.Abs(n - o)
		out = append(out, FigureChange{ID: id, Name: name, Old: o, New: n,
			Notable: delta >= 1 && delta >= 0.2*math.Max(math.Abs(o), math.Abs(n))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// number reads a JSON number (float64) or an in-process integer.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func numbers(v any) ([]float64, bool) {
	switch s := v.(type) {
	case []float64:
		return s, true
	case []any:
		out := make([]float64, 0, len(s))
		for _, e := range s {
			f, ok := number(e)
			if !ok {
				return nil, false
			}
			out = append(out, f)
		}
		return out, true
	}
	return nil, false
}

// nearestRank is the p-th percentile by nearest rank, as the checks
// compute theirs.
func nearestRank(xs []float64, p int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(float64(p)/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
