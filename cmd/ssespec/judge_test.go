package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/reports"
)

// The offline judge (ssespec judge): captures made as users make them, from
// the reference server and from servers that break the wire format.

// captureBody reads url's stream for d, as curl -sN (raw) or curl -sNi
// (withHead: status line, headers, blank line, then the body) writes it.
func captureBody(t *testing.T, url string, d time.Duration, withHead bool) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	if withHead {
		fmt.Fprintf(&out, "%s %s\r\n", resp.Proto, resp.Status)
		resp.Header.Write(&out)
		if len(resp.TransferEncoding) > 0 { // net/http moves it out of Header; curl prints it
			fmt.Fprintf(&out, "Transfer-Encoding: %s\r\n", strings.Join(resp.TransferEncoding, ", "))
		}
		out.WriteString("\r\n")
	}
	io.Copy(&out, resp.Body) // ends with the deadline, as curl --max-time does
	return out.Bytes()
}

// judged runs ssespec judge on data and returns the exit status and report.
func judged(t *testing.T, data []byte, args ...string) (result, *reports.Report) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "capture")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return judgeFile(t, file, args...)
}

func judgeFile(t *testing.T, file string, args ...string) (result, *reports.Report) {
	t.Helper()
	reportDir := filepath.Join(t.TempDir(), "report")
	r := cli(t, append(append([]string{"judge", "--report-dir", reportDir}, args...), file)...)
	if strings.Contains(r.stderr, "panic") {
		t.Fatalf("ssespec judge panicked:\n%s", r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(reportDir, reports.JSONFile))
	if err != nil {
		return r, nil
	}
	var rep reports.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return r, &rep
}

func verdicts(rep *reports.Report) map[string]reports.Result {
	out := map[string]reports.Result{}
	for _, res := range rep.Results {
		out[res.ID] = res
	}
	return out
}

// offlineFrame are the checks that judge a capture's bytes: the FRAME
// ones and SSE-KEEP-003.
var offlineFrame = []string{"SSE-FRAME-001", "SSE-FRAME-002", "SSE-FRAME-003", "SSE-FRAME-004",
	"SSE-FRAME-005", "SSE-FRAME-006", "SSE-FRAME-007", "SSE-FRAME-008", "SSE-FRAME-009", "SSE-KEEP-003"}

var offlineHTTP = []string{"SSE-HTTP-001", "SSE-HTTP-002", "SSE-HTTP-003", "SSE-HTTP-004",
	"SSE-HTTP-005", "SSE-HTTP-006", "SSE-HTTP-007"}

// TestJudgeReferenceCapture: a capture of the reference server passes every
// offline check (with headers, the HTTP ones too), every other check skips
// saying why, and the report says it judged a file.
func TestJudgeReferenceCapture(t *testing.T) {
	t.Parallel()
	url, _ := casetest.Reference(t)
	for _, withHead := range []bool{false, true} {
		t.Run(fmt.Sprintf("head=%v", withHead), func(t *testing.T) {
			r, rep := judged(t, captureBody(t, url, time.Second, withHead))
			if r.code != exitOK || rep == nil {
				t.Fatalf("exit %d, report %v; stderr:\n%s", r.code, rep != nil, r.stderr)
			}
			if rep.Mode != "offline" || !strings.Contains(rep.Target, "capture") {
				t.Errorf("mode %q, target %q; want offline, the file", rep.Mode, rep.Target)
			}
			v := verdicts(rep)
			for _, id := range offlineFrame {
				if got := v[id]; got.Verdict != reports.Pass && (got.Verdict != reports.Skip || got.Message == "") {
					t.Errorf("%s: %s %q; want pass (or skip with its reason)", id, got.Verdict, got.Message)
				}
			}
			for _, id := range []string{"SSE-FRAME-003", "SSE-FRAME-006", "SSE-FRAME-009", "SSE-KEEP-003"} { // the reference's ticks give them something to judge
				if v[id].Verdict != reports.Pass {
					t.Errorf("%s: %s %q; want pass", id, v[id].Verdict, v[id].Message)
				}
			}
			for _, id := range offlineHTTP {
				want, msg := reports.Pass, ""
				if !withHead {
					want, msg = reports.Skip, "curl -sNi"
				}
				if got := v[id]; got.Verdict != want || !strings.Contains(got.Message, msg) {
					t.Errorf("%s: %s %q; want %s mentioning %q", id, got.Verdict, got.Message, want, msg)
				}
			}
			for _, res := range rep.Results {
				if res.Verdict == reports.Fail || res.Verdict == reports.Error {
					t.Errorf("%s: %s %q; a capture of the reference fails nothing", res.ID, res.Verdict, res.Message)
				}
			}
			for _, id := range []string{"SSE-FRAME-010", "SSE-KEEP-002", "SSE-HTTP-010", "SSE-BROWSER-001"} {
				if got := v[id]; got.Verdict != reports.Skip || !strings.Contains(got.Message, "needs a live target") {
					t.Errorf("%s: %s %q; want skip: needs a live target", id, got.Verdict, got.Message)
				}
			}
			if !strings.Contains(r.stdout, "offline") {
				t.Errorf("the console does not say the run judged a capture:\n%s", r.stdout)
			}
		})
	}
}

// multiLineRaw is a server that writes multi-line data raw: only its
// first line has the data: prefix (the Done-when of issue 11's judge).
func multiLineRaw(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	rc := http.NewResponseController(w)
	for i := 0; ; i++ {
		fmt.Fprintf(w, "id: %d\ndata: line one of %d\nline two\n\n", i, i)
		rc.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestJudgeRawMultiLineDataFailsFrame003(t *testing.T) {
	t.Parallel()
	url := casetest.Serve(t, http.HandlerFunc(multiLineRaw))
	data := captureBody(t, url, 500*time.Millisecond, false)
	r, rep := judged(t, data)
	if rep == nil {
		t.Fatalf("no report; exit %d, stderr:\n%s", r.code, r.stderr)
	}
	got := verdicts(rep)["SSE-FRAME-003"]
	if got.Verdict != reports.Fail || !strings.Contains(got.Message, "a text line without a colon") || !strings.Contains(got.Message, `"line two"`) {
		t.Fatalf("SSE-FRAME-003: %s %q; want fail naming the bare line", got.Verdict, got.Message)
	}
	if strings.Contains(got.Message, " ms") {
		t.Errorf("SSE-FRAME-003 names an arrival time a capture has not: %q", got.Message)
	}
	if r.code != exitOK { // SSE-FRAME-003 is a SHOULD
		t.Errorf("exit %d; want 0 without --strict", r.code)
	}
	if r, _ := judged(t, data, "--strict"); r.code != exitFailed {
		t.Errorf("--strict: exit %d; want 1", r.code)
	}
}

// TestJudgeCurlCaptures makes the captures with curl itself, as users do.
func TestJudgeCurlCaptures(t *testing.T) {
	t.Parallel()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed (apt-get install curl); the other judge tests make their captures in Go")
	}
	ref, _ := casetest.Reference(t)
	raw := casetest.Serve(t, http.HandlerFunc(multiLineRaw))
	capture := func(url string, flags ...string) []byte {
		// curl --max-time exits 28 after writing what arrived.
		out, _ := exec.Command(curl, append(flags, "--max-time", "1", url)...).Output()
		if len(out) == 0 {
			t.Fatalf("curl %v %s captured nothing", flags, url)
		}
		return out
	}
	for _, flags := range [][]string{{"-sN"}, {"-sNi"}} {
		r, rep := judged(t, capture(ref, flags...))
		if rep == nil || r.code != exitOK {
			t.Fatalf("curl %v of the reference: exit %d; stderr:\n%s", flags, r.code, r.stderr)
		}
		v := verdicts(rep)
		for _, id := range offlineFrame {
			if v[id].Verdict == reports.Fail || v[id].Verdict == reports.Error {
				t.Errorf("curl %v of the reference: %s %s %q", flags, id, v[id].Verdict, v[id].Message)
			}
		}
		if flags[0] == "-sNi" && v["SSE-HTTP-002"].Verdict != reports.Pass {
			t.Errorf("curl -sNi of the reference: SSE-HTTP-002 %s %q; want pass", v["SSE-HTTP-002"].Verdict, v["SSE-HTTP-002"].Message)
		}
	}
	_, rep := judged(t, capture(raw, "-sN"))
	if rep == nil || verdicts(rep)["SSE-FRAME-003"].Verdict != reports.Fail {
		t.Fatalf("curl -sN of raw multi-line data: SSE-FRAME-003 is not fail: %+v", rep)
	}
}

// A curl -i capture of a server that answers with the wrong Content-Type
// fails SSE-HTTP-002, a MUST: exit 1.
func TestJudgeWrongContentType(t *testing.T) {
	t.Parallel()
	data := "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\ndata: hello\n\n"
	r, rep := judged(t, []byte(data))
	if rep == nil {
		t.Fatalf("no report; exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if got := verdicts(rep)["SSE-HTTP-002"]; got.Verdict != reports.Fail || !strings.Contains(got.Message, "text/plain") {
		t.Errorf("SSE-HTTP-002: %s %q; want fail naming text/plain", got.Verdict, got.Message)
	}
	if r.code != exitFailed {
		t.Errorf("exit %d; want 1 (a MUST failed)", r.code)
	}
}

// TestJudgeReportRoundTrip: a report.json's recording is judged like the
// capture it was made from; a line the report could not keep byte for byte
// stops it there, and the report says so.
func TestJudgeReportRoundTrip(t *testing.T) {
	t.Parallel()
	url := casetest.Serve(t, http.HandlerFunc(multiLineRaw))
	data := captureBody(t, url, 500*time.Millisecond, true)
	dir := t.TempDir()
	file := filepath.Join(dir, "capture")
	os.WriteFile(file, data, 0o644)
	first := filepath.Join(dir, "first")
	cli(t, "judge", "--report-dir", first, file)
	r, rep := judgeFile(t, filepath.Join(first, reports.JSONFile))
	if rep == nil {
		t.Fatalf("judging the report.json: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(rep.Target, `recording "observation"`) {
		t.Errorf("target %q does not name the recording", rep.Target)
	}
	v := verdicts(rep)
	if v["SSE-FRAME-003"].Verdict != reports.Fail || v["SSE-HTTP-002"].Verdict != reports.Pass {
		t.Errorf("from the report: SSE-FRAME-003 %s, SSE-HTTP-002 %s; want fail, pass", v["SSE-FRAME-003"].Verdict, v["SSE-HTTP-002"].Verdict)
	}

	// Invalid UTF-8 reaches report.json as U+FFFD: the rebuilt body stops
	// before that line instead of judging bytes the server never sent.
	bad := []byte("data: one\n\ndata: \xff two\n\ndata: three\n\n")
	r, rep = judged(t, bad)
	if got := verdicts(rep)["SSE-FRAME-001"]; got.Verdict != reports.Fail {
		t.Fatalf("raw capture with 0xFF: SSE-FRAME-001 %s %q; want fail", got.Verdict, got.Message)
	}
	reportDir := filepath.Join(dir, "bad")
	os.WriteFile(filepath.Join(dir, "bad.sse"), bad, 0o644)
	cli(t, "judge", "--report-dir", reportDir, filepath.Join(dir, "bad.sse"))
	_, rep = judgeFile(t, filepath.Join(reportDir, reports.JSONFile))
	if rep == nil || !strings.Contains(strings.Join(rep.Warnings, "\n"), "not byte for byte") {
		t.Fatalf("the report's lossy copy is not said: %+v", rep)
	}
	if got := verdicts(rep)["SSE-FRAME-003"]; got.Verdict != reports.Pass {
		t.Errorf("the lines before the lossy one: SSE-FRAME-003 %s %q; want pass", got.Verdict, got.Message)
	}

	if r, _ := judgeFile(t, filepath.Join(first, reports.JSONFile), "--recording", "nope"); r.code != exitUsage || !strings.Contains(r.stderr, `"observation"`) {
		t.Errorf("--recording nope: exit %d, stderr %q; want 2 listing the recordings", r.code, r.stderr)
	}
}

// Hostile or mistaken input gives a clean error or verdicts, never a crash
// or a hang.
func TestJudgeHostileInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	huge := append([]byte("data: "), bytes.Repeat([]byte("x"), 3<<20)...)
	binary := make([]byte, 64<<10)
	for i := range binary {
		binary[i] = byte(i*7919 + i>>8)
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		codes []int  // acceptable exit statuses
		say   string // in stderr or a warning
	}{
		{"empty", nil, []int{exitUsage}, "nothing to judge"}, // what curl writes when the server was down
		{"binary", binary, []int{exitOK, exitFailed}, ""},
		{"huge line", huge, []int{exitOK, exitFailed}, "--max-line"},
		{"head only", []byte("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"), []int{exitOK}, "ends inside the response head"},
		{"huge head", append([]byte("HTTP/1.1 200 OK\r\n"), bytes.Repeat([]byte("X-A: b\r\n"), 200<<10)...), []int{exitUsage}, "longer than"},
		{"bad header", []byte("HTTP/1.1 200 OK\r\nno colon here\r\n\r\ndata: x\n\n"), []int{exitUsage}, "not a header field"},
		{"json not a report", []byte(`{"tool":"other"}`), []int{exitOK, exitFailed}, ""},
		{"report without recordings", []byte(`{"tool":"ssespec","results":[]}`), []int{exitUsage}, "without recordings"},
		{"escape sequences", []byte("HTTP/1.1 200 OK\r\nContent-Type: text/\x1b[31mred\r\n\r\ndata: \x1b]0;title\x07\n\n"), []int{exitFailed}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r, rep := judged(t, tc.data)
			if !containsInt(tc.codes, r.code) {
				t.Errorf("exit %d; want one of %v; stderr:\n%s", r.code, tc.codes, r.stderr)
			}
			said := r.stderr
			if rep != nil {
				said += strings.Join(rep.Warnings, "\n")
			}
			if !strings.Contains(said, tc.say) {
				t.Errorf("does not say %q: %s", tc.say, said)
			}
			if strings.ContainsRune(r.stdout, 0x1b) || strings.ContainsRune(r.stderr, 0x1b) {
				t.Errorf("an escape sequence from the capture reached the terminal")
			}
			if time.Since(start) > 30*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
	for _, args := range [][]string{{"judge"}, {"judge", dir}, {"judge", filepath.Join(dir, "missing")}, {"judge", "a", "b"}, {"judge", "a", "--strict"}} {
		if r := cli(t, args...); r.code != exitUsage || r.stderr == "" {
			t.Errorf("ssespec %v: exit %d, stderr %q; want 2 with a message", args, r.code, r.stderr)
		}
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// A body the head declares gzip and that is still compressed is not judged
// as an event stream: the FRAME checks skip saying how to capture it.
func TestJudgeEncodedBodySkipsFrame(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("data: x\n\n"))
	w.Close()
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n\r\n"
	r, rep := judged(t, append([]byte(head), gz.Bytes()...))
	if rep == nil || r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	v := verdicts(rep)
	for _, id := range offlineFrame {
		if v[id].Verdict != reports.Skip || !strings.Contains(v[id].Message, "--compressed") {
			t.Errorf("%s: %s %q; want skip saying how to capture", id, v[id].Verdict, v[id].Message)
		}
	}
}

// A server that writes each event's blank line only with the next event
// leaves every capture ending inside an event: SSE-FRAME-005 cannot tell
// that from curl stopping there, so it skips, never passes.
func TestJudgeOneEventBehindIsNotPassed(t *testing.T) {
	t.Parallel()
	data := []byte(": ok\nretry: 3000\n\nid: 1\ndata: message 1\n\nid: 2\ndata: message 2\n")
	_, rep := judged(t, data)
	if rep == nil {
		t.Fatal("no report")
	}
	if got := verdicts(rep)["SSE-FRAME-005"]; got.Verdict != reports.Skip || !strings.Contains(got.Message, "ends inside the event begun at byte 41") {
		t.Errorf("SSE-FRAME-005: %s %q; want skip naming the event the capture ends in", got.Verdict, got.Message)
	}
}

// TestJudgeAgreesWithTheFaultTables: a live capture of fault servers that
// the live fault tables (cases/frame_test.go, cases/http_test.go) run gets
// the same verdict from the CLI's judge, with the same detail, where the
// check judges a capture; the end of a stream is the one thing a capture
// cannot show (SSE-FRAME-005 skips when it ends inside an event). The FRAME
// checks that judge bytes alone are proven offline on canned recordings
// (cases/recorded_test.go); one of them is here for the capture path.
func TestJudgeAgreesWithTheFaultTables(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ id, fault, want, detail string }{
		{"SSE-FRAME-003", "field-wrong-case", reports.Fail, `field "Data" (names are case-sensitive)`},
		{"SSE-FRAME-005", "unterminated-final-event", reports.Skip, "the capture ends inside the event"},
		{"SSE-FRAME-005", "closes-cleanly", reports.Pass, "ends with its blank line"},
		{"SSE-FRAME-005", "comments-only", reports.Skip, "no event (a block with a data line) was completed"},
		{"SSE-HTTP-001", "status-404", reports.Fail, "404"},
		{"SSE-HTTP-002", "content-type-json", reports.Fail, "application/json"},
		{"SSE-HTTP-003", "charset-latin1", reports.Fail, "iso-8859-1"},
		{"SSE-HTTP-004", "content-length", reports.Fail, "100000"},
		{"SSE-HTTP-005", "no-cache-control", reports.Fail, ""},
		{"SSE-HTTP-006", "etag", reports.Fail, ""},
		{"SSE-HTTP-007", "no-x-accel-buffering", reports.Fail, ""},
	} {
		t.Run(tc.id+"/"+tc.fault, func(t *testing.T) {
			t.Parallel() // each waits 1 s for its capture
			data := captureBody(t, casetest.Fault(t, tc.fault), time.Second, true)
			r, rep := judged(t, data, "--label-filter", "id:"+tc.id)
			if rep == nil {
				t.Fatalf("no report; exit %d, stderr:\n%s", r.code, r.stderr)
			}
			if got := verdicts(rep)[tc.id]; got.Verdict != tc.want || !strings.Contains(got.Message, tc.detail) {
				t.Errorf("%s on a capture of %s: %s %q; want %s mentioning %q", tc.id, tc.fault, got.Verdict, got.Message, tc.want, tc.detail)
			}
		})
	}
}

// Several FILEs: each is judged as a run of its own, with its own reports,
// and the exit status is the worst. The runs go on in the command's own
// process (here the test's: a child process of the test binary would not
// be ssespec), twice in a row, which Ginkgo's executor could not do.
func TestJudgeSeveralFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sse")
	bad := filepath.Join(dir, "bad type.sse")
	os.WriteFile(good, []byte("data: a\n\n"), 0o644)
	os.WriteFile(bad, []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\ndata: a\n\n"), 0o644)
	reportDir := filepath.Join(dir, "reports")
	r := inProcess("judge", "--report-dir", reportDir, good, bad)
	if r.code != exitFailed {
		t.Errorf("exit %d; want 1, the worst of 0 and 1; stderr:\n%s", r.code, r.stderr)
	}
	for sub, want := range map[string]string{"1-good.sse": reports.Skip, "2-bad_type.sse": reports.Fail} {
		b, err := os.ReadFile(filepath.Join(reportDir, sub, reports.JSONFile))
		if err != nil {
			t.Fatalf("%s: %v; stdout:\n%s", sub, err, r.stdout)
		}
		var rep reports.Report
		json.Unmarshal(b, &rep)
		if got := verdicts(&rep)["SSE-HTTP-002"].Verdict; got != want {
			t.Errorf("%s: SSE-HTTP-002 %s; want %s", sub, got, want)
		}
	}
	if !strings.Contains(r.stdout, "2 files, each judged on its own") {
		t.Errorf("no summary of the files:\n%s", r.stdout)
	}
}

// A live run's report.json (what a bug report carries) is judged offline
// with the live run's verdicts of the checks that judge a capture.
func TestJudgeLiveRunReport(t *testing.T) {
	t.Parallel()
	url, _ := casetest.Reference(t)
	live := filepath.Join(t.TempDir(), "live")
	if r := cli(t, "run", "--url", url, "--report-dir", live, "--window", "1500ms", "--label-filter", "area:FRAME || area:HTTP || id:SSE-KEEP-003", "--browser", "off"); r.code != exitOK {
		t.Fatalf("live run: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(live, reports.JSONFile))
	var liveRep reports.Report
	if err := json.Unmarshal(b, &liveRep); err != nil {
		t.Fatal(err)
	}
	r, rep := judgeFile(t, filepath.Join(live, reports.JSONFile))
	if rep == nil || r.code != exitOK {
		t.Fatalf("judging the live report: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	was, v := verdicts(&liveRep), verdicts(rep)
	for _, id := range append(append([]string{}, offlineFrame...), offlineHTTP...) {
		if id == "SSE-FRAME-005" {
			continue // the live run saw the stream's end; a capture does not
		}
		if v[id].Verdict != was[id].Verdict {
			t.Errorf("%s: %s offline %q, %s live %q", id, v[id].Verdict, v[id].Message, was[id].Verdict, was[id].Message)
		}
	}
}

// TestJudgeNeverOverwritesItsInput: a report.json judged into the directory
// it came from would be replaced by its own verdict; judge refuses (exit 2)
// before anything is written, and its default directory is not run's.
func TestJudgeNeverOverwritesItsInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, reports.JSONFile)
	orig := []byte(`{"tool":"ssespec","results":[]}`)
	if err := os.WriteFile(in, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	r := inProcess("judge", "-o", dir, in)
	if r.code != exitUsage || !strings.Contains(r.stderr, "pass -o with another directory") {
		t.Fatalf("judging %s into its own directory: exit %d, stderr %q; want 2", in, r.code, r.stderr)
	}
	if b, _ := os.ReadFile(in); !bytes.Equal(b, orig) {
		t.Fatal("the input report.json was changed")
	}
	fs, err := parsed(t, "judge", "x.sse")
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, fs, "report-dir"); got == "ssespec-report" {
		t.Errorf("judge's default --report-dir is run's %q", got)
	}
}
