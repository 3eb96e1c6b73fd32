package ssespec

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/suite"
)

const checksDocPath = "docs/checks.md"

// TestChecksDocInStep keeps docs/checks.md, the per-check reference users
// read, equal to what the registry and the fault tests say.
func TestChecksDocInStep(t *testing.T) {
	checks, err := listOnce()
	if err != nil {
		t.Fatal(err)
	}
	proofs, err := faultProofs("cases")
	if err != nil {
		t.Fatal(err)
	}
	want := checksDoc(checks, proofs)
	if *update {
		if err := os.WriteFile(checksDocPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(checksDocPath)
	if err != nil || string(got) != want {
		t.Fatalf("docs/checks.md is out of date (%v); run: go test . -update", err)
	}
}

// proof is one row of a cases/*_test.go fault table.
type proof struct {
	target, file string
	want         string // pass, skip, error or fail (the default)
}

// caseRow matches a casetest.Case row (a live fault server) or a
// casetest.Recorded row (a canned recording judged offline) that names its
// check and target on one line, the shape every table uses.
var caseRow = regexp.MustCompile(`ID:\s*"(SSE-[A-Z]+-\d+)",\s*(?:Fault|Recording):\s*"([^"]+)"(.*)`)

var checkID = regexp.MustCompile(`SSE-[A-Z]+-\d+`)

// faultProofs reads the fault tables: which targets each check is shown to
// fail, and which correct-but-unusual ones it is shown to pass. A check
// whose tests are shaped otherwise (the proxy scenarios) gets the files
// that name it, with target "".
func faultProofs(dir string) (map[string][]proof, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	out := map[string][]proof{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, m := range caseRow.FindAllStringSubmatch(string(b), -1) {
			want := "fail"
			for _, v := range []string{"pass", "skip", "error"} {
				if strings.Contains(m[3], "Want: reports."+strings.ToUpper(v[:1])+v[1:]) || strings.Contains(m[3], `Want: "`+v+`"`) {
					want = v
				}
			}
			for _, v := range []string{"pass", "skip", "error"} {
				if strings.Contains(m[3], "Or: reports."+strings.ToUpper(v[:1])+v[1:]) {
					want += " or " + v // a row that accepts either (casetest.Case.Or)
				}
			}
			out[m[1]] = append(out[m[1]], proof{target: m[2], file: "cases/" + filepath.Base(f), want: want})
		}
		for _, id := range slices.Compact(checkID.FindAllString(string(b), -1)) {
			if !slices.ContainsFunc(out[id], func(p proof) bool { return p.file == "cases/"+filepath.Base(f) }) {
				out[id] = append(out[id], proof{file: "cases/" + filepath.Base(f)})
			}
		}
	}
	return out, nil
}

func checksDoc(checks []suite.Meta, proofs map[string][]proof) string {
	var b strings.Builder
	b.WriteString("<!-- generated from the check registry and the fault tables: go test . -update -->\n")
	b.WriteString("# The checks\n\n")
	b.WriteString("Every check ssespec runs, by area: what it requires, where the requirement comes from, which correct\n")
	b.WriteString("servers unlike the reference it is built to pass, and the targets the project's tests run it against.\n")
	b.WriteString("Levels: **MUST** (a fail or error exits 1), **SHOULD** (exits 1 only with `--strict`), **BP** (best practice).\n")
	b.WriteString("Every check is also run against the reference server (`TestReferencePassesEveryCheck`).\n")
	b.WriteString("*offline* marks the checks `ssespec judge` makes on a captured stream (README, \"Judge a capture\"): the others need a live target.\n")
	b.WriteString("Targets named `faults/…`, `real-world/…` or `timed/…` are canned recordings in `testdata/recordings` (see its README), judged offline.\n")
	area := ""
	for _, c := range checks {
		if c.Area() != area {
			area = c.Area()
			fmt.Fprintf(&b, "\n## %s\n", area)
		}
		var modes []string
		for _, m := range c.Modes {
			modes = append(modes, string(m))
		}
		slow := ""
		if c.Slow {
			slow = " · slow (`--slow`)"
		}
		switch c.Offline {
		case suite.OfflineBody:
			slow += " · offline: body (`ssespec judge` judges a capture)"
		case suite.OfflineHead:
			slow += " · offline: headers (`ssespec judge` judges a `curl -i` capture)"
		case suite.OfflineTimes:
			slow += " · offline: times (`ssespec judge` judges a report.json, which keeps arrival times)"
		}
		fmt.Fprintf(&b, "\n### %s — %s\n\n", c.ID, c.Title)
		fmt.Fprintf(&b, "**%s** · modes: %s%s · source: [%s](%s)\n\n", c.Level, strings.Join(modes, ", "), slow, sourceName(c.Source), c.SpecURL())
		fmt.Fprintf(&b, "%s\n", c.Requirement)
		if c.Tolerates != "" {
			fmt.Fprintf(&b, "\n*Passes, though unlike the reference:* %s\n", c.Tolerates)
		}
		var fails, passes, others, files []string
		for _, p := range proofs[c.ID] {
			s := fmt.Sprintf("`%s` (%s)", p.target, p.file)
			switch {
			case p.target == "":
				files = append(files, p.file)
			case p.want == "pass":
				passes = append(passes, s)
			case p.want == "fail":
				fails = append(fails, s)
			default:
				others = append(others, fmt.Sprintf("`%s` → %s (%s)", p.target, p.want, p.file))
			}
		}
		if fails = slices.Compact(fails); len(fails) > 0 {
			fmt.Fprintf(&b, "\n*Fails on:* %s\n", strings.Join(fails, ", "))
		}
		if passes = slices.Compact(passes); len(passes) > 0 {
			fmt.Fprintf(&b, "\n*Also passes:* %s\n", strings.Join(passes, ", "))
		}
		if others = slices.Compact(others); len(others) > 0 {
			fmt.Fprintf(&b, "\n*Other verdicts pinned:* %s\n", strings.Join(others, ", "))
		}
		if len(fails)+len(passes)+len(others) == 0 && len(files) > 0 {
			fmt.Fprintf(&b, "\n*Tested in:* %s\n", strings.Join(files, ", "))
		}
	}
	return b.String()
}

func sourceName(src string) string {
	switch {
	case strings.HasPrefix(src, "wpt:"):
		return "WPT " + strings.TrimPrefix(src, "wpt:")
	case src == "reg":
		return "text/event-stream registration"
	case src == "bug":
		return "real-world faults"
	default:
		return "WHATWG HTML, server-sent events"
	}
}

// TestRealWorldFaultsCoverBugChecks: every check sourced from real bugs
// links to its section of docs/real-world-faults.md, so the section must be
// there.
func TestRealWorldFaultsCoverBugChecks(t *testing.T) {
	checks, err := listOnce()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("docs/real-world-faults.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if c.Source == "bug" && !strings.Contains(string(doc), `<a id="`+strings.ToLower(c.ID)+`"></a>`) {
			t.Errorf("%s is sourced from real bugs but docs/real-world-faults.md has no section for it", c.ID)
		}
	}
}
