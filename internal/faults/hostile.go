package faults

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"
)

// Hostile targets: not one broken requirement but a server trying to hang,
// crash or exhaust the suite. Every run against them must end, bounded.
var (
	_ = register("hostile-endless-line", http.HandlerFunc(endlessLine))
	_ = register("hostile-firehose", http.HandlerFunc(firehose))
	_ = register("hostile-no-headers", http.HandlerFunc(noHeaders))
	_ = register("hostile-binary", http.HandlerFunc(binary))
	_ = register("hostile-script", Stream{ // markup and control bytes aimed at the HTML report
		Header: map[string]string{"X-Evil": `<script>alert(1)</script>`, "Content-Type": `text/event-stream`},
		Frame: func(n int) string {
			return "event: </pre><script>alert(1)</script>\ndata: <img src=x onerror=alert(1)>\x00\x1b[31m\ndata: </textarea><svg onload=alert(1)>\n\n"
		},
	})
)

// endlessLine streams one line that never ends, as fast as it can.
func endlessLine(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	rc := http.NewResponseController(w)
	chunk := []byte(strings.Repeat("A", 64<<10))
	w.Write([]byte("data: "))
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		rc.Flush()
	}
}

// firehose sends tiny events without pause: millions of lines.
func firehose(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	rc := http.NewResponseController(w)
	chunk := []byte(strings.Repeat("data:x\n\n", 8<<10))
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		rc.Flush()
	}
}

// noHeaders accepts the request and never answers.
func noHeaders(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Minute):
	}
}

// binary sends random bytes labelled as an event stream.
func binary(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	rc := http.NewResponseController(w)
	buf := make([]byte, 4096)
	for r.Context().Err() == nil {
		rand.Read(buf)
		if _, err := w.Write(buf); err != nil {
			return
		}
		rc.Flush()
		time.Sleep(5 * time.Millisecond)
	}
}
