package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

// Reading a capture for ssespec judge: what kind it is is told from its
// content, so a user passes whatever curl or a report gave them.

// maxHead bounds a curl -i capture's status lines and headers: real ones
// are a few KiB, and more is no capture of an HTTP response head.
const maxHead = 1 << 20

// statusLine is a status line as curl -i prints it: "HTTP/1.1 200 OK",
// "HTTP/2 200 ", "HTTP/1.0 404".
var statusLine = regexp.MustCompile(`^HTTP/(\d(?:\.\d)?) (\d{3})(?: ([^\r\n]*))?\r?\n`)

// readCapture reads at most limit bytes of r; cut says there was more.
func readCapture(r io.Reader, limit int64) (data []byte, cut bool, err error) {
	if limit < 0 || limit == math.MaxInt64 {
		limit = math.MaxInt64 - 1 // an overflowed sum of bounds: no bound beyond memory
	}
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, err
	}
	return data, false, err
}

// parseCapture tells a report.json, a curl -i capture and a raw body apart
// and returns the capture to judge. name is the file's, for messages.
func parseCapture(name string, data []byte, cut bool, recording string, maxBytes int64) (*suite.Capture, error) {
	src := strconv.Quote(name)
	if name == "-" {
		src = "stdin"
	}
	if rep, ok := asReport(data); ok {
		if cut {
			return nil, fmt.Errorf("%s looks like a report.json but is longer than a report is (%d bytes read)", src, len(data))
		}
		return reports.CaptureOf(src, rep, recording)
	}
	if recording != "" {
		return nil, fmt.Errorf("--recording names a recording of a report.json, and %s is not one", src)
	}
	c := &suite.Capture{Source: src + " (raw body)"}
	body := data
	if statusLine.Match(data) {
		var err error
		if body, err = parseHead(c, data); err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		c.Source = src + " (capture with headers)"
		body = bodyAsSent(c, body)
	} else if compressed(body) {
		// Without the head nothing says so, and its bytes judged as an
		// event stream would fail checks the stream may pass.
		return nil, fmt.Errorf("%s is a compressed body (gzip or zstd) without the headers that declare it: capture with `curl -sNi --compressed URL`, which keeps the headers and decodes the body", src)
	}
	if cut || int64(len(body)) > maxBytes {
		body = body[:min(int64(len(body)), maxBytes)]
		c.Notes = append(c.Notes, fmt.Sprintf("the capture is longer than --max-bytes (%d bytes): judged its first %d body bytes only, as a live run would stop there", maxBytes, len(body)))
	}
	c.Body = body
	return c, nil
}

// parseHead reads the response heads curl -i printed and returns the body
// after the last. An interim (1xx) response, a followed redirect (curl -iL)
// and a proxy's CONNECT answer each print a head of their own before it.
func parseHead(c *suite.Capture, data []byte) ([]byte, error) {
	rest, read := data, 0
	for {
		m := statusLine.FindSubmatch(rest)
		if m == nil {
			return nil, errors.New("not a curl -i capture: a response head does not begin with a status line")
		}
		code, _ := strconv.Atoi(string(m[2]))
		// Only the head's bound is searched: scanning the whole body for
		// each of many 1xx heads would be quadratic.
		end := headEnd(rest[:min(len(rest), maxHead-read+4)])
		if end < 0 || read+end > maxHead {
			if read+len(rest) > maxHead {
				return nil, fmt.Errorf("the response head is longer than %d bytes: not a curl -i capture of an event stream", maxHead)
			}
			end = len(rest) // the capture ends inside the head: no body
			c.Notes = append(c.Notes, "the capture ends inside the response head: there is no body to judge")
		}
		hdr, err := headerFields(rest[len(m[0]):end])
		if err != nil {
			return nil, err
		}
		c.Status, c.Proto, c.Header = code, "HTTP/"+string(m[1]), hdr
		if !strings.Contains(c.Proto, ".") {
			c.Proto += ".0" // curl prints HTTP/2; Go's name is HTTP/2.0
		}
		body := rest[end:]
		connected := code/100 == 2 && strings.EqualFold(strings.TrimSpace(string(m[3])), "Connection established")
		if (code/100 == 1 || code/100 == 3 || connected) && statusLine.Match(body) {
			rest, read = body, read+end
			continue
		}
		return body, nil
	}
}

// headEnd is the offset just past the blank line that ends a head, or -1.
// Each search stops at the first blank line found: scanning past it for the
// other line ending would make many short heads quadratic.
func headEnd(b []byte) int {
	crlf := bytes.Index(b, []byte("\r\n\r\n"))
	upto := len(b)
	if crlf >= 0 {
		upto = crlf + 2 // a "\n\n" before the CRLF pair, if any, ends first
	}
	if lf := bytes.Index(b[:upto], []byte("\n\n")); lf >= 0 {
		return lf + 2
	}
	if crlf >= 0 {
		return crlf + 4
	}
	return -1
}

// headerFields parses "Name: value" lines (CRLF or LF; obsolete folding
// joined) into a header, names canonical as net/http has them.
func headerFields(b []byte) (http.Header, error) {
	h := http.Header{}
	last := ""
	// A folded field's continuation lines are joined once, when the next
	// field starts: appending line by line copies the value per line.
	var folded []string
	fold := func() {
		if len(folded) > 0 {
			vs := h[last]
			vs[len(vs)-1] = strings.Join(append([]string{vs[len(vs)-1]}, folded...), " ")
			folded = folded[:0]
		}
	}
	for i, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		switch {
		case line == "":
			continue
		case (line[0] == ' ' || line[0] == '\t') && last != "":
			folded = append(folded, strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.TrimSpace(name) != name {
			return nil, fmt.Errorf("not a curl -i capture: header line %d, %s, is not a header field", i+2, strconv.Quote(trimQuote(line)))
		}
		fold()
		last = textproto.CanonicalMIMEHeaderKey(name)
		h[last] = append(h[last], strings.TrimSpace(value))
	}
	fold()
	return h, nil
}

func trimQuote(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// bodyAsSent undoes what a capture tool left on the body that the server's
// event stream did not have: chunked framing that curl --raw kept. It also
// marks a body curl --compressed decoded although the head declares a
// Content-Encoding, so the FRAME checks judge it instead of skipping.
func bodyAsSent(c *suite.Capture, body []byte) []byte {
	if strings.Contains(strings.ToLower(strings.Join(c.Header.Values("Transfer-Encoding"), ",")), "chunked") && chunkSizeLine.Match(body) {
		dec, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(body)))
		if err == nil || errors.Is(err, io.ErrUnexpectedEOF) {
			c.Notes = append(c.Notes, "the body still had its chunked framing (curl --raw): the chunks' data is judged")
			body = dec
		}
	}
	ce := strings.ToLower(strings.TrimSpace(c.Header.Get("Content-Encoding")))
	if ce == "" || ce == "identity" || len(body) == 0 {
		return body
	}
	magic := map[string]func([]byte) bool{
		"gzip":    func(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) },
		"x-gzip":  func(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) },
		"zstd":    func(b []byte) bool { return bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}) },
		"deflate": func(b []byte) bool { return len(b) < 2 || b[0]&0x0f == 8 && (int(b[0])<<8|int(b[1]))%31 == 0 },
	}
	// Only a coding whose encoded form is recognised can be told from a
	// body already decoded; any other (br) is taken as still encoded.
	if isEncoded, known := magic[ce]; known && !isEncoded(body) {
		c.BodyDecoded = true
		c.Notes = append(c.Notes, fmt.Sprintf("the head declares Content-Encoding: %s but the body is not %s-encoded (curl --compressed decoded it): the body is judged as it is", ce, ce))
	}
	return body
}

// compressed reports whether b begins like a gzip or zstd stream.
func compressed(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0x1f, 0x8b, 0x08}) || bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd})
}

// chunkSizeLine is the first line of a chunked body: a hex size, maybe
// extensions, CRLF.
var chunkSizeLine = regexp.MustCompile(`^[0-9a-fA-F]{1,16}(;[^\r\n]*)?\r\n`)
