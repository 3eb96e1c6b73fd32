package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// Telling captures apart and taking them apart, in-process.

func TestParseCaptureKinds(t *testing.T) {
	const sse = "data: x\n\n"
	for _, tc := range []struct {
		name, in    string
		status      int
		proto, body string
		ct          string // the Content-Type judged
		decoded     bool
		note        string
	}{
		{name: "raw body", in: sse, body: sse},
		{name: "curl -i", in: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + sse,
			status: 200, proto: "HTTP/1.1", body: sse, ct: "text/event-stream"},
		{name: "HTTP/2, lower-case names", in: "HTTP/2 200 \r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\r\n" + sse,
			status: 200, proto: "HTTP/2.0", body: sse, ct: "text/event-stream"},
		{name: "curl -iL after a redirect", in: "HTTP/1.1 302 Found\r\nLocation: /events\r\nContent-Type: text/html\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + sse,
			status: 200, proto: "HTTP/1.1", body: sse, ct: "text/event-stream"},
		{name: "interim 100", in: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + sse,
			status: 200, proto: "HTTP/1.1", body: sse, ct: "text/event-stream"},
		{name: "through a proxy's CONNECT", in: "HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 200 \r\ncontent-type: text/event-stream\r\n\r\n" + sse,
			status: 200, proto: "HTTP/2.0", body: sse, ct: "text/event-stream"},
		{name: "a 200's body that looks like a head stays body", in: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
			status: 200, proto: "HTTP/1.1", body: "HTTP/1.1 200 OK\r\n\r\n", ct: "text/event-stream"},
		{name: "LF-only head, folded value", in: "HTTP/1.0 200 OK\nContent-Type: text/event-stream;\n charset=utf-8\n\n" + sse,
			status: 200, proto: "HTTP/1.0", body: sse, ct: "text/event-stream; charset=utf-8"},
		{name: "curl --raw keeps the chunks", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n" + sse + "\r\n9\r\n" + sse + "\r\n",
			status: 200, proto: "HTTP/1.1", body: sse + sse, note: "chunked framing"},
		{name: "curl --compressed decoded a gzip body", in: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + sse,
			status: 200, proto: "HTTP/1.1", body: sse, decoded: true, note: "curl --compressed"},
		{name: "a gzip body still encoded", in: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b\x08\x00",
			status: 200, proto: "HTTP/1.1", body: "\x1f\x8b\x08\x00"},
		{name: "br is taken as encoded", in: "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n" + sse,
			status: 200, proto: "HTTP/1.1", body: sse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseCapture("f", []byte(tc.in), false, "", 16<<20)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != tc.status || c.Proto != tc.proto || string(c.Body) != tc.body || c.Header.Get("Content-Type") != tc.ct || c.BodyDecoded != tc.decoded {
				t.Errorf("got status %d, proto %q, body %q, Content-Type %q, decoded %v; want %d, %q, %q, %q, %v",
					c.Status, c.Proto, c.Body, c.Header.Get("Content-Type"), c.BodyDecoded, tc.status, tc.proto, tc.body, tc.ct, tc.decoded)
			}
			if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, tc.note) || tc.note == "" && notes != "" {
				t.Errorf("notes %q; want %q", notes, tc.note)
			}
		})
	}
}

func TestParseCaptureBounds(t *testing.T) {
	c, err := parseCapture("f", []byte("data: 0123456789\n\n"), false, "", 8)
	if err != nil || string(c.Body) != "data: 01" || !strings.Contains(strings.Join(c.Notes, ""), "--max-bytes") {
		t.Errorf("--max-bytes 8: body %q, notes %q, err %v", c.Body, c.Notes, err)
	}
	if _, err := parseCapture("f", []byte("\x1f\x8b\x08\x00\x00"), false, "", 1<<20); err == nil || !strings.Contains(err.Error(), "--compressed") {
		t.Errorf("a gzip body without headers: %v; want an error saying how to capture it", err)
	}
	if _, err := parseCapture("f", []byte("data: x\n"), false, "observation", 1<<20); err == nil {
		t.Error("--recording on a capture that is no report.json: no error")
	}
}

// TestHostileHeadsStayLinear: many 1xx heads, or one header folded over
// many lines, are parsed in linear time, and a huge --max-bytes does not
// overflow the read bound.
func TestHostileHeadsStayLinear(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	for b.Len() < 1<<20-64 {
		b.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
	}
	b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX: a\r\n")
	b.WriteString(strings.Repeat(" b\r\n", 1000))
	b.WriteString("\r\n")
	b.WriteString(strings.Repeat("data: x\r\n\r\n", 1<<18)) // a 2.75 MiB CRLF body
	start := time.Now()
	c, err := parseCapture("f", b.Bytes(), false, "", 16<<20)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("parsing took %v", took)
	}
	if err != nil {
		// more than maxHead of heads is refused, never slow
		t.Logf("refused: %v", err)
	} else if got := c.Header.Get("X"); !strings.HasPrefix(got, "a b b") || len(got) != 1+2*1000 {
		t.Errorf("folded header %.20q… (%d bytes)", got, len(got))
	}
	data, cut, err := readCapture(strings.NewReader("data: x\n\n"), math.MaxInt64)
	if err != nil || cut || string(data) != "data: x\n\n" {
		t.Errorf("readCapture with the largest bound: %q %v %v", data, cut, err)
	}
}
