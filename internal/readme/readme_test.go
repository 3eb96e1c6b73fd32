package readme

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const begin, end = "<!-- x:begin -->", "<!-- x:end -->"

func TestReplace(t *testing.T) {
	doc := "intro\n" + begin + "\nold\n" + end + "\noutro\n"
	got, changed, err := Replace(doc, begin, end, "new\n")
	if want := "intro\n" + begin + "\nnew\n" + end + "\noutro\n"; err != nil || !changed || got != want {
		t.Errorf("Replace = %q, %v, %v; want %q, true, nil", got, changed, err, want)
	}
	if _, changed, err := Replace(doc, begin, end, "old\n"); err != nil || changed {
		t.Errorf("same body: changed %v, err %v; want false, nil", changed, err)
	}
	for _, bad := range []string{"no markers", begin + " only", end + "\n" + begin, begin[:5] + end} {
		if _, _, err := Replace(bad, begin, end, "x"); !errors.Is(err, ErrNoMarkers) {
			t.Errorf("Replace(%q): %v, want ErrNoMarkers", bad, err)
		}
	}
}

// TestCheckUpdates: -update rewrites only the section, after which the
// check passes.
func TestCheckUpdates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte("a\n"+begin+"\nold\n"+end+"\nz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Section{Path: path, Begin: begin, End: end, What: "x", Fix: "regenerate"}
	s.Check(t, "new\n", true)
	b, _ := os.ReadFile(path)
	if want := "a\n" + begin + "\nnew\n" + end + "\nz\n"; string(b) != want {
		t.Fatalf("after update: %q, want %q", b, want)
	}
	s.Check(t, "new\n", false)
}

// TestCheckFailsOnDrift: without -update a stale section fails, saying how
// to regenerate it, and the file is left alone.
func TestCheckFailsOnDrift(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	stale := "a\n" + begin + "\nold\n" + end + "\n"
	if err := os.WriteFile(path, []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Section{Path: path, Begin: begin, End: end, What: "list of things", Fix: "go test ./x -update"}
	f := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); s.Check(f, "new\n", false) }()
	<-done
	if want := "README.md: the list of things is out of date; run: go test ./x -update"; f.msg != want {
		t.Errorf("failure %q, want %q", f.msg, want)
	}
	if b, _ := os.ReadFile(path); string(b) != stale {
		t.Errorf("the file changed without -update: %q", b)
	}
	if err := os.WriteFile(path, []byte("no markers"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.msg = ""
	done = make(chan struct{})
	go func() { defer close(done); s.Check(f, "new\n", false) }()
	<-done
	if !strings.Contains(f.msg, "lacks the markers") {
		t.Errorf("failure %q, want it to say the markers are missing", f.msg)
	}
}

// fatalRecorder keeps a Fatalf's message and ends the goroutine, as
// testing.T does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
