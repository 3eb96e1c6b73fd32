package cases

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// Helpers of the FRAME checks (frame.go): the shared window, locations in
// the wire log, and the byte-level tests the checks apply.

// frameWindow is the complete shared observation, or a skip when it holds
// no event stream to judge.
func frameWindow(ctx context.Context) *stream.Recording {
	rec := suite.SharedWindow(ctx)
	capture := suite.Current(ctx).Capture // a capture of the body alone has no status: it is judged as a 200's
	if rec.Status != http.StatusOK && (capture == nil || capture.HasHead()) {
		suite.Skipf("the stream request answered %d, so there is no event stream to judge (see SSE-HTTP-001)", rec.Status)
	}
	if ce := rec.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		if capture != nil && !capture.BodyDecoded {
			suite.Skipf("the captured body is %s-encoded; the wire format is only judged on an identity-encoded body: capture with plain `curl -sNi URL` (no Accept-Encoding), or with `curl --compressed`, which decodes it", ce)
		}
		if capture == nil {
			suite.Skipf("the body is %s-encoded although the request offered no Accept-Encoding; the wire format is only judged on an identity-encoded stream", ce)
		}
	}
	if rec.Parse == nil || rec.Bytes == 0 {
		suite.Skipf("no body byte arrived %s (recording ended: %s); nothing to judge", frameSpan(ctx), rec.End)
	}
	return rec
}

// frameLoc points a report reader at a place in the wire log.
type frameLoc struct {
	Offset int64    `json:"offset"`       // body byte offset
	Line   int      `json:"line"`         // 1-based line number in the wire log
	MS     *float64 `json:"ms,omitempty"` // arrival of the line, since the request; none in a capture
	Text   string   `json:"text"`         // the line (or block), quoted and shortened
	Why    string   `json:"why,omitempty"`
	at     time.Duration
}

func frameRef(ctx context.Context, res *parser.Result, line int, off int64) frameLoc {
	ln := res.Lines[line]
	r := frameLoc{Offset: off, Line: line + 1, Text: quoteWire(ln.Raw), at: ln.At}
	if !suite.Current(ctx).Offline() {
		ms := float64(ln.At.Microseconds()) / 1000
		r.MS = &ms
	}
	return r
}

func (l frameLoc) String() string {
	at := "" // a capture has no arrival times
	if l.MS != nil {
		at = ", " + msText(l.at)
	}
	s := fmt.Sprintf("byte %d (line %d%s)", l.Offset, l.Line, at)
	if l.Why != "" {
		s += " " + l.Why
	}
	return s + ": " + l.Text
}

// frameList names the first few places and counts the rest (formatting
// only those it names: a broken stream has thousands).
func frameList(refs []frameLoc) string {
	const show = 3
	var parts []string
	for _, r := range refs[:min(len(refs), show)] {
		parts = append(parts, r.String())
	}
	if len(refs) > show {
		parts = append(parts, fmt.Sprintf("and %d more", len(refs)-show))
	}
	return strings.Join(parts, "; ")
}

// frameFail is the FRAME checks' verdict over the places found: the first
// ones as evidence under key, the first few named after the message.
func frameFail(ctx context.Context, key string, refs []frameLoc, expected, format string, args ...any) {
	suite.Evidence(ctx, key, frameFirst(refs))
	suite.Failf(ctx, expected, format+": %s", append(args, frameList(refs))...)
}

// frameFirst bounds evidence lists: a broken stream repeats its fault.
func frameFirst(refs []frameLoc) []frameLoc { return refs[:min(len(refs), 20)] }

// frameAt is ", 12 ms" after a place in the wire log; "" in a capture,
// which has no arrival times.
func frameAt(ctx context.Context, d time.Duration) string {
	if suite.Current(ctx).Offline() {
		return ""
	}
	return ", " + msText(d)
}

// frameSpan names what was recorded: the window, or the capture.
func frameSpan(ctx context.Context) string {
	if suite.Current(ctx).Offline() {
		return "in the capture"
	}
	return fmt.Sprintf("in the %v window", suite.Current(ctx).Window)
}

// frameLineAt is the index of the line holding body offset off.
func frameLineAt(res *parser.Result, off int64) int {
	i := sort.Search(len(res.Lines), func(i int) bool { return res.Lines[i].Offset > off })
	return max(i-1, 0)
}

// frameInvalidUTF8 is the parser's first invalid offset, except a multi-byte
// character the window's end cut in half on a line still arriving.
func frameInvalidUTF8(rec *stream.Recording) int64 {
	res := rec.Parse
	off := res.InvalidUTF8
	if off < 0 || rec.End == stream.EndEOF {
		return off
	}
	ln := res.Lines[frameLineAt(res, off)]
	if ln.Ending != parser.EndingNone {
		return off
	}
	raw := ln.Raw
	for j := len(raw) - 1; j >= 0 && j >= len(raw)-3; j-- {
		if utf8.RuneStart(raw[j]) {
			if !utf8.FullRune(raw[j:]) {
				raw = raw[:j]
			}
			break
		}
	}
	if utf8.Valid(raw) {
		return -1
	}
	return off
}

// frameTrailingCR reports whether line i is the body's last line and ends in
// a CR while the stream was still open: its LF may not have arrived yet.
func frameTrailingCR(rec *stream.Recording, i int) bool {
	res := rec.Parse
	ln := res.Lines[i]
	return rec.End != stream.EndEOF && i == len(res.Lines)-1 && ln.Ending == parser.EndingCR &&
		ln.Offset+int64(len(ln.Raw))+1 == res.Bytes
}

// frameLosesData reports whether a block cut off by the end of the stream
// held something clients lose: data, an event name, an id, or a retry line
// that never ended. (A complete retry line applies without a blank line.)
func frameLosesData(res *parser.Result, blk *parser.Block) bool {
	for _, ln := range res.Lines[blk.First : blk.Last+1] {
		if ln.Kind == parser.KindField && ln.Known && (ln.Name != "retry" || ln.Ending == parser.EndingNone) {
			return true
		}
	}
	return false
}

// frameBlockText is a block's lines (without its blank line), quoted.
func frameBlockText(res *parser.Result, blk *parser.Block) string {
	var b []byte
	for _, ln := range res.Lines[blk.First : blk.Last+1] {
		if ln.Kind == parser.KindBlank {
			break
		}
		b = append(b, ln.Raw...)
		if ln.Ending != parser.EndingNone {
			b = append(b, '\n')
		}
	}
	return quoteWire(b)
}

func frameKnownFold(name string) bool {
	for _, k := range []string{"data", "event", "id", "retry"} {
		if strings.EqualFold(name, k) {
			return true
		}
	}
	return false
}

func frameDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// frameCORSUnsafe is Fetch's "CORS-unsafe request-header byte" (for ASCII).
func frameCORSUnsafe(r rune) bool {
	return r < 0x20 && r != '\t' || r == 0x7F || strings.ContainsRune(`"():<>?@[\]{}`, r)
}
