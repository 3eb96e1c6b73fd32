package cases

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

var _ = suite.Area("RESUME", func() {
	// Reestablishing the connection sends the last event ID string as
	// Last-Event-ID; the server uses it to continue where the client left
	// off. A server that declares replay must send exactly what came after
	// that id: a gap loses events, a duplicate applies one twice (MAIF/izanami
	// PR #51).
	//
	// Two resumes are judged. First the classic one: stream A receives e1..e5,
	// the client keeps e2's id k and leaves; e6, e7 are published while it is
	// away; stream B resumes with Last-Event-ID: k, e8 is published live, and
	// B must receive e3..e8, each once, in order. Then the common one: a
	// client that missed nothing reconnects with the newest id it holds (a
	// proxy cut an idle stream) and must be replayed nothing it already has;
	// this is tried three times, since an event the target emits on its own
	// between leaving and resuming makes that id no longer the newest.
	suite.Check(suite.Meta{
		ID: "SSE-RESUME-002", Level: suite.SHOULD, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "Resuming after Last-Event-ID delivers what followed it, once, in order",
		Requirement: "After a reconnect with Last-Event-ID k, the events published after k arrive with no gap and no duplicate, in order; a client that missed nothing is replayed nothing.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		suite.NeedCapability(ctx, suite.CapIDs)
		suite.NeedCapability(ctx, suite.CapReplay)
		wait := rpubWait(ctx)
		base := suite.Nonce()
		pub := func(i int) {
			suite.PublishEvent(ctx, p, publish.Event{Data: rpubData(base, i)}, base)
		}

		a := rpubOpen(ctx, "")
		for i := 1; i <= 5; i++ {
			pub(i)
		}
		got := rpubAwait(ctx, a, base, 5, wait)
		suite.AttachRecording(ctx, "resume-002-a", a.Close())
		first := map[int]parser.Event{}
		for _, s := range got {
			if _, ok := first[s.n]; !ok {
				first[s.n] = s.ev
			}
		}
		for i := 1; i <= 5; i++ {
			if _, ok := first[i]; !ok {
				suite.Undecided("a fresh stream received %s of e1..e5 within %v, so there is no known position to resume from", rpubList(got), wait)
			}
		}
		e2 := first[2]
		if e2.ID == nil {
			suite.Skipf("the events the suite published carry no id (e2 arrived as %q without an id field), so there is no Last-Event-ID to resume with", e2.Data)
		}
		k := e2.LastEventID
		suite.Evidence(ctx, "last_event_id", k)
		pub(6)
		pub(7)

		b := rpubOpen(ctx, k)
		pub(8)
		after := rpubAwait(ctx, b, base, 8, wait)
		problems := rpubJudge(after, 3, 8)
		if len(problems) > 0 {
			suite.AttachRecording(ctx, "resume-002-b", b.Close())
			suite.Failf(ctx, "e3..e8 (e6, e7 published while away; e8 live), each once, in order",
				"after resuming with Last-Event-ID %q (e2's id) the stream received %s: %s",
				k, rpubList(after), strings.Join(problems, "; "))
		}

		cur, curName, next := b, "resume-002-b", 9
		for round := 1; round <= 3; round++ {
			var last string
			cur.View(func(r *stream.Recording) { last = r.Parse.LastEventID })
			suite.AttachRecording(ctx, curName, cur.Close())
			c, name := rpubOpen(ctx, last), fmt.Sprintf("resume-002-newest-%d", round)
			pub(next)
			after := rpubAwait(ctx, c, base, next, wait)
			if problems := rpubJudge(after, next, next); len(problems) > 0 {
				suite.AttachRecording(ctx, name, c.Close())
				suite.Failf(ctx, "only e"+strconv.Itoa(next)+", published after the reconnect",
					"after resuming with the newest id %q (nothing missed), the stream received %s: %s",
					last, rpubList(after), strings.Join(problems, "; "))
			}
			cur, curName, next = c, name, next+1
		}
		suite.AttachRecording(ctx, curName, cur.Close())
	})

	// "Clients will reconnect if the connection is closed; a client can be
	// told to stop reconnecting using the HTTP 204 No Content response code."
	// A finished stream that answers 200 and ends the body makes every client
	// reconnect after its retry delay, forever (EventSource/eventsource #14,
	// eclipse-ee4j/jersey #6119).
	suite.Check(suite.Meta{
		ID: "SSE-RESUME-005", Level: suite.SHOULD, Source: "html", Modes: []suite.Mode{suite.Observe},
		Title:       "A finished stream answers 204, not 200",
		Requirement: "Where the target's stream is finished (--done-url), it answers 204 No Content, which tells clients to stop reconnecting; 200 and an ended body makes them reconnect forever.",
	}, func(ctx context.Context) {
		cfg := suite.Current(ctx)
		if cfg.DoneURL == "" {
			suite.Skipf("needs --done-url URL: a URL where the target serves a finished stream (it should answer 204 No Content)")
		}
		opts := cfg.StreamOptions()
		opts.HeaderTimeout = 5 * time.Second
		opts.Duration = time.Second // how long a 200 body is watched
		c, err := suite.StreamOpen(ctx, stream.Request{URL: cfg.DoneURL, Header: cfg.RequestHeader(suite.BrowserLikeHeader())}, opts)
		suite.Cleanup(ctx, func() { c.Close() })
		if err != nil {
			suite.Undecided("GET %s: %v", cfg.DoneURL, err)
		}
		rec := c.Recording()
		if rec.Status == http.StatusOK {
			rec = c.Wait(ctx)
		} else {
			rec = c.Close()
		}
		suite.AttachRecording(ctx, "done", rec)
		switch rec.Status {
		case http.StatusNoContent:
		case http.StatusOK:
			body := fmt.Sprintf("the body ended after %v", rec.EndAt.Round(time.Millisecond))
			if rec.End != stream.EndEOF {
				body = fmt.Sprintf("the body was still open after %v", rec.EndAt.Round(time.Millisecond))
			}
			suite.Failf(ctx, "204 No Content, which stops every client from reconnecting",
				"200 (Content-Type %q, %d event(s); %s): an EventSource reconnects after its retry delay, forever",
				rec.Header.Get("Content-Type"), len(rec.Parse.Events), body)
		default:
			suite.Note(ctx, "answered %d: a browser's EventSource stops on any status but 200, but 204 is the one status every client library treats as \"stop\"", rec.Status)
		}
	})
})

// rpubSeen is one of the check's own events, as received.
type rpubSeen struct {
	n  int // its number: e1, e2, …
	ev parser.Event
}

// rpubWait is how long one published event may take to arrive: this is not
// a latency check, so generous.
func rpubWait(ctx context.Context) time.Duration {
	return max(3*time.Second, 20*suite.Current(ctx).LatencyBudget)
}

// rpubData is event n's payload; rpubNumber reads n back.
func rpubData(base string, n int) string { return fmt.Sprintf("resume %s#%d;", base, n) }

func rpubNumber(data, base string) (int, bool) {
	_, rest, ok := strings.Cut(data, base+"#")
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, ";")
	n, err := strconv.Atoi(digits)
	return n, ok && err == nil
}

// rpubOpen opens a stream, resuming with lastID when it is not empty; a
// stream the target refuses leaves the check undecided (SSE-RESUME-001
// judges refused resumes).
func rpubOpen(ctx context.Context, lastID string) *stream.Conn {
	var h http.Header
	if lastID != "" {
		h = http.Header{"Last-Event-ID": {lastID}}
	}
	c, err := suite.OpenStream(ctx, h, stream.Options{HeaderTimeout: 5 * time.Second})
	if err != nil {
		suite.Undecided("could not open a stream (Last-Event-ID %q): %v", lastID, err)
	}
	if st := c.Recording().Status; st != http.StatusOK {
		suite.AttachRecording(ctx, fmt.Sprintf("resume-002-refused-%d", st), c.Close())
		suite.Undecided("a stream request with Last-Event-ID %q answered %d, so nothing could be resumed (see SSE-RESUME-001)", lastID, st)
	}
	return c
}

// rpubAwait waits until the check's event number last arrived on c (or
// wait passed) and returns the check's events c received, in order.
func rpubAwait(ctx context.Context, c *stream.Conn, base string, last int, wait time.Duration) []rpubSeen {
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var seen []rpubSeen
	c.WaitUntil(wctx, func(r *stream.Recording) bool {
		seen = rpubCollect(r, base)
		for _, s := range seen {
			if s.n == last {
				return true
			}
		}
		return false
	})
	c.View(func(r *stream.Recording) { seen = rpubCollect(r, base) })
	return seen
}

func rpubCollect(r *stream.Recording, base string) []rpubSeen {
	var out []rpubSeen
	for _, e := range r.Parse.Events {
		if n, ok := rpubNumber(e.Data, base); ok {
			out = append(out, rpubSeen{n: n, ev: e})
		}
	}
	return out
}

// rpubJudge compares what arrived with exactly e(from)..e(to), each once,
// in order, and names every difference.
func rpubJudge(got []rpubSeen, from, to int) []string {
	count := map[int]int{}
	var dup, early, missing []string
	ordered := true
	prev := 0
	for _, s := range got {
		count[s.n]++
		switch {
		case s.n < from:
			early = append(early, fmt.Sprintf("e%d", s.n))
		case count[s.n] == 2:
			dup = append(dup, fmt.Sprintf("e%d", s.n))
		}
		if s.n >= from && count[s.n] == 1 {
			if s.n < prev {
				ordered = false
			}
			prev = s.n
		}
	}
	for n := from; n <= to; n++ {
		if count[n] == 0 {
			missing = append(missing, fmt.Sprintf("e%d", n))
		}
	}
	var problems []string
	if len(early) > 0 {
		problems = append(problems, "duplicate: "+strings.Join(early, ", ")+" again (the client already had them)")
	}
	if len(dup) > 0 {
		problems = append(problems, "duplicate: "+strings.Join(dup, ", ")+" twice")
	}
	if len(missing) > 0 {
		problems = append(problems, "missing: "+strings.Join(missing, ", "))
	}
	if !ordered {
		problems = append(problems, "out of order")
	}
	return problems
}

// rpubList renders received events as "e2 (id "2"), e3 (id "3")".
func rpubList(got []rpubSeen) string {
	if len(got) == 0 {
		return "none of them"
	}
	const most = 12
	var parts []string
	for i, s := range got {
		if i == most {
			parts = append(parts, fmt.Sprintf("… (%d in all)", len(got)))
			break
		}
		id := "no id"
		if s.ev.ID != nil {
			id = "id " + strconv.Quote(*s.ev.ID)
		}
		parts = append(parts, fmt.Sprintf("e%d (%s)", s.n, id))
	}
	return strings.Join(parts, ", ")
}

// rpubCollectN is the copies of event n of base that r received.
func rpubCollectN(r *stream.Recording, base string, n int) []rpubSeen {
	var out []rpubSeen
	for _, s := range rpubCollect(r, base) {
		if s.n == n {
			out = append(out, s)
		}
	}
	return out
}
