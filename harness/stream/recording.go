// Package stream opens an HTTP response as an event stream and records it:
// status and headers with their arrival time, then every body read as a
// timestamped chunk, fed through the strict parser as it arrives.
package stream

import (
	"net/http"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
)

// EndReason says why a recording stopped.
type EndReason string

const (
	EndOpen     EndReason = ""         // still recording
	EndEOF      EndReason = "eof"      // the server ended the body
	EndDeadline EndReason = "deadline" // the recording's duration elapsed
	EndCap      EndReason = "cap"      // MaxBytes or the parser's line limit was hit
	EndIdle     EndReason = "idle"     // nothing arrived for IdleTimeout
	EndError    EndReason = "error"    // transport error mid-body
	EndCanceled EndReason = "canceled" // the caller closed it
)

// Chunk is one body read: what arrived and when.
type Chunk struct {
	At     time.Duration // since Recording.Start
	Offset int64         // body offset of Data[0]
	Data   []byte
}

// Recording is everything observed on one stream request.
type Recording struct {
	URL       string
	Request   http.Header // headers the harness sent
	Start     time.Time   // when the request was sent (monotonic clock)
	Status    int
	Proto     string
	Header    http.Header
	HeadersAt time.Duration // arrival of the response headers
	Redirects []string      // URLs redirected through, in order
	Chunks    []Chunk
	Bytes     int64
	End       EndReason
	EndAt     time.Duration
	Err       error // transport or limit error, if any
	Parse     *parser.Result
}

// Since is the recording-relative time of t.
func (r *Recording) Since(t time.Time) time.Duration { return t.Sub(r.Start) }
