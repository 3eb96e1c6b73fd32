package parser

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// refHuge stands for any reconnection time too large to compare exactly.
const refHuge = 1 << 40

// refEvent is what a page's EventSource listener receives.
type refEvent struct{ Type, Data, LastEventID string }

// refInterpret is a second, independent event-stream interpreter, written
// straight from the WHATWG HTML text ("Interpreting an event stream"), with
// none of the parser's code: decode with a UTF-8 decoder from another
// library (BOM stripped), split lines on CRLF, LF or CR, process each
// line, discard the pending event at the end. It returns the dispatched
// events, the reconnection time (-1 when never set) and the last event ID.
func refInterpret(body []byte) ([]refEvent, int64, string) {
	text, _ := unicode.UTF8BOM.NewDecoder().Bytes(body) // "UTF-8 decode": one BOM stripped, errors replaced
	s := string(text)
	var events []refEvent
	var data strings.Builder
	eventType, lastID := "", ""
	retry := int64(-1)
	for {
		// "Lines must be separated by either a U+000D CARRIAGE RETURN
		// U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED
		// (LF) character, or a single U+000D CARRIAGE RETURN (CR) character."
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			break // an unterminated last line is never processed
		}
		line := s[:i]
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			s = s[i+2:]
		} else if s[i] == '\r' && i+1 == len(s) {
			// A CR at the very end may be half of a CRLF that never came;
			// at end of stream it ends the line all the same.
			s = ""
		} else {
			s = s[i+1:]
		}
		switch {
		case line == "":
			// "If the line is empty (a blank line): Dispatch the event."
			if data.Len() == 0 {
				eventType = ""
				continue
			}
			d := strings.TrimSuffix(data.String(), "\n")
			t := eventType
			if t == "" {
				t = "message"
			}
			events = append(events, refEvent{t, d, lastID})
			data.Reset()
			eventType = ""
		case line[0] == ':':
			// "If the line starts with a U+003A COLON character (:): Ignore the line."
		default:
			name, value, found := strings.Cut(line, ":")
			if found {
				value = strings.TrimPrefix(value, " ")
			}
			switch name {
			case "event":
				eventType = value
			case "data":
				data.WriteString(value)
				data.WriteByte('\n')
			case "id":
				if !strings.ContainsRune(value, 0) {
					lastID = value
				}
			case "retry":
				if value != "" && strings.Trim(value, "0123456789") == "" {
					retry = refHuge // too large for int64: some huge time
					if n, err := strconv.ParseInt(value, 10, 64); err == nil && n < refHuge {
						retry = n
					}
				}
			}
		}
	}
	return events, retry, lastID
}

// FuzzDifferential: the parser dispatches exactly the events the
// independent interpreter does (type, data, lastEventId), with the same
// reconnection time, for any input.
func FuzzDifferential(f *testing.F) {
	for _, s := range []string{
		"data:x\n\n", "\uFEFFdata:1\r\n\r\n", "data:a\rdata:b\r\r", "id:\x00\nretry:12\n\n",
		"data:\xE2\x80\n\xF0\x9F\x98\x80\n\n", ":c\r\n\uFEFFx:y\n\ndata", "\r\n\r\n\n\r\r",
		"event: a\ndata\ndata:  two\nid: 7\n\n", "retry: 1x\nretry: 300\ndata:\n\n", "\uFEFF\uFEFFdata:bom\n\n",
		"data: 1\r\n\r\r\ndata: 2\n\r\n", "id\nid: \ndata: x\n\n", "event:\ndata: y\n\nevent: e\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, wantRetry, _ := refInterpret(body)
		r := feedSplit(body, nil, Options{})
		var got []refEvent
		for _, ev := range r.Events {
			got = append(got, refEvent{ev.Type, ev.Data, ev.LastEventID})
		}
		if len(got) != len(want) {
			t.Fatalf("body %q: %d events, the reference %d:\n got %q\nwant %q", body, len(got), len(want), got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("body %q: event %d is %q, the reference %q", body, i, got[i], want[i])
			}
		}
		gotRetry := int64(-1)
		if r.RetrySet {
			gotRetry = min(r.Retry.Milliseconds(), refHuge)
		}
		if gotRetry != wantRetry {
			t.Fatalf("body %q: retry %d ms (set %v), the reference %d", body, gotRetry, r.RetrySet, wantRetry)
		}
	})
}

// TestDifferentialOnGeneratedInputs runs the differential on every
// string of up to four pieces from a set of tricky ones. Under -race, up to
// three: the parser is one goroutine, and scripts/test runs this package
// without -race too, all four.
func TestDifferentialOnGeneratedInputs(t *testing.T) {
	depthMax := 4
	if raceEnabled {
		depthMax = 3
	}
	parts := []string{"data", "data:", "data: ", "event:", "id:", "retry:", ":", "x", "\n", "\r", "\r\n", "\x00", "\uFEFF", "\xE2\x80", "12", " "}
	var b bytes.Buffer
	n := 0
	// Every string of up to four parts: 16^4 = 65536 inputs.
	var gen func(depth int)
	gen = func(depth int) {
		body := b.Bytes()
		want, _, _ := refInterpret(body)
		r := feedSplit(body, nil, Options{})
		if len(r.Events) != len(want) {
			t.Fatalf("body %q: %d events, the reference %d", body, len(r.Events), len(want))
		}
		for i, ev := range r.Events {
			if (refEvent{ev.Type, ev.Data, ev.LastEventID}) != want[i] {
				t.Fatalf("body %q: event %d differs from the reference %q", body, i, want[i])
			}
		}
		n++
		if depth == depthMax {
			return
		}
		for _, p := range parts {
			l := b.Len()
			b.WriteString(p)
			gen(depth + 1)
			b.Truncate(l)
		}
	}
	gen(0)
	t.Logf("%d inputs agree with the reference interpreter", n)
}
