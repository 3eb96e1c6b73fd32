package casetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/ssespectest"
	"github.com/ssespec/ssespec/suite"
)

// Recorded is one check judged on a canned recording, offline and in this
// process: what a check decides from a recording needs no live target, no
// window and no child process. testdata/recordings/<Recording>.sse is a
// stream's body as `curl -sN URL` writes it: faults/<name> the fault
// servers' wire (kept in step by the cases tests), real-world/<name> a
// stream a real library sent. <Recording>.json is a run's report.json,
// whose shared recording also keeps when each read arrived (timed/<name>).
type Recorded struct {
	ID        string
	Recording string
	Want      string              // default fail
	Detail    string              // substring the message must contain
	Config    func(*suite.Config) // adjust the run (e.g. --keepalive-max)
}

// RecordingsDir is where the canned recordings live, from the module root.
const RecordingsDir = "testdata/recordings"

// RecordingPath is the file of recording name: its .sse body, else its
// report.json.
func RecordingPath(t testing.TB, name string) string {
	base := filepath.Join(ModuleRoot(t), RecordingsDir, filepath.FromSlash(name))
	if _, err := os.Stat(base + ".sse"); err != nil {
		if _, err := os.Stat(base + ".json"); err == nil {
			return base + ".json"
		}
	}
	return base + ".sse"
}

// recordingCapture is the capture recording name holds.
func recordingCapture(t testing.TB, name string) *suite.Capture {
	t.Helper()
	path := RecordingPath(t, name)
	if strings.HasSuffix(path, ".json") {
		rep, err := reports.ReadJSON(path)
		if err != nil {
			t.Fatalf("recording %s: %v", name, err)
		}
		c, err := reports.CaptureOf(filepath.Base(path), rep, "")
		if err != nil {
			t.Fatalf("recording %s: %v", name, err)
		}
		return c
	}
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("recording %s: %v", name, err)
	}
	return &suite.Capture{Source: name + ".sse", Body: body}
}

// Recordings judges each row on its recording, as a subtest named
// ID/recording. The runs are offline, so they take milliseconds and run one
// after another.
func Recordings(t *testing.T, rows []Recorded) {
	for _, c := range rows {
		t.Run(c.ID+"/"+c.Recording, func(t *testing.T) {
			cfg := suite.Config{Capture: recordingCapture(t, c.Recording), LabelFilter: Filter(c.ID)}
			if c.Config != nil {
				c.Config(&cfg)
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
