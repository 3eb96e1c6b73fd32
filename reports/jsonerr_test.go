package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJSONProblemsInTheFilesTerms: a report.json or baseline of the wrong
// shape is described by field and JSON kind, never by Go type names.
func TestJSONProblemsInTheFilesTerms(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ body, want string }{
		{`[1, 2]`, "the file is a list where an object was expected"},
		{`{"results": {"a": 1}}`, `field "results" is an object where a list was expected`},
		{`{"tool": 5}`, `field "tool" is a number where a string was expected`},
		{`{"tool": "ssespec",`, "not valid JSON at byte"},
	} {
		path := filepath.Join(dir, "report.json")
		if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadJSON(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "Go ") {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
	if _, err := ParseBaseline([]byte(`{"version": "1"}`)); err == nil || !strings.Contains(err.Error(), `field "version" is a string where a number was expected`) {
		t.Errorf("baseline: %v", err)
	}
}
