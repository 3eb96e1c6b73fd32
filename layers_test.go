package ssespec

import (
	"os/exec"
	"strings"
	"testing"
)

// layers are the product's packages from the bottom up: a package imports
// only packages on a lower layer (or its own directory's, as harness's
// packages do). The test-support packages (internal/faults, casetest, …)
// and the examples may import anything and are left out.
var layers = [][]string{
	{"harness/", "internal/redact"},
	{"suite"},
	{"cases", "reports"},
	{"."}, // this package: the run entry
	{"cmd/", "ssespectest", "ssegomega"},
}

func layerOf(pkg string) (int, string) {
	for i, l := range layers {
		for _, p := range l {
			if pkg == p || strings.HasSuffix(p, "/") && strings.HasPrefix(pkg, p) {
				return i, p
			}
		}
	}
	return -1, ""
}

// TestNoPackageImportsOneAbove keeps the layering the layout promises: the
// harness never sees the suite, the checks never see the reports or the run
// entry, nothing below this package imports it.
func TestNoPackageImportsOneAbove(t *testing.T) {
	const mod = "github.com/ssespec/ssespec"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	rel := func(p string) string {
		if p == mod {
			return "."
		}
		return strings.TrimPrefix(p, mod+"/")
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		from := rel(f[0])
		lf, df := layerOf(from)
		if lf < 0 {
			continue
		}
		checked++
		for _, imp := range f[1:] {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			to := rel(imp)
			lt, dt := layerOf(to)
			if lt < 0 {
				t.Errorf("%s imports %s, a test-support package", from, to)
				continue
			}
			if lt >= lf && !(df == dt && strings.HasSuffix(df, "/")) {
				t.Errorf("%s (layer %d) imports %s (layer %d): a package imports only those below it", from, lf, to, lt)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d packages checked: is go list's output what this test reads?", checked)
	}
}
