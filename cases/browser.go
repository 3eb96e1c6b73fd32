package cases

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/suite"
)

// The browser checks prove what a user's browser really does with the
// target's stream: a headless Chromium loads an htmx 2 + htmx-ext-sse page
// served on the target's own origin (the navigation is answered through
// DevTools, so the EventSource talks to the target directly), and the checks
// judge the DOM swaps, the htmx events a recorder script saw and the
// browser's own network log. With a publish hook the suite publishes exactly
// the events each check needs; without one the checks judge the events the
// target sends anyway (names learnt from the shared observation) and skip
// where nothing suitable arrives. The pages are shared and run at once (see
// browser_session.go); each check gives its own verdict.
//
// The container runs last (SpecPriority -1): the reconnect checks end every
// stream the target has open, which must not cut another check's stream.
var _ = suite.AreaLast("BROWSER", func() {
	modes := []suite.Mode{suite.Browser}

	// "When the user agent is to announce the connection, ... set the
	// readyState attribute to OPEN and fire an event named open"; htmx-ext-sse
	// turns that into htmx:sseOpen. Status, Content-Type and CORS all decide
	// whether a real browser gets that far.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-001", Level: suite.MUST, Source: "html", Modes: modes,
		Title:       "The browser's EventSource opens",
		Requirement: "A real browser's EventSource, created by htmx-ext-sse's sse-connect on a page of the target's own origin, opens the stream: htmx fires htmx:sseOpen and readyState is OPEN.",
	}, func(ctx context.Context) {
		s := bwScenarioFor(ctx, "swap")
		bwAttach(ctx, s)
		if !s.opened {
			suite.Failf(ctx, "htmx:sseOpen, EventSource readyState OPEN", "%s: %s", s.openErr, bwWhyNotOpen(s.tab))
		}
		if open := s.tab.Rec.OfType("htmx:sseOpen"); len(open) > 0 {
			suite.Evidence(ctx, "open_ms", open[0].At.Milliseconds())
		}
	})

	// Two independent WHATWG parsers, the browser's and the harness's, read
	// the same server over the same window: any difference means the target
	// serves the browser something other than it serves other clients, or one
	// of the parsers disagrees with the spec on these bytes.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-002", Level: suite.MUST, Source: "html", Modes: modes,
		Title:       "The browser parses the same events as the harness",
		Requirement: "Every event the harness parsed on its own stream while the browser's EventSource was open too is seen by the browser, and the other way round, with the same type, data and lastEventId; where values differ per connection (timestamps, per-connection ids) with the same type, data line count and id (a differential check of two parsers).",
		Tolerates:   "data that differs per connection (timestamps, per-connection ids: compared by type, data line count and id presence), events still in flight at either end of the overlap, a browser that connects seconds after the harness, events where only some carry ids, and comments anywhere; the suite's nonce-tagged events are compared exactly.",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "swap")
		if s.harn == nil || s.harn.Status == 0 {
			suite.Undecided("the harness's own stream, opened alongside the page, got no response")
		}
		r := bwDiff(s)
		if r.Empty != "" {
			suite.Skipf("%s, so there is nothing to compare", r.Empty)
		}
		suite.Evidence(ctx, "compared_events", r.Compared)
		suite.Evidence(ctx, "identical", r.Exact)
		suite.Evidence(ctx, "same_structure", r.Structural)
		suite.Evidence(ctx, "window", r.Window)
		suite.Evidence(ctx, "tolerance_ms", r.Tolerance.Milliseconds())
		suite.Evidence(ctx, "lag_ms", []int64{r.LagLo.Milliseconds(), r.LagHi.Milliseconds()})
		if r.Compared == 0 {
			suite.Skipf("no event arrived far enough inside the time both the harness's stream and the browser's were open (%s) for its copy on the other to be in (tolerance %v, the browser's copies %v to %v later), so there is nothing to compare; with a publish hook the suite publishes events",
				r.Window, r.Tolerance, r.LagLo.Round(time.Millisecond), r.LagHi.Round(time.Millisecond))
		}
		if len(r.Diffs) > 0 {
			suite.Evidence(ctx, "differences", r.Diffs)
			suite.Failf(ctx, "the browser's events equal the harness's: the same type, data and lastEventId, or where values differ per connection the same type, data line count and id",
				"%d of %d event(s) differ; first: %s", len(r.Diffs), r.Compared, r.Diffs[0])
		}
		if r.Structural > 0 {
			suite.Note(ctx, "%d of %d event(s) matched in structure only (type, data line count, id present or carried): their values differ between the two connections, as per-connection timestamps or ids make them", r.Structural, r.Compared)
		}
	})

	// htmx-ext-sse: sse-swap="NAME" listens with addEventListener(NAME) and
	// swaps event.data into the element. Event types are matched exactly.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-003", Level: suite.MUST, Source: "html", Modes: modes,
		Title:       "sse-swap=\"NAME\" shows the data of event NAME",
		Requirement: "An element with sse-swap=\"NAME\" shows the data of the event named NAME: the target sends the name exactly (case included) and the data intact.",
		Tolerates:   "events of any size: swapped content is compared by UTF-8 length and hash, not a truncated copy.",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "swap")
		msgs := s.tab.Rec.OfType("htmx:sseMessage")
		if s.publish {
			p := bwNeedPub(ctx, s, "named")
			want := fmt.Sprintf("#named (sse-swap=%q) shows %s", bwNamed, p.Ev.Data)
			e, ok := bwSwapOf(msgs, "named", p.Nonce)
			if !ok {
				suite.Failf(ctx, want, "not swapped: %s", bwNotSwapped(ctx, s, p, bwNamed))
			}
			suite.Evidence(ctx, "swapped_html", e.HTML)
			suite.Require(ctx, e.TextIs(p.Nonce) && strings.Contains(strings.ToLower(e.HTML), "<b"), want,
				"the element shows %s (innerHTML %s)", bwText(e), quoteText(e.HTML, 160))
			return
		}
		if len(s.names) == 0 {
			suite.Skipf("the target sent no named event in the shared observation, so the page has no sse-swap=\"NAME\" to judge; with a publish hook the suite publishes one")
		}
		judged := 0
		for i, name := range s.names {
			id := fmt.Sprintf("named-%d", i+1)
			got := bwReceived(s.tab.Log, name)
			if !got {
				continue
			}
			judged++
			var mine []browser.HTMXEvent
			for _, e := range msgs {
				if e.Target == id {
					mine = append(mine, e)
				}
			}
			if len(mine) == 0 {
				suite.Failf(ctx, fmt.Sprintf("#%s (sse-swap=%q) shows the data of the %q events", id, name, name),
					"the browser received %q events but htmx swapped none into the element", name)
			}
			for _, e := range mine {
				suite.Require(ctx, e.DetailType == name && e.TextIsData(), fmt.Sprintf("#%s (sse-swap=%q) shows each %q event's data", id, name, name),
					"after an event of type %q with data %s the element shows %s", e.DetailType, bwData(e), bwText(e))
			}
		}
		if judged == 0 {
			suite.Skipf("none of the target's event names %q arrived while the page was open (%v); nothing to judge", s.names, s.watchedText(ctx))
		}
	})

	// "If the event type buffer has a value other than the empty string,
	// change the type of the newly created event to equal the value of the
	// event type buffer" — otherwise it stays "message", which is what
	// sse-swap="message" listens for; no other sse-swap sees it.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-004", Level: suite.MUST, Source: "html", Modes: modes,
		Title:       "Unnamed events swap only into sse-swap=\"message\"",
		Requirement: "An event sent without an event name reaches the element with sse-swap=\"message\" and no other element.",
		Tolerates:   "any payload quoting: it judges where the unnamed event went (sse-swap=\"message\" and nowhere else); the DATA checks judge the payload.",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "swap")
		msgs := s.tab.Rec.OfType("htmx:sseMessage")
		const want = "the unnamed event swapped into #message (sse-swap=\"message\") and nowhere else"
		if s.publish {
			p := bwNeedPub(ctx, s, "unnamed")
			var targets []string
			for _, e := range msgs {
				if strings.Contains(e.Data, p.Nonce) && e.Target != "" {
					targets = append(targets, "#"+e.Target)
				}
			}
			if len(targets) == 0 {
				suite.Failf(ctx, want, "it reached no element: %s", bwNotSwapped(ctx, s, p, "message"))
			}
			suite.Require(ctx, len(targets) == 1 && targets[0] == "#message", want, "it was swapped into %s", strings.Join(targets, ", "))
			// Routing is judged here; the payload's bytes are the DATA checks'.
			if e, _ := bwSwapOf(msgs, "message", p.Nonce); !e.TextIs(p.Ev.Data) {
				suite.Note(ctx, "#message shows %s, the published data was %s", bwText(e), quoteText(p.Ev.Data, 160))
			}
			return
		}
		unnamed := bwReceived(s.tab.Log, "message")
		if !unnamed {
			suite.Skipf("no unnamed event arrived while the page was open (%v); nothing to judge; with a publish hook the suite publishes one", s.watchedText(ctx))
		}
		var elsewhere []string
		inMessage, differ := 0, 0
		for _, e := range msgs {
			switch {
			case e.DetailType != "message":
			case e.Target == "message":
				inMessage++
				if !e.TextIsData() {
					differ++
				}
			case e.Target != "":
				elsewhere = append(elsewhere, "#"+e.Target)
			}
		}
		suite.Require(ctx, len(elsewhere) == 0, want, "unnamed events were also swapped into %s", strings.Join(bwUniq(elsewhere, 5), ", "))
		suite.Require(ctx, inMessage > 0, want, "the browser received unnamed events but htmx swapped none into #message")
		if differ > 0 {
			suite.Note(ctx, "%d of %d swap(s) into #message show other text than the event's data (judged by the DATA checks, not here)", differ, inMessage)
		}
	})

	// "If the field name is "data": Append the field value to the data
	// buffer, then append a single U+000A LINE FEED (LF) character" — each
	// line of a multi-line payload is its own data: line, and the browser
	// rejoins them with LF.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-005", Level: suite.SHOULD, Source: "html", Modes: modes,
		Title:       "Multi-line data is swapped with its newlines",
		Requirement: "An event whose data has several lines (sent as several data: lines) is swapped into its element with every line and the newlines between them.",
		Tolerates:   "events of any size (compared by length and hash).",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "swap")
		msgs := s.tab.Rec.OfType("htmx:sseMessage")
		if s.publish {
			p := bwNeedPub(ctx, s, "lines")
			want := fmt.Sprintf("#lines (sse-swap=%q, hx-swap=textContent) shows %s", bwLines, quoteText(p.Ev.Data, 160))
			e, ok := bwSwapOf(msgs, "lines", p.Nonce)
			if !ok {
				suite.Failf(ctx, want, "not swapped: %s", bwNotSwapped(ctx, s, p, bwLines))
			}
			if !e.TextIs(p.Ev.Data) {
				how := ""
				if h, ok := bwHarnessSaw(s.harn, p.Nonce); ok && h.Data != p.Ev.Data {
					how = fmt.Sprintf("; the harness parsed the same data %s from the wire, so the target did not send each line as a data: line", quoteText(h.Data, 160))
				}
				suite.Failf(ctx, want, "the element shows %s (%d line(s) of %d)%s", bwText(e), strings.Count(e.Text, "\n")+1, strings.Count(p.Ev.Data, "\n")+1, how)
			}
			return
		}
		judged := 0
		for _, e := range msgs {
			if e.Target == "" || e.Target == "trigger" || !e.MultiLine() {
				continue
			}
			judged++
			suite.Require(ctx, e.TextIsData(), "multi-line data swapped with its newlines",
				"#%s shows %s after an event with data %s", e.Target, bwText(e), bwData(e))
		}
		if judged == 0 {
			suite.Skipf("no event with multi-line data reached an element while the page was open (%v); nothing to judge; with a publish hook the suite publishes one", s.watchedText(ctx))
		}
	})

	// htmx-ext-sse's sse-close="NAME": on event NAME, htmx:sseClose and
	// source.close(); "The close() method must abort any instances of the
	// fetch algorithm started for this EventSource object, and must set the
	// readyState attribute to CLOSED." A closed EventSource never reconnects.
	// The suite cannot see a remote target's server side: it judges from the
	// browser (htmx:sseClose, readyState CLOSED, DevTools shows the request
	// canceled, no new EventSource request for ≥2 s); the project's own test
	// asserts on the reference server that the server saw the disconnect.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-006", Level: suite.MUST, Source: "html", Modes: modes,
		Title:       "sse-close=\"NAME\" closes the stream for good",
		Requirement: "On the event named in sse-close the page's EventSource closes (readyState CLOSED, the connection dropped) and no reconnect follows.",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "close")
		c := s.close
		suite.Evidence(ctx, "close_event", c.Name)
		want := fmt.Sprintf("htmx:sseClose on event %q, readyState CLOSED, and no reconnect for %v", c.Name, bwScaled(ctx, bwCloseWatch))
		if s.publish {
			p := bwNeedPub(ctx, s, "close")
			if !c.Closed {
				suite.Failf(ctx, want, "no htmx:sseClose within %v of publishing %q; the EventSource is still %s: %s",
					bwScaled(ctx, bwArriveWait), c.Name, bwReadyName(s.tab.Rec.ReadyState), bwNotSwapped(ctx, s, p, c.Name))
			}
		} else if !c.Closed {
			if bwReceived(s.tab.Log, c.Name) {
				suite.Failf(ctx, want, "the browser received %q events but no htmx:sseClose fired; the EventSource is %s", c.Name, bwReadyName(s.tab.Rec.ReadyState))
			}
			suite.Skipf("no %q event arrived within %v to close on; nothing to judge", c.Name, s.watchedText(ctx))
		}
		suite.Evidence(ctx, "closed_ms", c.ClosedAt.Milliseconds())
		suite.Evidence(ctx, "watched_ms", c.Watched.Milliseconds())
		suite.Require(ctx, c.Reconnect == "", want, "after the close: %s", c.Reconnect)
		suite.Require(ctx, s.tab.Rec.ReadyState == browser.ReadyClosed, want, "readyState %s %v after htmx:sseClose", bwReadyName(s.tab.Rec.ReadyState), c.Watched.Round(time.Millisecond))
		if c.Watched < bwScaled(ctx, bwCloseWatch) {
			suite.Undecided("the page was watched for only %v after the close, less than %v", c.Watched.Round(time.Millisecond), bwScaled(ctx, bwCloseWatch))
		}
		how := "DevTools shows the stream request canceled (loadingFailed, canceled)"
		if !c.Canceled {
			how = "DevTools shows no cancellation of the stream request"
		}
		suite.Note(ctx, "judged from the browser, since the suite does not see the target's server side: htmx:sseClose, readyState CLOSED, %s, no new EventSource request for %v", how, c.Watched.Round(time.Millisecond))
	})

	// hx-trigger="sse:NAME": htmx-ext-sse listens for NAME and triggers
	// sse:NAME on the element, which issues its hx-get.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-007", Level: suite.SHOULD, Source: "html", Modes: modes,
		Title:       "hx-trigger=\"sse:NAME\" issues the element's request",
		Requirement: "An element with hx-trigger=\"sse:NAME\" issues its request (hx-get) when the event NAME arrives.",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "swap")
		t := s.trigger
		if t.Event == "" {
			suite.Skipf("the target sent no named event in the shared observation to trigger on; with a publish hook the suite publishes one")
		}
		want := fmt.Sprintf("#%s (hx-trigger=\"sse:%s\") issues GET %s", t.ID, t.Event, t.GetURL)
		if r := bwTriggerRequest(s.tab.Log, t); r != nil {
			suite.Evidence(ctx, "request", fmt.Sprintf("%s %s", r.Method, r.URL))
			if r.Headers == nil {
				suite.Require(ctx, r.Method == http.MethodGet, want, "the request was %s %s", r.Method, r.URL)
				suite.Note(ctx, "DevTools did not report the request's headers in time, so HX-Trigger was not checked")
				return
			}
			v, _ := r.Header("HX-Trigger")
			suite.Require(ctx, r.Method == http.MethodGet && v == t.ID, want, "the request was %s %s with HX-Trigger %q", r.Method, r.URL, v)
			return
		}
		if s.publish {
			p := bwNeedPub(ctx, s, "trigger")
			suite.Failf(ctx, want, "no request: %s", bwNotSwapped(ctx, s, p, t.Event))
		}
		if !bwReceived(s.tab.Log, t.Event) {
			suite.Skipf("no %q event arrived while the page was open (%v); nothing to judge", t.Event, s.watchedText(ctx))
		}
		suite.Failf(ctx, want, "the browser received %q events but the element issued no request", t.Event)
	})

	// "When a user agent is to reestablish the connection ... if the
	// EventSource object's last event ID string is not the empty string, set
	// `Last-Event-ID`" — the server "may use it to resume". After a 200 stream
	// ends, the browser reconnects on its own; the target must take it up.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-008", Level: suite.SHOULD, Source: "html", Modes: modes,
		Title:       "After the server ends a stream the browser resumes with Last-Event-ID",
		Requirement: "When the server ends a 200 stream, the browser reconnects sending Last-Event-ID (the id of the last event it got), and the server answers with a stream that resumes after that id.",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "reconnect")
		r := s.recon
		suite.Evidence(ctx, "ended_by", r.How)
		want := "the stream ends, the browser reconnects with Last-Event-ID and the server resumes after it"
		switch {
		case r.Fail != "":
			suite.Failf(ctx, want, "%s", r.Fail)
		case r.Skip008 != "":
			suite.Skipf("%s", r.Skip008)
		}
		suite.Evidence(ctx, "stream_end", r.EndKind)
		if r.Reconnect == nil {
			suite.Failf(ctx, want, "the stream ended (%s) but the browser made no new request within the wait; EventSource readyState %s", r.EndKind, bwReadyName(s.tab.Rec.ReadyState))
		}
		if !r.IDs {
			if suite.Current(ctx).Has(suite.CapIDs) {
				suite.Failf(ctx, want, "none of the %d event(s) the browser got before the end carried an id, so it had no Last-Event-ID to send (the target declares --capabilities ids)", len(r.Before))
			}
			suite.Skipf("the target's events carry no id, so the browser has no Last-Event-ID to send and nothing to resume from")
		}
		got, sent := r.Reconnect.Header("Last-Event-ID")
		suite.Evidence(ctx, "last_event_id", got)
		suite.Require(ctx, sent && got == r.LastID, want, "the reconnect sent Last-Event-ID %q (sent: %v); the last id the browser got was %q", got, sent, r.LastID)
		if r.Response == nil {
			suite.Failf(ctx, want, "no response to the reconnect (Last-Event-ID %q)", got)
		}
		suite.Require(ctx, r.Response.Status == http.StatusOK && bwMediaType(r.Response.MimeType) == "text/event-stream", want,
			"the reconnect with Last-Event-ID %q answered %d %s", got, r.Response.Status, r.Response.MimeType)
		if !strings.HasPrefix(r.EndKind, "finished") {
			suite.Note(ctx, "the stream was cut (%s) rather than ended cleanly", r.EndKind)
		}
		if !s.publish {
			seen := map[string]bool{}
			for _, m := range r.Before {
				if m.EventID != "" {
					seen[m.EventID+"\x00"+m.Data] = true
				}
			}
			for _, m := range r.Resumed {
				suite.Require(ctx, !seen[m.EventID+"\x00"+m.Data], want, "after resuming from %q the server sent again an event the browser already had (id %q, data %s)", got, m.EventID, quoteText(m.Data, 160))
			}
			if len(r.Resumed) == 0 {
				suite.Note(ctx, "no event arrived on the resumed stream within %v, so only the reconnect itself was judged", bwScaled(ctx, bwArriveWait))
			}
			return
		}
		count := func(nonce string) int {
			n := 0
			for _, m := range r.Resumed {
				if strings.Contains(m.Data, nonce) {
					n++
				}
			}
			return n
		}
		for _, role := range []string{"named", "unnamed", "lines", "trigger"} {
			if pb, ok := s.pubs[role]; ok {
				suite.Require(ctx, count(pb.Nonce) == 0, want, "after resuming from %q the server sent again %s, which the browser already had", got, quoteText(pb.Ev.Data, 160))
			}
		}
		if r.Replay {
			gap := bwNeedPub(ctx, s, "gap")
			n := count(gap.Nonce)
			suite.Require(ctx, n == 1, want, "the event published while the browser was away (%s) arrived %d time(s) on the resumed stream (the target declares --capabilities replay)", quoteText(gap.Ev.Data, 160), n)
			return
		}
		live := bwNeedPub(ctx, s, "live")
		suite.Require(ctx, count(live.Nonce) == 1, want, "an event published after the reconnect (%s) did not arrive on it", quoteText(live.Ev.Data, 160))
		suite.Note(ctx, "the target does not declare replay: only a live event after the resume was checked, not the events missed while away")
	})

	// "If the field value consists of only ASCII digits, then interpret the
	// field value as an integer in base ten, and set the event stream's
	// reconnection time to that integer"; the browser waits that long before
	// reconnecting. A value browsers ignore leaves them at their default.
	suite.Check(suite.Meta{
		ID: "SSE-BROWSER-009", Level: suite.BP, Source: "html", Modes: modes,
		Title: "The browser waits the retry: the server sends",
		Requirement: "After the stream ends, the browser waits the reconnection time the server sent with retry: (±25%) before reconnecting: the value is one browsers accept. " +
			"(The wait is timed on the page's thread, from when the page learns of the end. A longer wait that the page's own 50 ms timer shows held up — a busy machine, or the page laying out a large swap — is measured again on the next end and reconnect, up to three waits: a later wait can pass the check but not fail it, since a reconnected stream may send another retry:. If every wait was held up, the check is an error, not a fail.)",
	}, func(ctx context.Context) {
		s := bwOpened(ctx, "reconnect")
		r := s.recon
		switch {
		case r.Fail != "":
			suite.Skipf("the stream did not end (%s), so there is no reconnect to measure; see SSE-BROWSER-008", r.Fail)
		case r.Skip009 != "":
			suite.Skipf("%s", r.Skip009)
		case r.Reconnect == nil:
			suite.Skipf("the browser did not reconnect, so there is no wait to measure; see SSE-BROWSER-008")
		}
		intended, raw, valid, found, ok := bwRetrySent(s.harn)
		// The reconnect timer starts when the page learns of the end (the
		// task that fires the EventSource's error event); a busy machine
		// can deliver the end to the page late, and that delay is not the
		// wait the server set. A wait the page was held up through is
		// measured again (bwRetryAgain): the first one it ran through is
		// judged.
		cycles := r.cycles()
		w, judged := bwJudgedWait(s.tab.Rec, cycles, intended, valid && ok)
		if late := w.From - cycles[judged].EndedAt; late > 0 {
			suite.Evidence(ctx, "end_reached_page_ms", late.Milliseconds())
		}
		waited := w.Waited
		suite.Evidence(ctx, "waited_ms", waited.Milliseconds())
		if len(cycles) > 1 {
			suite.Evidence(ctx, "waits_measured", len(cycles))
		}
		if judged > 0 && !w.heldUp(intended) {
			suite.Note(ctx, "the page was held up through the first %d wait(s) (a busy machine), so the browser's next end and reconnect was measured and judged", judged)
		}
		if !found {
			suite.Skipf("%s", bwNoRetryText(ctx, waited))
		}
		suite.Evidence(ctx, "retry_line", raw)
		if !ok {
			suite.Failf(ctx, "a retry: value of ASCII digits only, which the browser then waits", "the server sent %q: not a number, so browsers ignore it; the browser waited %v", raw, waited.Round(time.Millisecond))
		}
		suite.Evidence(ctx, "retry_ms", intended.Milliseconds())
		tol := bwRetryTol(intended)
		off := waited - intended
		if off < 0 {
			off = -off
		}
		why := ""
		if !valid {
			why = " — the value is not ASCII digits only, so browsers ignore it and keep their default"
		}
		if valid && waited > intended+tol {
			suite.Evidence(ctx, "page_stalled_ms", w.Stalled.Milliseconds())
		}
		if valid && w.heldUp(intended) {
			// A value browsers accept, waited too long, and the page's own
			// ticker shows its thread held up for the excess each time.
			suite.Undecided("the server sent %q and the browser waited %v, but the page was held up %v of that time (its own 50 ms timer ran that late: a busy machine, or the page laying out a large swap), so the wait cannot be judged%s",
				raw, waited.Round(time.Millisecond), w.Stalled.Round(time.Millisecond), bwCyclesText(len(cycles)))
		}
		if judged > 0 && off > tol {
			// The retry: the suite knows is its own stream's; a target may
			// send a reconnected stream another (a growing backoff), so only
			// the first wait can fail the check.
			suite.Undecided("the page was held up through the first %d wait(s) (a busy machine); the browser's next wait was %v, off the %q the server sent, but the reconnected stream may have sent another retry:, so it cannot be judged",
				judged, waited.Round(time.Millisecond), raw)
		}
		suite.Require(ctx, off <= tol, fmt.Sprintf("the browser reconnects %v (±%v) after the stream ended", intended, tol),
			"the server sent %q and the browser waited %v%s", raw, waited.Round(time.Millisecond), why)
		if !valid {
			suite.Note(ctx, "the retry line %q is not ASCII digits only; browsers ignore it, and the wait matched only by chance", raw)
		}
	})
})
