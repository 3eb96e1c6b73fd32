package ssegomega

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
)

// Event is one dispatched event as the recording parsed it (a browser's
// MessageEvent, with its arrival time and body offsets).
type Event = parser.Event

// Mark is a point on a live stream: matchers given a Mark judge only the
// events that arrived after it, and Within counts from it.
type Mark struct {
	conn   *stream.Conn
	events int           // events recorded when the mark was taken
	at     time.Duration // the mark's time on the recording's clock
}

// FromNow marks conn now. Take the mark before the action whose events you
// expect (a publish, a click), so an event that arrives before the
// assertion runs is not missed.
func FromNow(conn *stream.Conn) Mark {
	m := Mark{conn: conn}
	conn.View(func(r *stream.Recording) {
		m.events = len(r.Parse.Events)
		m.at = time.Since(r.Start)
	})
	return m
}

// snapshot is what one Match judged: copied under the recording's lock, so
// a stream still growing cannot change it between Match and the failure
// message.
type snapshot struct {
	url       string
	headers   bool // the response headers arrived
	status    int
	proto     string
	header    http.Header
	events    []parser.Event // all events, or those after the mark
	skipped   int            // events before the mark
	since     time.Duration  // the mark's time (0: the request)
	chunks    []stream.Chunk
	bytes     int64
	end       stream.EndReason
	endAt     time.Duration
	err       error
	pending   *parser.Block // the body ended inside this block
	pendText  string        // its lines, clipped
	untermEnd bool          // the body's last line has no line ending
}

// take copies what the matchers need from actual.
func take(actual any) (*snapshot, error) {
	switch a := actual.(type) {
	case *stream.Conn:
		if a == nil {
			return nil, fmt.Errorf("ssegomega: the *stream.Conn is nil")
		}
		var s *snapshot
		a.View(func(r *stream.Recording) { s = copyRecording(r, 0, 0) })
		s.headers = closed(a.HeadersDone()) && s.status != 0
		return s, nil
	case Mark:
		if a.conn == nil {
			return nil, fmt.Errorf("ssegomega: the Mark has no stream: make it with FromNow(conn)")
		}
		var s *snapshot
		a.conn.View(func(r *stream.Recording) { s = copyRecording(r, a.events, a.at) })
		s.headers = closed(a.conn.HeadersDone()) && s.status != 0
		return s, nil
	case *stream.Recording:
		if a == nil {
			return nil, fmt.Errorf("ssegomega: the *stream.Recording is nil")
		}
		s := copyRecording(a, 0, 0)
		s.headers = s.status != 0
		return s, nil
	}
	return nil, fmt.Errorf("ssegomega: expected a *stream.Conn, a *stream.Recording or a ssegomega.Mark, got %T", actual)
}

func copyRecording(r *stream.Recording, from int, since time.Duration) *snapshot {
	s := &snapshot{
		url: r.URL, status: r.Status, proto: r.Proto, header: r.Header.Clone(),
		chunks: slices.Clone(r.Chunks), bytes: r.Bytes,
		end: r.End, endAt: r.EndAt, err: r.Err, since: since,
	}
	if res := r.Parse; res != nil {
		from = min(from, len(res.Events))
		s.events = slices.Clone(res.Events[from:])
		s.skipped = from
		if res.Pending != nil {
			b := *res.Pending
			s.pending = &b
			s.pendText = blockText(res, &b)
		}
		if n := len(res.Lines); n > 0 && res.Lines[n-1].Ending == parser.EndingNone {
			s.untermEnd = true
			if s.pendText == "" {
				s.pendText = clip(string(res.Lines[n-1].Raw), maxText)
			}
		}
	}
	return s
}

// blockText is a pending block's lines, joined and clipped.
func blockText(res *parser.Result, b *parser.Block) string {
	var out []byte
	for i := b.First; i <= b.Last && i < len(res.Lines); i++ {
		if len(out) > maxText {
			break
		}
		if i > b.First {
			out = append(out, '\n')
		}
		raw := res.Lines[i].Raw
		out = append(out, raw[:min(len(raw), maxText+1)]...)
	}
	return clip(string(out), maxText)
}

// mayChange is the matchers' MatchMayChangeInTheFuture, which Gomega asks
// before each Match: only a stream still recording can change. (Match
// after it sees the final recording, so a stream that ends between the two
// is judged on all it received.)
func mayChange(actual any) bool {
	c := connOf(actual)
	return c != nil && !closed(c.Done())
}

// connOf is the live stream behind actual, nil for a finished recording.
func connOf(actual any) *stream.Conn {
	switch a := actual.(type) {
	case *stream.Conn:
		return a
	case Mark:
		return a.conn
	}
	return nil
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
