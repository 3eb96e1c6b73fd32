package faults

import (
	"net/http"
	"time"
)

// HTTP-area faults: one header or status wrong on an otherwise good stream.
var (
	_ = register("status-404", Stream{Status: http.StatusNotFound})                                                            // SSE-HTTP-001
	_ = register("content-type-json", Stream{Header: map[string]string{"Content-Type": "application/json"}})                   // SSE-HTTP-002
	_ = register("charset-latin1", Stream{Header: map[string]string{"Content-Type": "text/event-stream; charset=iso-8859-1"}}) // SSE-HTTP-003
	_ = register("content-length", Stream{Header: map[string]string{"Content-Length": "100000"}})                              // SSE-HTTP-004
	_ = register("no-cache-control", Stream{Header: map[string]string{"Cache-Control": "-"}})                                  // SSE-HTTP-005
	_ = register("etag", Stream{Header: map[string]string{"ETag": `"v1"`}})                                                    // SSE-HTTP-006
	_ = register("no-x-accel-buffering", Stream{Header: map[string]string{"X-Accel-Buffering": "-"}})                          // SSE-HTTP-007
	_ = register("accept-required", requireAccept(Stream{}))                                                                   // SSE-HTTP-009
	_ = register("headers-held", Stream{HoldHeaders: 1500 * time.Millisecond})                                                 // SSE-HTTP-010
)

// requireAccept answers 406 unless the request asks for text/event-stream,
// as some frameworks do although browsers only may send Accept.
func requireAccept(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "text/event-stream" {
			http.Error(w, "not acceptable", http.StatusNotAcceptable)
			return
		}
		next.ServeHTTP(w, r)
	})
}
