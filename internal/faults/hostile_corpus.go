package faults

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// More hostile targets (issue 9's corpus): each tries to hang, exhaust or
// fool the suite in one way. cmd/ssespec's TestHostileCorpus runs the whole
// suite against each and asserts bounded time and memory, valid reports and
// the verdict a user should see.
var (
	_ = register("hostile-trickle-1bps", http.HandlerFunc(trickle))
	_ = register("hostile-headers-then-silence", http.HandlerFunc(headersThenSilence))
	_ = register("hostile-10mb-event", http.HandlerFunc(bigEvent))
	_ = register("hostile-redirect-loop", http.HandlerFunc(redirectLoop))
	_ = register("hostile-401", statusOnly(http.StatusUnauthorized, "WWW-Authenticate", `Bearer realm="x"`))
	_ = register("hostile-403", statusOnly(http.StatusForbidden, "", ""))
	_ = register("hostile-500", statusOnly(http.StatusInternalServerError, "", ""))
	_ = register("hostile-503-retry-after", statusOnly(http.StatusServiceUnavailable, "Retry-After", "3600"))
	_ = register("hostile-1mb-header", Stream{Header: map[string]string{"X-Big": strings.Repeat("h", 1<<20)}})
	_ = register("hostile-10k-headers", http.HandlerFunc(manyHeaders))
	_ = register("hostile-invalid-utf8", Stream{Frame: func(n int) string { return fmt.Sprintf("id: %d\ndata: bad \xff\xfe\xc3 bytes\n\n", n) }})
	_ = register("hostile-nul", Stream{Frame: func(n int) string { return fmt.Sprintf("id: %d\x00\nevent: a\x00b\ndata: \x00\x00\x00\n\n", n) }})
	_ = register("hostile-bom-storm", Stream{Preamble: strings.Repeat("\uFEFF", 1000) + "\n", Frame: func(n int) string { return strings.Repeat("\uFEFF", 50) + fmt.Sprintf("data: %d\n\n", n) }})
	_ = register("hostile-http10-close", rawConn(func(w *bufio.Writer) {
		w.WriteString("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
		for i := 1; i <= 5; i++ {
			fmt.Fprintf(w, "id: %d\ndata: close-delimited %d\n\n", i, i)
		}
	}, false))
	_ = register("hostile-retry-storm", Stream{Preamble: strings.Repeat("retry: 1\n", 10000) + "\n"})
	_ = register("hostile-ansi", Stream{ // (not in a header: a control byte there makes the response malformed, which HTTP clients refuse)
		Frame: func(n int) string {
			return fmt.Sprintf("id: \x1b[31m%d\nevent: \x1b]0;pwned\x07\ndata: \x1b[2J\x1b[H\x1b[31mcleared\x1b[0m\n: \x1b[5mblink\n\n", n)
		},
	})
	_ = register("hostile-markup-everywhere", Stream{
		Header: map[string]string{"X-Markup": `"><script>alert(1)</script>`},
		Frame: func(n int) string {
			return fmt.Sprintf("id: <script>alert(%d)</script>\nevent: <img src=x onerror=alert(1)>\nretry: <b>\ndata: </script><svg onload=alert(1)>\ndata: {{7*7}} ${7*7} javascript:alert(1)\n: <iframe src=javascript:alert(1)>\n\n", n)
		},
	})
)

// trickle sends one byte a second: never a complete event in a short window.
func trickle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	msg := "data: one byte a second\n\n"
	for i := 0; r.Context().Err() == nil; i++ {
		w.Write([]byte{msg[i%len(msg)]})
		rc.Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(time.Second):
		}
	}
}

// headersThenSilence answers with correct headers and never sends a byte.
func headersThenSilence(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush()
	<-r.Context().Done()
}

// bigEvent sends one 10 MB single-line event, then keeps the stream open.
func bigEvent(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	rc := http.NewResponseController(w)
	w.Write([]byte("data: "))
	chunk := []byte(strings.Repeat("x", 64<<10))
	for sent := 0; sent < 10<<20 && r.Context().Err() == nil; sent += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	w.Write([]byte("\n\n"))
	rc.Flush()
	<-r.Context().Done()
}

// redirectLoop redirects every request to itself, with a counter.
func redirectLoop(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, fmt.Sprintf("%s?n=%d", r.URL.Path, len(r.URL.RawQuery)+1), http.StatusFound)
}

func statusOnly(code int, k, v string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if k != "" {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(code)
		fmt.Fprintf(w, "status %d\n", code)
	}
}

// manyHeaders answers with ten thousand header fields.
func manyHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for i := range 10000 {
		h.Set(fmt.Sprintf("X-H-%d", i), "v")
	}
	Stream{}.ServeHTTP(w, r)
}
