package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// BaselineVersion is the baseline file format this ssespec reads and writes.
const BaselineVersion = 1

// Baseline is an expected-failures file (ssespec-baseline.json): the
// failures a team knows about, so that a run fails only on new ones.
type Baseline struct {
	Version int             `json:"version"`
	Tool    string          `json:"tool,omitempty"`
	Target  string          `json:"target,omitempty"` // the run it was written from; informational
	Entries []BaselineEntry `json:"entries"`
}

// BaselineEntry is one known failure. An entry matches the result with its
// ID and its verdict: a check baselined as fail that now errors is not the
// known finding (the server's behaviour could not be judged this time), nor
// is an error that became a fail. Level and message are a record for the
// reader; messages carry measurements that vary between runs, so they are
// not compared.
type BaselineEntry struct {
	ID      string `json:"id"`
	Level   string `json:"level,omitempty"`
	Verdict string `json:"verdict"`
	Message string `json:"message,omitempty"`
	Reason  string `json:"reason"`
}

// BaselineOutcome is the report's baseline block: how the file applied.
type BaselineOutcome struct {
	File  string   `json:"file"`
	Known []string `json:"known"` // baselined results (their checks failed as listed)
	// New are the failures outside the baseline that fail a --strict run
	// (MUST fail or error, SHOULD fail); the exit status says which of them
	// failed this one.
	New []string `json:"new"`
	// Stale entries' checks now pass: delete them (under --strict they fail
	// the run).
	Stale []BaselineEntry `json:"stale"`
	// Changed entries' checks ended with another problem verdict (fail
	// became error or back): they count as new.
	Changed []BaselineChange `json:"changed,omitempty"`
	// NotChecked entries' checks were skipped or not selected this run.
	NotChecked []string `json:"not_checked,omitempty"`
	// Unknown entries name no check this ssespec has.
	Unknown []string `json:"unknown,omitempty"`
}

// BaselineChange is a baselined check whose problem changed verdict.
type BaselineChange struct {
	ID        string `json:"id"`
	Baselined string `json:"baselined"`
	Now       string `json:"now"`
}

// NewBaseline lists r's failures that fail a --strict run: MUST fails and
// errors and SHOULD fails (mustOnly: the MUST ones, which fail any run). BP
// findings never change the exit status, so they are not listed.
func NewBaseline(r *Report, mustOnly bool) *Baseline {
	b := &Baseline{Version: BaselineVersion, Tool: "ssespec", Target: Printable(r.Target), Entries: []BaselineEntry{}}
	for _, res := range r.Results {
		if !gating(res) || (mustOnly && res.Level != "MUST") {
			continue
		}
		// The message is the target's words: Printable, so the file is
		// safe to cat (JSON leaves DEL and C1 controls raw).
		b.Entries = append(b.Entries, BaselineEntry{ID: res.ID, Level: res.Level, Verdict: res.Verdict, Message: Printable(firstLine(res.Message)), Reason: ""})
	}
	return b
}

// gating says whether res fails a --strict run.
func gating(res Result) bool {
	switch res.Level {
	case "MUST":
		return res.Verdict == Fail || res.Verdict == Error
	case "SHOULD":
		return res.Verdict == Fail
	}
	return false
}

// WriteBaseline writes b as indented JSON.
func WriteBaseline(w io.Writer, b *Baseline) error {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

// ErrBaseline means a baseline file cannot be used.
var ErrBaseline = errors.New("baseline")

var baselineID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ReadBaseline reads and validates a baseline file. Unknown fields are
// errors: a misspelt "verdict" must not silently match nothing.
func ReadBaseline(path string) (*Baseline, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBaseline, err)
	}
	b, err := ParseBaseline(raw)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrBaseline, path, err)
	}
	return b, nil
}

// ParseBaseline decodes and validates a baseline file's contents.
func ParseBaseline(raw []byte) (*Baseline, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("not a baseline file: %s", jsonProblem(err))
	}
	if dec.More() {
		return nil, errors.New("not a baseline file: data after the JSON object")
	}
	switch {
	case b.Version == 0:
		return nil, errors.New(`no "version" (want 1)`)
	case b.Version > BaselineVersion:
		return nil, fmt.Errorf("version %d was written by a newer ssespec (this one reads version %d)", b.Version, BaselineVersion)
	case b.Version < 0:
		return nil, fmt.Errorf("version %d: want 1", b.Version)
	}
	seen := map[string]bool{}
	for i, e := range b.Entries {
		switch {
		case !baselineID.MatchString(e.ID):
			return nil, fmt.Errorf("entry %d: id %q is not a check ID", i+1, Printable(e.ID))
		case e.Verdict != Fail && e.Verdict != Error:
			return nil, fmt.Errorf("entry %d (%s): verdict %q: want fail or error", i+1, e.ID, Printable(e.Verdict))
		case seen[e.ID]:
			return nil, fmt.Errorf("entry %d: %s is listed twice", i+1, e.ID)
		}
		seen[e.ID] = true
	}
	return &b, nil
}

// ApplyBaseline marks r's results that b lists as known failures and
// records the outcome in r.Baseline; r.ExitCode then ignores them. isCheck
// says whether an ID names a check (nil: every ID does); entries that name
// none are reported and warned about, never an error, so an upgrade that
// retires a check does not break CI.
func ApplyBaseline(r *Report, b *Baseline, file string, isCheck func(id string) bool) {
	o := &BaselineOutcome{File: file, Known: []string{}, New: []string{}, Stale: []BaselineEntry{}}
	listed := map[string]BaselineEntry{}
	for _, e := range b.Entries {
		listed[e.ID] = e
	}
	for i := range r.Results {
		res := &r.Results[i]
		e, ok := listed[res.ID]
		switch {
		case ok && res.Verdict == e.Verdict:
			res.Baselined = true
			o.Known = append(o.Known, res.ID)
			continue
		case ok && res.Verdict == Pass:
			o.Stale = append(o.Stale, e)
		case ok && (res.Verdict == Fail || res.Verdict == Error):
			o.Changed = append(o.Changed, BaselineChange{ID: res.ID, Baselined: e.Verdict, Now: res.Verdict})
		case ok:
			o.NotChecked = append(o.NotChecked, res.ID) // skipped: neither confirmed nor fixed
		}
		if gating(*res) {
			o.New = append(o.New, res.ID)
		}
	}
	for _, e := range b.Entries {
		if r.Result(e.ID) != nil {
			continue
		}
		if isCheck != nil && !isCheck(e.ID) {
			o.Unknown = append(o.Unknown, e.ID)
		} else {
			o.NotChecked = append(o.NotChecked, e.ID)
		}
	}
	if len(o.Unknown) > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("the baseline %s lists %s, which this ssespec does not have (retired or misspelt); delete the entries", file, strings.Join(o.Unknown, ", ")))
	}
	slices.Sort(o.NotChecked)
	r.Baseline = o
}

// BaselineLine is the console's one-line account of the baseline, or "".
func BaselineLine(r *Report) string {
	o := r.Baseline
	if o == nil {
		return ""
	}
	line := fmt.Sprintf("Baseline %s: %d known failure(s), %d new, %d stale", o.File, len(o.Known), len(o.New), len(o.Stale))
	var must, should []string
	for _, id := range o.New {
		if res := r.Result(id); res != nil && res.Level == "MUST" {
			must = append(must, id)
		} else {
			should = append(should, id)
		}
	}
	if len(must) > 0 {
		line += "\n  new: " + strings.Join(must, " ")
	}
	if len(should) > 0 {
		line += "\n  new SHOULD failures (they fail --strict runs): " + strings.Join(should, " ")
	}
	for _, c := range o.Changed {
		line += fmt.Sprintf("\n  %s was baselined as %s and is now %s: not the known finding", c.ID, c.Baselined, c.Now)
	}
	if len(o.Stale) > 0 {
		ids := make([]string, len(o.Stale))
		for i, e := range o.Stale {
			ids[i] = e.ID
		}
		line += "\n  stale (now pass; delete them from the baseline): " + strings.Join(ids, " ")
	}
	if len(o.NotChecked) > 0 {
		line += "\n  not checked this run: " + strings.Join(o.NotChecked, " ")
	}
	return line
}
