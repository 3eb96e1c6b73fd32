// Package readme keeps a generated part of a Markdown file — the lines
// between a begin and an end marker — equal to what the code generates: the
// drift test behind the README's check table (the root package) and its known
// results table (internal/known).
package readme

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Section is one generated part of a file.
type Section struct {
	Path       string // the file, relative to the test's package
	Begin, End string // the marker lines around the generated text
	What       string // what it holds, for the failure message: "list of checks"
	Fix        string // the command that regenerates it: "go test . -update"
}

// ErrNoMarkers means the file lacks the markers, or has them out of order.
var ErrNoMarkers = errors.New("lacks the markers")

// Replace returns doc with the text between begin and end (markers kept)
// set to body, and whether that changed it.
func Replace(doc, begin, end, body string) (out string, changed bool, err error) {
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i+len(begin) {
		return doc, false, ErrNoMarkers
	}
	out = doc[:i] + begin + "\n" + body + doc[j:]
	return out, out != doc, nil
}

// Check fails t when the section's text differs from body; with update it
// rewrites the file instead.
func (s Section) Check(t testing.TB, body string, update bool) {
	t.Helper()
	doc, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	out, changed, err := Replace(string(doc), s.Begin, s.End, body)
	switch {
	case err != nil:
		t.Fatalf("%s %v %q … %q", filepath.Base(s.Path), err, s.Begin, s.End)
	case !changed:
	case update:
		if err := os.WriteFile(s.Path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("%s: the %s is out of date; run: %s", filepath.Base(s.Path), s.What, s.Fix)
	}
}
