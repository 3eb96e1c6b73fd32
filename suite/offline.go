package suite

import (
	"net/http"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// Offline says what of a capture a check judges when the run has no live
// target (ssespec judge); "" means it needs the live target.
type Offline string

const (
	// OfflineBody: it judges only the shared stream's body bytes, never
	// their arrival times, and opens no connection of its own.
	OfflineBody Offline = "body"
	// OfflineHead: it judges only the shared response's status and headers.
	OfflineHead Offline = "headers"
	// OfflineTimes: it judges when the body reads arrived, which only a
	// capture with arrival times has (a report.json recording).
	OfflineTimes Offline = "times"
)

// CaptureTiming is when a captured stream's parts arrived, since its
// request: a report.json recording keeps them, curl's output does not.
type CaptureTiming struct {
	HeadersAt time.Duration
	Reads     []time.Duration // the arrival of each body read, in order
	EndAt     time.Duration
	End       stream.EndReason
}

// Capture is a stream captured elsewhere (curl's output, a report.json's
// recording) that a run judges instead of a live target.
type Capture struct {
	Source string      // what was read, for the report, e.g. `"f.sse" (curl -i capture)`
	URL    string      // the stream's URL when the capture says it; else ""
	Status int         // 0 when the capture has no status line and headers
	Proto  string      // e.g. HTTP/1.1, HTTP/2.0
	Header http.Header // nil when the capture has none
	Body   []byte
	// BodyDecoded: the head declares a Content-Encoding but the body is
	// already decoded (curl --compressed), so the wire format is judged.
	BodyDecoded bool
	Notes       []string       // what the capture lacks or what was done to it, for the report's warnings
	Timing      *CaptureTiming // nil when the capture has no arrival times
	// KeepaliveMax is the --keepalive-max of the run whose report.json
	// this capture came from, as its SSE-KEEP-001 kept it; 0 when unknown.
	KeepaliveMax time.Duration
}

// HasHead reports whether the capture holds the response's status and headers.
func (c *Capture) HasHead() bool { return c != nil && c.Status != 0 }

// Offline reports whether the run judges a capture, not a live target.
func (c Config) Offline() bool { return c.Capture != nil }

// offlineWhy is why a check of an area needs the live target.
var offlineWhy = map[string]string{
	"FRAME":   "it needs to know whether the server ended the stream, which a capture cannot tell (a curl stopped by ^C or --max-time ends the file alike)",
	"HTTP":    "it opens streams of its own or times the response",
	"KEEP":    "it judges arrival times, which a capture has not",
	"FLUSH":   "it judges arrival times, which a capture has not",
	"BROWSER": "it drives a browser against the target",
}

// NeedsLiveTarget begins the message of a check that skipped because it
// cannot judge a capture (reports gather these into one line).
const NeedsLiveTarget = "needs a live target: "

// offlineNeedsLive is why check m skips in a run that judges a capture.
func offlineNeedsLive(m Meta) string {
	why, ok := offlineWhy[m.Area()]
	if !ok {
		why = "it publishes events or opens streams of its own"
	}
	return NeedsLiveTarget + why + "; `ssespec run --url URL` judges it"
}

// offlineSkip is why check m cannot judge this run's capture, or "".
func offlineSkip(m Meta, cfg Config) string {
	switch {
	case !cfg.Offline():
		return ""
	case m.Offline == "":
		return offlineNeedsLive(m)
	case m.Offline == OfflineTimes && cfg.Capture.Timing == nil:
		return "needs arrival times, which this capture has not (curl's output keeps none): judge the report.json of a run, which keeps them, or `ssespec run --url URL`"
	case m.Offline == OfflineHead && !cfg.Capture.HasHead():
		return "the capture holds no status line and headers, only the body: capture with `curl -sNi URL > FILE` to judge them"
	}
	return ""
}

// startReplay makes the capture the shared observation: a recording that
// has ended, with no arrival times.
func (r *Run) startReplay(ready chan struct{}) {
	cfg := r.cfg
	c := cfg.Capture
	opts := stream.Options{MaxLine: cfg.MaxLine, MaxBytes: cfg.MaxBytes, Budget: r.budget}
	conn := stream.Replay(stream.Recording{URL: c.URL, Status: c.Status, Proto: c.Proto, Header: c.Header}, c.Body, opts)
	sh := &r.shared
	sh.Lock()
	sh.conn, sh.err, sh.sampled = conn, nil, nil
	sh.Unlock()
	close(ready)
}
