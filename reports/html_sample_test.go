package reports

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTMLSample writes a realistic report to /tmp/ssespec-sample/report.html
// (and the hostile one to hostile.html) for a look in a browser: SSESPEC_SAMPLE=1 go test ./reports -run HTMLSample
func TestHTMLSample(t *testing.T) {
	if os.Getenv("SSESPEC_SAMPLE") == "" {
		t.Skip("set SSESPEC_SAMPLE=1 to write /tmp/ssespec-sample/report.html")
	}
	dir := "/tmp/ssespec-sample"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	if err := WriteHTML(r, filepath.Join(dir, HTMLFile)); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(r, filepath.Join(dir, JSONFile)); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(hostileReport(), filepath.Join(dir, "hostile.html")); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", filepath.Join(dir, HTMLFile))
}

// sampleRecording is a stream with ~30 wire lines: comments, CRLF endings,
// a multi-line event, a named event, a retry and an id.
func sampleRecording() Recording {
	type ln struct{ kind, end, text string }
	lines := []ln{
		{"comment", "LF", ": ok"}, {"blank", "LF", ""},
		{"field", "LF", "retry: 3000"}, {"blank", "LF", ""},
		{"field", "LF", "id: 1"}, {"field", "LF", "data: {\"n\":1,\"msg\":\"hello\"}"}, {"blank", "LF", ""},
		{"field", "LF", "event: update"}, {"field", "LF", "id: 2"}, {"field", "LF", "data: first line"}, {"field", "LF", "data: second line"}, {"blank", "LF", ""},
		{"comment", "LF", ": keepalive"},
		{"field", "CRLF", "id: 3"}, {"field", "CRLF", "data: crlf\tline"}, {"blank", "CRLF", ""},
		{"comment", "LF", ": keepalive"},
		{"field", "LF", "event: price.changed"}, {"field", "LF", "data: 42.17"}, {"blank", "LF", ""},
		{"field", "LF", "Data: wrongly cased"}, {"blank", "LF", ""},
		{"field", "LF", "id: 4\x00x"}, {"field", "LF", "data: nul in id"}, {"blank", "LF", ""},
		{"comment", "LF", ": keepalive"},
		{"field", "CR", "data: cr only"}, {"blank", "CR", ""},
		{"field", "LF", "data: \xff\xfe invalid utf-8"}, {"blank", "LF", ""},
		{"field", "", "data: unterminated"},
	}
	rec := Recording{
		URL: "http://localhost:8080/events?topic=demo", Proto: "HTTP/1.1", Status: 200, HeadersMS: 3.2,
		Header: http.Header{
			"Content-Type":      {"text/event-stream; charset=utf-8"},
			"Cache-Control":     {"no-cache"},
			"Connection":        {"keep-alive"},
			"X-Accel-Buffering": {"no"},
			"Date":              {"Tue, 14 Apr 2026 09:12:03 GMT"},
		},
		End: "deadline", EndMS: 30000, Chunks: 18,
	}
	var off int64
	ms := 3.5
	for i, l := range lines {
		if l.kind == "comment" && l.text == ": keepalive" {
			ms += 4800
		} else if l.kind == "field" && (i == 0 || lines[i-1].kind == "blank") {
			ms += 310
		}
		rec.Wire = append(rec.Wire, WireLine{MS: ms, Offset: off, Kind: l.kind, Ending: l.end, Text: l.text})
		off += int64(len(l.text) + len(endingBytes(l.end)))
		if l.kind == "blank" || l.text == ": keepalive" {
			rec.ChunkTimes = append(rec.ChunkTimes, ms)
		}
	}
	rec.Bytes = off
	rec.Events = []EventView{
		{MS: 624, Type: "message", Data: `{"n":1,"msg":"hello"}`, ID: "1"},
		{MS: 934, Type: "update", Data: "first line\nsecond line", ID: "2"},
		{MS: 6044, Type: "message", Data: "crlf\tline", ID: "3"},
		{MS: 11154, Type: "price.changed", Data: "42.17", ID: "3"},
		{MS: 11774, Type: "message", Data: "nul in id", ID: "3"},
		{MS: 16884, Type: "message", Data: "cr only", ID: "3"},
		{MS: 17194, Type: "message", Data: "\xff\xfe invalid utf-8", ID: "3"},
	}
	return rec
}

func endingBytes(e string) string {
	return map[string]string{"LF": "\n", "CRLF": "\r\n", "CR": "\r"}[e]
}

var sampleRequirements = map[string]string{
	"SSE-HTTP-001":   "A stream request answers 200.",
	"SSE-HTTP-006":   "Cache-Control has no-transform; no ETag or Last-Modified.",
	"SSE-FRAME-001":  "Event streams are always decoded as UTF-8; the body must be valid UTF-8.",
	"SSE-FRAME-003":  "Every non-blank line is a comment or a field named exactly data, event, id or retry.",
	"SSE-FRAME-004":  "One line-ending style, LF: some clients break on CR-only or mixed endings.",
	"SSE-FRAME-008":  "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value. Otherwise, ignore the field.",
	"SSE-FLUSH-001":  "Each event is flushed when complete: publish→receipt latency p95 ≤ --latency-budget over ≥10 events sent ≥200 ms apart.",
	"SSE-NAME-003":   "A name containing CR/LF never injects a field or splits the frame.",
	"SSE-RESUME-001": "When reconnecting, the server resumes after the event named by Last-Event-ID.",
}

func sampleReport() *Report {
	r := &Report{
		Tool: "ssespec", Version: "0.1.0", Mode: "publish", Target: "http://localhost:8080/events?topic=demo",
		Started: time.Date(2026, 4, 14, 9, 12, 0, 0, time.UTC), DurationMS: 94321,
		Recordings: map[string]Recording{"main": sampleRecording()},
	}
	main := map[string]any{"recording": "main"}
	add := func(id, title, level, verdict, msg string, ms int64, ev map[string]any, exp, act string) {
		r.Results = append(r.Results, Result{
			ID: id, Title: title, Level: level, Area: strings.Split(id, "-")[1], Verdict: verdict, Message: msg,
			DurationMS: ms, Evidence: ev, Expected: exp, Actual: act,
			Requirement: sampleRequirements[id], Source: "html",
			SpecURL: "https://html.spec.whatwg.org/multipage/server-sent-events.html",
		})
	}
	add("SSE-HTTP-001", "Answers 200", "MUST", Pass, "", 12, main, "", "")
	add("SSE-HTTP-002", "Content-Type is text/event-stream", "MUST", Pass, "", 3, main, "", "")
	add("SSE-HTTP-003", "No Content-Type parameter other than charset=utf-8", "SHOULD", Pass, "", 2, main, "", "")
	add("SSE-HTTP-005", "Cache-Control has no-cache or no-store", "SHOULD", Pass, "", 2, main, "", "")
	add("SSE-HTTP-006", "Cache-Control has no-transform; no validators", "BP", Fail,
		"Cache-Control is \"no-cache\" without no-transform: an intermediary may compress or re-chunk the stream.", 2,
		map[string]any{"recording": "main", "cache_control": "no-cache"}, "Cache-Control containing no-transform", "no-cache")
	add("SSE-HTTP-008", "Compressed streams do not hold events back", "SHOULD", Skip, "skip: the target answered identity-encoded; nothing to judge", 420, nil, "", "")
	add("SSE-HTTP-011", "No connection-specific headers over HTTP/2", "MUST", Skip, "skip: h2 not offered by the target (ALPN chose http/1.1)", 35, nil, "", "")
	add("SSE-HTTP-012", "CORS allows --origin on connect and reconnect", "MUST", Skip, "skip: no --origin given", 0, nil, "", "")
	add("SSE-FRAME-001", "Body is valid UTF-8", "MUST", Fail,
		"invalid UTF-8 at byte offset 402: 0xFF 0xFE in a data line. A strict decoder (and the WHATWG decoder with fatal=true) rejects this; browsers replace it with U+FFFD, so the application receives different bytes from those that were sent.", 1,
		map[string]any{"recording": "main", "offset": 402}, "valid UTF-8 throughout the body", "bytes 0xFF 0xFE at offset 402")
	add("SSE-FRAME-002", "At most one BOM, only at byte 0", "MUST", Pass, "", 1, main, "", "")
	add("SSE-FRAME-003", "Only known field names", "SHOULD", Fail, "line 21 has field name \"Data\"; field names are case-sensitive and clients ignore it", 1, main, `data`, `Data`)
	add("SSE-FRAME-004", "One line-ending style, LF", "BP", Fail, "mixed line endings: 24 LF, 3 CRLF, 2 CR", 1, main, "LF only", "LF 24, CRLF 3, CR 2")
	add("SSE-FRAME-005", "Every event is terminated before close", "MUST", Pass, "", 1, main, "", "")
	add("SSE-FRAME-008", "id values contain no NUL", "SHOULD", Fail, "id at offset 311 contains NUL; clients ignore the whole id field", 1, main, "", "")
	add("SSE-KEEP-001", "Sends a keepalive at least every 15 s", "SHOULD", Pass, "", 30012, main, "", "")
	add("SSE-KEEP-004", "The stream stays open past --hold", "SHOULD", Skip, "skip: slow check; run with --slow", 0, nil, "", "")
	lat := make([]float64, 40)
	prox := make([]float64, 40)
	for i := range lat {
		lat[i] = 1.2 + float64(i%5)*0.4
		prox[i] = 3 + float64(i%7)*1.5
		if i%10 == 9 {
			prox[i] = 180 + float64(i)
		}
	}
	add("SSE-FLUSH-001", "Each event is flushed when complete", "MUST", Fail,
		"p95 latency through the proxy is 219.0 ms, over the 100 ms budget; 4 of 40 events arrived late, in batches of two",
		34000, map[string]any{"latency_ms": map[string][]float64{"direct": lat, "proxied": prox}, "budget_ms": 100.0}, "p95 ≤ 100 ms", "p95 219.0 ms (proxied); 2.8 ms direct")
	add("SSE-FLUSH-002", "The first event arrives within the budget", "SHOULD", Pass, "", 820,
		map[string]any{"latency_ms": map[string][]float64{"latency": {4.1, 2.2, 1.9, 2.5, 2.0}}, "budget_ms": 100.0}, "", "")
	add("SSE-NAME-001", "A published event name arrives exactly", "MUST", Pass, "", 2100, map[string]any{"names": []string{"update", "price.changed", "ns:evt", "ünïcode"}}, "", "")
	add("SSE-NAME-003", "A name with CR/LF never injects a field", "MUST", Error,
		"the check did not finish in time: publish endpoint http://localhost:8080/publish did not answer within 5s", 5003, nil, "", "")
	add("SSE-DATA-001", "Multi-line data arrives intact", "MUST", Pass, "", 1400, main, "", "")
	add("SSE-RESUME-001", "Reconnect with Last-Event-ID resumes after that id", "SHOULD", Fail,
		"after reconnecting with Last-Event-ID: 2 the server replayed from the start (ids 1, 2, 3)", 6200,
		map[string]any{"recordings": []string{"main"}, "sent_last_event_id": "2", "received_ids": []string{"1", "2", "3"}}, "first id after 2", "1")
	add("SSE-CONN-001", "Serves 100 concurrent streams", "SHOULD", Pass, "", 9100, map[string]any{"streams": 100, "p95_connect_ms": 14.2}, "", "")
	add("SSE-BROWSER-001", "htmx sse-swap receives the event", "MUST", Error,
		"browser: chromium did not start: exec: \"chromium\": executable file not found in $PATH", 12,
		map[string]any{"browser_log": []string{"[console] htmx:sseOpen", "[console] htmx:sseError EventSource failed\twith readyState 2", "[network] GET /events 200 text/event-stream"}, "screenshot": samplePNG()}, "", "")
	add("SSE-PROXY-002", "The proxy does not buffer the stream", "MUST", Skip, "skip: proxy mode not selected", 0, nil, "", "")
	r.Summary = summarize(r.Results)
	return r
}

// samplePNG is a small valid PNG (a 64×24 gradient), base64-encoded.
func samplePNG() string {
	const w, h = 64, 24
	var raw bytes.Buffer
	for y := range h {
		raw.WriteByte(0)
		for x := range w {
			raw.Write([]byte{byte(x * 4), byte(y * 10), 200})
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	var png bytes.Buffer
	png.Write(pngSignature)
	chunk := func(typ string, data []byte) {
		binary.Write(&png, binary.BigEndian, uint32(len(data)))
		png.WriteString(typ)
		png.Write(data)
		binary.Write(&png, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return base64.StdEncoding.EncodeToString(png.Bytes())
}
