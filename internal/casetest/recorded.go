package casetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/ssespectest"
	"github.com/ssespec/ssespec/suite"
)

// Recorded is one check judged on a canned recording of a stream's body
// (testdata/recordings/<Recording>.sse, as `curl -sN URL` writes it),
// offline and in this process: what a body-only check decides needs no
// live target, no window and no child process. faults/<name> recordings
// are the fault servers' wire (kept in step by the cases tests),
// real-world/<name> ones reproduce a bug a real library shipped.
type Recorded struct {
	ID        string
	Recording string
	Want      string // default fail
	Detail    string // substring the message must contain
}

// RecordingsDir is where the canned recordings live, from the module root.
const RecordingsDir = "testdata/recordings"

// RecordingPath is the file of recording name.
func RecordingPath(t testing.TB, name string) string {
	return filepath.Join(ModuleRoot(t), RecordingsDir, filepath.FromSlash(name)+".sse")
}

// Recordings judges each row on its recording, as a subtest named
// ID/recording. The runs are offline, so they take milliseconds and run one
// after another (runs in one process take turns).
func Recordings(t *testing.T, rows []Recorded) {
	for _, c := range rows {
		t.Run(c.ID+"/"+c.Recording, func(t *testing.T) {
			body, err := os.ReadFile(RecordingPath(t, c.Recording))
			if err != nil {
				t.Fatalf("recording %s: %v", c.Recording, err)
			}
			cfg := suite.Config{
				Capture:     &suite.Capture{Source: c.Recording + ".sse", Body: body},
				LabelFilter: Filter(c.ID),
			}
			r := ssespectest.Check(t, cfg)
			want := c.Want
			if want == "" {
				want = reports.Fail
			}
			Expect(t, r, c.ID, want, c.Detail)
		})
	}
}

// ModuleRoot is the directory of the go.mod above the test's directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("casetest: no go.mod above the test's directory")
		}
		dir = up
	}
}
