package cases_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// recorded proves the checks that judge a recording alone (the FRAME ones
// but SSE-FRAME-005 and -010, SSE-KEEP-003, and SSE-KEEP-001 on arrival
// times) on canned recordings: the fault servers' wire (faults/…), what
// real libraries shipped (real-world/…, sources in that directory's
// README), and runs' report.json files (timed/…).
// Each check keeps a recording it fails and, where the correct stream is
// unusual, one it passes; the reference run proves the ordinary pass.
var recorded = []casetest.Recorded{
	{ID: "SSE-FRAME-001", Recording: "faults/invalid-utf8", Detail: "invalid UTF-8 byte 0xE9 at byte "},
	{ID: "SSE-FRAME-001", Recording: "faults/utf8-surrogate", Detail: "0xED"},
	{ID: "SSE-FRAME-001", Recording: "real-world/unicode-separators", Want: reports.Pass},
	{ID: "SSE-FRAME-002", Recording: "faults/bom-mid-stream", Detail: `"\ufeffid: 3"`},
	{ID: "SSE-FRAME-002", Recording: "faults/bom-twice", Detail: "byte 3 (line 1"},
	{ID: "SSE-FRAME-002", Recording: "real-world/bom-at-start", Want: reports.Pass},
	{ID: "SSE-FRAME-003", Recording: "faults/field-wrong-case", Detail: `field "Data" (names are case-sensitive)`},
	{ID: "SSE-FRAME-003", Recording: "faults/stray-text-line", Detail: `a text line without a colon: "oops"`},
	{ID: "SSE-FRAME-003", Recording: "real-world/json-pretty-printed-into-data", Detail: `a text line without a colon: "}"`},
	{ID: "SSE-FRAME-003", Recording: "real-world/unicode-separators", Want: reports.Pass},
	{ID: "SSE-FRAME-003", Recording: "real-world/comments-and-no-space", Want: reports.Pass},
	{ID: "SSE-FRAME-003", Recording: "real-world/trailing-blank-lines", Want: reports.Pass},
	{ID: "SSE-FRAME-004", Recording: "faults/cr-line-endings", Detail: "every line ends in a bare CR"},
	{ID: "SSE-FRAME-004", Recording: "faults/mixed-line-endings", Detail: "mixed line endings: LF on"},
	{ID: "SSE-FRAME-004", Recording: "faults/crlf-line-endings", Want: reports.Pass, Detail: "CRLF"},
	{ID: "SSE-FRAME-004", Recording: "real-world/bare-cr-in-event-name", Detail: "mixed line endings"},
	{ID: "SSE-FRAME-004", Recording: "real-world/crlf-throughout", Want: reports.Pass, Detail: "CRLF"},
	{ID: "SSE-FRAME-004", Recording: "real-world/trailing-blank-lines", Want: reports.Pass},
	{ID: "SSE-FRAME-006", Recording: "faults/event-without-data", Detail: `"event: x\n"`},
	{ID: "SSE-FRAME-006", Recording: "faults/id-without-data", Detail: `"id: 3\n"`},
	{ID: "SSE-FRAME-006", Recording: "real-world/keepalive-event-without-data", Detail: `"event: keepalive\n"`},
	{ID: "SSE-FRAME-006", Recording: "real-world/trailing-blank-lines", Want: reports.Pass},
	{ID: "SSE-FRAME-006", Recording: "real-world/comments-and-no-space", Want: reports.Pass},
	{ID: "SSE-FRAME-007", Recording: "faults/retry-with-unit", Detail: `value "3s"`},
	{ID: "SSE-FRAME-007", Recording: "faults/retry-empty", Detail: `value ""`},
	{ID: "SSE-FRAME-008", Recording: "faults/id-with-nul", Detail: `id "3\x00x"`},
	{ID: "SSE-FRAME-008", Recording: "faults/id-long", Want: reports.Pass, Detail: "200-byte id"},
	{ID: "SSE-FRAME-009", Recording: "faults/repeated-id", Detail: `id "1", first used by the event at byte`},
	{ID: "SSE-FRAME-009", Recording: "real-world/comments-and-no-space", Want: reports.Pass},
	// report.json recordings keep when each read arrived: SSE-KEEP-001 is
	// judged on them with the --keepalive-max of the runs that made them.
	{ID: "SSE-KEEP-001", Recording: "timed/silent-30s", Config: keepalive1s, Detail: "silent for 2.5s, from the body read at 7 ms"},
	{ID: "SSE-KEEP-001", Recording: "timed/keepalive-every-1400ms", Config: keepalive1s, Detail: "silent for 1.401s, from the body read at 6 ms to the body read at 1406 ms"},
	{ID: "SSE-KEEP-001", Recording: "timed/reference", Config: keepalive1s, Want: reports.Pass},
	{ID: "SSE-KEEP-001", Recording: "timed/keepalive-every-950ms", Config: keepalive1s, Want: reports.Pass},
	{ID: "SSE-KEEP-003", Recording: "faults/empty-event-keepalive", Detail: "empty-data event(s) in the capture"},
	{ID: "SSE-KEEP-003", Recording: "real-world/keepalive-event-with-data", Detail: `type "keepalive"`},
	{ID: "SSE-KEEP-003", Recording: "real-world/comments-and-no-space", Want: reports.Pass},
	{ID: "SSE-KEEP-003", Recording: "real-world/trailing-blank-lines", Want: reports.Pass},
	{ID: "SSE-KEEP-003", Recording: "real-world/empty-messages-among-many", Want: reports.Pass},
}

func TestJudgesOnRecordings(t *testing.T) { casetest.Recordings(t, recorded) }

// keepalive1s is the --keepalive-max the timed/ recordings were made with.
func keepalive1s(c *suite.Config) { c.KeepaliveMax = time.Second }

// envUpdateRecordings rewrites the faults/ recordings from the fault
// servers' definitions (a flag would clash with other packages' -update).
const envUpdateRecordings = "SSESPEC_UPDATE_RECORDINGS"

// recordedEvents is how many events a fault recording holds: past every
// fault's odd event (the third) and a stream's end after three.
const recordedEvents = 6

// TestRecordingsAreTheFaultsWire keeps each faults/ recording byte for byte
// what its fault server sends (timing aside), so a changed fault cannot
// leave a stale recording proving a check. After changing a fault:
// SSESPEC_UPDATE_RECORDINGS=1 go test ./cases -run TestRecordingsAreTheFaultsWire
func TestRecordingsAreTheFaultsWire(t *testing.T) {
	used := map[string]bool{}
	for _, c := range recorded {
		used[casetest.RecordingPath(t, c.Recording)] = true
	}
	files, _ := filepath.Glob(filepath.Join(casetest.ModuleRoot(t), casetest.RecordingsDir, "*", "*.sse"))
	timed, _ := filepath.Glob(filepath.Join(casetest.ModuleRoot(t), casetest.RecordingsDir, "*", "*.json"))
	files = append(files, timed...)
	if len(files) == 0 {
		t.Fatal("no recordings found")
	}
	for _, f := range files {
		if !used[f] {
			t.Errorf("%s is used by no row of the recorded table: prove something with it, or remove it", f)
		}
	}
	for _, c := range recorded {
		name, ok := strings.CutPrefix(c.Recording, "faults/")
		if !ok {
			continue
		}
		want, err := faults.Wire(name, recordedEvents)
		if err != nil {
			t.Fatal(err)
		}
		path := casetest.RecordingPath(t, c.Recording)
		if os.Getenv(envUpdateRecordings) != "" {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, []byte(want)) {
			t.Errorf("%s is not fault %s's wire (%v); run %s=1 go test ./cases -run TestRecordingsAreTheFaultsWire", path, name, err, envUpdateRecordings)
		}
	}
}
