package faults

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

var _ = register("hostile-gzip-bomb", http.HandlerFunc(gzipBomb))

// gzipBombMember is one gzip member holding 64 lines of "data: " plus 1 MiB
// and no blank line, so a decoder's output and a parser's data buffer only
// grow. Members may be concatenated (RFC 1952 §2.2): serving the same one
// again and again costs the server nothing and the client ~1000 bytes
// decoded per byte received.
var gzipBombMember = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	line := []byte("data: " + strings.Repeat("A", 1<<20) + "\n")
	for range 64 {
		zw.Write(line)
	}
	zw.Close()
	return b.Bytes()
})

// gzipBomb answers a request that accepts gzip with an endless gzip bomb,
// and any other with the same lines uncompressed. POST /publish answers 204,
// so publish-mode runs (whose checks hold many streams at once) meet it too.
func gzipBomb(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	rc := http.NewResponseController(w)
	chunk := gzipBombMember()
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
	} else {
		chunk = []byte("data: " + strings.Repeat("A", 1<<20) + "\n")
	}
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		rc.Flush()
	}
}
