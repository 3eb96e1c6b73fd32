package ssespec

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ssespec/ssespec/internal/readme"
	"github.com/ssespec/ssespec/suite"
)

var update = flag.Bool("update", false, "rewrite testdata/catalog.json and the README's check list from the specs")

var listOnce = sync.OnceValues(List)

const (
	goldenPath = "testdata/catalog.json"
	readmePath = "README.md"
	beginMark  = "<!-- checks:begin (generated: go test . -update) -->"
	endMark    = "<!-- checks:end -->"
)

// TestCatalogGolden keeps the checked-in catalog equal to what the specs
// declare (Kubernetes-style): a check cannot be renamed, re-levelled or
// dropped without the diff showing it.
func TestCatalogGolden(t *testing.T) {
	checks, err := listOnce()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(CatalogOf(checks), "", "  ")
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (create it with: go test . -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the specs' catalog differs from %s; if the change is intended, run: go test . -update", filepath.Clean(goldenPath))
	}
}

// TestReadmeListsEveryCheck fails when the README's list of checks drifts
// from the registry.
func TestReadmeListsEveryCheck(t *testing.T) {
	checks, err := listOnce()
	if err != nil {
		t.Fatal(err)
	}
	readme.Section{Path: readmePath, Begin: beginMark, End: endMark,
		What: "list of checks", Fix: "go test . -update"}.Check(t, checkTable(checks), *update)
}

func checkTable(checks []suite.Meta) string {
	var b strings.Builder
	area := ""
	for _, c := range checks {
		if c.Area() != area {
			area = c.Area()
			fmt.Fprintf(&b, "\n**%s**\n\n| ID | Level | Modes | Check |\n|---|---|---|---|\n", area)
		}
		var modes []string
		for _, m := range c.Modes {
			modes = append(modes, string(m))
		}
		slow := ""
		if c.Slow {
			slow = " (slow)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s%s |\n", c.ID, c.Level, strings.Join(modes, ", "), c.Title, slow)
	}
	b.WriteString("\n")
	return b.String()
}
