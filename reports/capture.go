package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// Judging a recording a report.json holds (a bug report's attachment, or a
// canned recording in the project's tests). The report keeps each wire
// line as text with its offset and ending, so the body is rebuilt line by
// line, as far as the copy is byte-exact: the report cuts long lines and
// many lines, and JSON cannot hold invalid UTF-8. Where it stops, the
// capture says so. It also keeps when each body read arrived.

// sharedRecording is the name the shared observation's recording has.
const sharedRecording = "observation"

// CaptureOf is recording name of r (default: the shared stream's) as a
// capture to judge offline; src names the file for the report.
func CaptureOf(src string, r *Report, name string) (*suite.Capture, error) {
	names := make([]string, 0, len(r.Recordings))
	for n := range r.Recordings {
		names = append(names, strconv.Quote(n))
	}
	slices.Sort(names)
	if name == "" {
		name = sharedRecording
		if _, ok := r.Recordings[name]; !ok && len(r.Recordings) == 1 {
			for n := range r.Recordings {
				name = n
			}
		}
	}
	rec, ok := r.Recordings[name]
	if !ok {
		if len(names) == 0 {
			return nil, fmt.Errorf("%s is a report.json without recordings: nothing to judge", src)
		}
		return nil, fmt.Errorf("%s has no recording %q; pass --recording with one of: %s", src, name, strings.Join(names[:min(len(names), 20)], ", "))
	}
	c := &suite.Capture{
		Source: fmt.Sprintf("%s (recording %q of a report.json)", src, name),
		URL:    rec.URL, Status: rec.Status, Proto: rec.Proto, Header: rec.Header,
	}
	if rec.HeadersCut > 0 {
		c.Status, c.Proto, c.Header = 0, "", nil
		c.Notes = append(c.Notes, fmt.Sprintf("the report left %d header line(s) of the recording out, so its status and headers are not judged", rec.HeadersCut))
	}
	c.KeepaliveMax = keptKeepaliveMax(r)
	c.Body, c.Notes = wireBody(rec, c.Notes)
	if rec.End != string(stream.EndCapture) { // a judged capture's report has no times to keep
		c.Timing, c.Notes = wireTiming(rec, c.Notes)
	}
	if n := len(r.Recordings); n > 1 && name == sharedRecording {
		c.Notes = append(c.Notes, fmt.Sprintf("the report holds %d recordings; judged %q, the shared stream (--recording picks another)", n, name))
	}
	return c, nil
}

// keptKeepaliveMax is the run's --keepalive-max as its SSE-KEEP-001
// evidence kept it, or 0.
func keptKeepaliveMax(r *Report) time.Duration {
	res := r.Result("SSE-KEEP-001")
	if res == nil {
		return 0
	}
	var ms float64
	switch v := res.Evidence["keepalive_max_ms"].(type) {
	case float64: // read from JSON
		ms = v
	case int64: // a report built in this process
		ms = float64(v)
	}
	if ms <= 0 || ms > float64(24*time.Hour/time.Millisecond) {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}

// wireBody rebuilds the body from the report's wire lines, up to the first
// line whose copy is not byte-exact: a line's copy is exact when the next
// line starts where it ends (JSON replaces each invalid byte with the 3
// bytes of U+FFFD, so an inexact copy is always longer).
func wireBody(rec Recording, notes []string) ([]byte, []string) {
	endings := map[string]string{"LF": "\n", "CRLF": "\r\n", "CR": "\r", "": ""}
	var body []byte
	if len(rec.Wire) > 0 && rec.Wire[0].Offset == 3 {
		body = append(body, "\uFEFF"...) // the parser strips a leading BOM from the first line
	}
	lineStart := 0 // where the last appended line starts in body
	for i, l := range rec.Wire {
		end, known := endings[l.Ending]
		stop := ""
		switch {
		case i > 0 && int64(len(body)) != l.Offset:
			body = body[:lineStart]
			stop = fmt.Sprintf("the report's copy of line %d is not byte for byte the wire's (JSON cannot hold invalid UTF-8)", i)
		case l.Cut > 0:
			stop = fmt.Sprintf("the report cut line %d (%d bytes left out)", i+1, l.Cut)
		case !known:
			stop = fmt.Sprintf("line %d of the report has an unknown ending %q", i+1, l.Ending)
		}
		if stop != "" {
			return body, append(notes, fmt.Sprintf("%s: judged the %d body bytes before it, of %d recorded", stop, len(body), rec.Bytes))
		}
		lineStart = len(body)
		body = append(body, l.Text+end...)
	}
	// The last line has no next one to check it by: the recording's size
	// does when every line was kept and nothing followed them.
	complete := rec.WireCut == 0 && int64(len(body)) == rec.Bytes
	if n := len(rec.Wire); n > 0 && !complete && strings.ContainsRune(rec.Wire[n-1].Text, '\uFFFD') {
		body = body[:lineStart]
		notes = append(notes, fmt.Sprintf("the report's copy of line %d may not be byte for byte the wire's (it holds U+FFFD, and nothing after it tells): judged the %d body bytes before it", n, len(body)))
	} else if rec.WireCut > 0 {
		notes = append(notes, fmt.Sprintf("the report kept the first %d wire lines and left %d out: judged those lines only (%d of %d body bytes)", len(rec.Wire), rec.WireCut, len(body), rec.Bytes))
	} else if !complete {
		notes = append(notes, fmt.Sprintf("the report's wire lines hold %d of the recording's %d body bytes (the rest followed a limit the parser stopped at): judged those", len(body), rec.Bytes))
	}
	if rec.End == "cap" {
		notes = append(notes, "the recorded stream itself stopped at the harness's limit: "+rec.Error)
	}
	return body, notes
}

// wireTiming is when the recording's headers, reads and end arrived, for
// the checks that judge silences (SSE-KEEP-001): only when the report kept
// the time of every read (a report bounded for size drops them).
func wireTiming(rec Recording, notes []string) (*suite.CaptureTiming, []string) {
	if rec.Chunks == 0 || len(rec.ChunkTimes) != rec.Chunks {
		if rec.Chunks > 0 {
			notes = append(notes, fmt.Sprintf("the report kept the arrival times of %d of the recording's %d body reads, so the checks that judge silences skip", len(rec.ChunkTimes), rec.Chunks))
		}
		return nil, notes
	}
	t := &suite.CaptureTiming{HeadersAt: msDuration(rec.HeadersMS), EndAt: msDuration(rec.EndMS), End: stream.EndReason(rec.End)}
	for _, at := range rec.ChunkTimes {
		t.Reads = append(t.Reads, msDuration(at))
	}
	return t, notes
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
