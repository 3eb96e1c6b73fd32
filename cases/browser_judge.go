package cases

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

// bwAttach attaches the page's evidence to the current check: the
// screenshot and the browser-side log the HTML report renders, and the
// harness stream recorded alongside. It then ends the check with error or
// skip when the page could not run or had nothing to judge.
func bwAttach(ctx context.Context, s *bwScenario) {
	if s.tab != nil {
		if len(s.tab.Shot) > 0 {
			suite.Evidence(ctx, "screenshot", base64.StdEncoding.EncodeToString(s.tab.Shot))
		}
		suite.Evidence(ctx, "browser_log", bwTranscript(s.tab))
		suite.Evidence(ctx, "page_url", s.tab.PageURL)
	}
	if s.harn != nil {
		// The swap page's harness stream; the reconnect goes on on that page.
		suite.AttachRecording(ctx, "browser-swap", s.harn)
	}
	if len(s.names) > 0 {
		suite.Evidence(ctx, "listened_names", s.names)
	}
	switch {
	case s.err != nil:
		suite.Undecided("the browser page could not be run: %v", s.err)
	case s.skip != "":
		suite.Skipf("%s", s.skip)
	case s.tab != nil && errors.Is(s.tab.RecErr, context.DeadlineExceeded):
		// A page laying out huge swaps, or starved on a loaded machine,
		// answers late: what it saw cannot be judged, the target is not
		// at fault.
		suite.Undecided("the page was too busy to answer the read of its recorder within %v (laying out large swaps, or a loaded machine), "+
			"so what it saw cannot be judged: %v", bwScaled(ctx, bwCaptureBudget), s.tab.RecErr)
	case s.tab != nil && s.tab.RecErr != nil:
		suite.Undecided("could not read the page's recorder: %v", s.tab.RecErr)
	}
	if s.tab != nil && s.tab.RecAt > 0 {
		suite.Note(ctx, "the page was too busy to answer the final read of its recorder within %v, so its state read %.1f s after it opened is judged", bwScaled(ctx, bwCaptureBudget), s.tab.RecAt.Seconds())
	}
	if s.tab != nil && s.tab.Rec.Dropped > 0 {
		suite.Note(ctx, "the page recorder keeps the first %d htmx messages (a bound on the page's memory); %d later event(s) were not recorded and are not judged", browser.MaxRecorded, s.tab.Rec.Dropped)
	}
	if s.tab != nil && s.tab.Log.Dropped > 0 {
		suite.Note(ctx, "the browser log keeps the first %d messages or %d MiB of the browser's parse (a bound on memory); %d later one(s) were not kept and are not judged", browser.MaxMessages, browser.MaxMessageBytes>>20, s.tab.Log.Dropped)
	}
}

// bwNeedOpen skips a check whose page's EventSource never opened: that is
// SSE-BROWSER-001's failure, and nothing else can be judged on the page.
// bwOpened is the named page's result for a check that judges what the
// page received: its evidence attached, skipped when the page never opened.
func bwOpened(ctx context.Context, name string) *bwScenario {
	s := bwScenarioFor(ctx, name)
	bwAttach(ctx, s)
	bwNeedOpen(ctx, s)
	return s
}

func bwNeedOpen(ctx context.Context, s *bwScenario) {
	if !s.opened {
		suite.Skipf("the page's EventSource did not open (%s), so there is nothing to judge; see SSE-BROWSER-001", s.openErr)
	}
}

// bwNeedPub returns the published event of role, or ends the check with
// error when publishing it failed.
func bwNeedPub(ctx context.Context, s *bwScenario, role string) bwPub {
	p, ok := s.pubs[role]
	if !ok {
		suite.Undecided("internal: the page published no %q event", role)
	}
	if p.Err != nil {
		suite.Undecided("publishing failed, nothing to judge: %v", p.Err)
	}
	return p
}

// bwTranscript is the page's browser-side log, one line per event in time
// order: DevTools network events, the recorder's htmx events, console.
func bwTranscript(t *bwTab) []string {
	type entry struct {
		at   time.Duration
		text string
	}
	var es []entry
	add := func(at time.Duration, format string, args ...any) {
		es = append(es, entry{at, fmt.Sprintf(format, args...)})
	}
	short := func(id string) string { return "req " + id }
	for _, r := range t.Log.Requests {
		h := ""
		if v, ok := r.Header("Last-Event-ID"); ok {
			h = " Last-Event-ID: " + strconv.Quote(v)
		}
		if v, ok := r.Header("HX-Trigger"); ok {
			h += " HX-Trigger: " + strconv.Quote(v)
		}
		add(r.At, "%s %s %s %s%s", short(r.ID), r.Type, r.Method, r.URL, h)
	}
	for _, r := range t.Log.Responses {
		add(r.At, "%s response %d %s", short(r.RequestID), r.Status, r.MimeType)
	}
	for _, m := range t.Log.Messages {
		add(m.At, "%s event type=%s id=%s data=%s", short(m.RequestID), strconv.Quote(m.EventName), strconv.Quote(m.EventID), quoteText(m.Data, 160))
	}
	for _, f := range t.Log.Finished {
		add(f.At, "%s finished (the body ended)", short(f.RequestID))
	}
	for _, f := range t.Log.Failures {
		add(f.At, "%s failed %s canceled=%v", short(f.RequestID), f.ErrorText, f.Canceled)
	}
	for _, e := range t.Rec.Events {
		where := ""
		if e.Target != "" {
			where = " on #" + e.Target
		}
		detail := ""
		if e.DetailType != "" || e.Data != "" {
			detail = fmt.Sprintf(" type=%s data=%s", strconv.Quote(e.DetailType), bwData(e))
		}
		if e.Type == "htmx:sseMessage" && e.Target != "" {
			detail += " → element text " + bwText(e)
		}
		add(e.At, "%s%s readyState=%s%s", e.Type, where, bwReadyName(e.ReadyState), detail)
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].at < es[j].at })
	const keep = 400
	out := make([]string, 0, min(len(es), keep)+len(t.Log.Console)+2)
	for i, e := range es {
		if i == keep-100 && len(es) > keep {
			out = append(out, fmt.Sprintf("… %d more …", len(es)-keep))
		}
		if i >= keep-100 && i < len(es)-100 && len(es) > keep {
			continue
		}
		out = append(out, fmt.Sprintf("%7.1f ms  %s", float64(e.at.Microseconds())/1000, e.text))
	}
	for _, c := range t.Log.Console {
		out = append(out, "console  "+c)
	}
	out = append(out, fmt.Sprintf("at the end: EventSource readyState %s, %d EventSource(s) created by htmx", bwReadyName(t.Rec.ReadyState), t.Rec.Sources))
	if t.Rec.Dropped > 0 {
		out = append(out, fmt.Sprintf("the page recorder kept the first %d messages and dropped %d later event(s)", browser.MaxRecorded, t.Rec.Dropped))
	}
	if t.Log.Dropped > 0 {
		out = append(out, fmt.Sprintf("the DevTools log kept the first %d messages (or %d MiB) and dropped %d later one(s)", browser.MaxMessages, browser.MaxMessageBytes>>20, t.Log.Dropped))
	}
	return out
}

// bwText and bwData quote what an element showed and an event's data from
// the recorder's preview, with the whole length (UTF-8 bytes) when the
// preview is shorter or the quote is cut.
func bwText(e browser.HTMXEvent) string { return bwQuoteLen(e.Text, e.TextLen) }
func bwData(e browser.HTMXEvent) string { return bwQuoteLen(e.Data, e.DataLen) }

func bwQuoteLen(preview string, n int) string {
	if len(preview) > 160 || n > len(preview) {
		return strconv.Quote(preview[:min(len(preview), 160)]) + fmt.Sprintf("…(%d bytes)", n)
	}
	return strconv.Quote(preview)
}

// bwWhyNotOpen summarizes what DevTools saw of the page's stream requests.
func bwWhyNotOpen(t *bwTab) string {
	if t == nil {
		return "no page state captured"
	}
	var parts []string
	for _, r := range t.Log.Responses {
		if strings.HasSuffix(r.URL, "/__ssespec/") || strings.Contains(r.URL, "/__ssespec/page-") {
			continue
		}
		for _, q := range bwStreamRequests(t.Log) {
			if q.ID == r.RequestID {
				parts = append(parts, fmt.Sprintf("the stream request answered %d %s", r.Status, r.MimeType))
				break
			}
		}
	}
	for _, f := range t.Log.Failures {
		parts = append(parts, "the stream request failed: "+f.ErrorText)
	}
	for _, c := range t.Log.Console {
		if strings.Contains(c, "EventSource") || strings.Contains(c, "MIME") {
			parts = append(parts, "console: "+c)
		}
	}
	if len(parts) == 0 {
		return "DevTools shows no response to the stream request yet (still pending)"
	}
	return strings.Join(bwUniq(parts, 4), "; ")
}

func bwUniq(xs []string, n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] && len(out) < n {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// bwFindMessage is the first event the browser parsed whose data has nonce.
func bwFindMessage(l browser.Log, nonce string) (browser.Message, bool) {
	for _, m := range l.Messages {
		if strings.Contains(m.Data, nonce) {
			return m, true
		}
	}
	return browser.Message{}, false
}

// bwHarnessSaw is the harness stream's copy of the event with nonce.
func bwHarnessSaw(rec *stream.Recording, nonce string) (parser.Event, bool) {
	if rec == nil {
		return parser.Event{}, false
	}
	return suite.FindEvent(rec, nonce)
}

// bwNotSwapped explains why an event with nonce published as name did not
// reach its element, from what the browser's parser and the harness saw.
func bwNotSwapped(ctx context.Context, s *bwScenario, p bwPub, listened string) string {
	if m, ok := bwFindMessage(s.tab.Log, p.Nonce); ok {
		if m.EventName != listened {
			return fmt.Sprintf("the browser received the event as type %q, not %q, so the element listening for %q never got it (event names are case-sensitive and exact)",
				m.EventName, listened, listened)
		}
		return fmt.Sprintf("the browser received the event (type %q, data %s) but htmx fired no htmx:sseMessage on the element", m.EventName, quoteText(m.Data, 160))
	}
	if ev, ok := bwHarnessSaw(s.harn, p.Nonce); ok {
		return fmt.Sprintf("the browser's EventSource never dispatched it, though the harness's stream received it (type %q, data %s)", ev.Type, quoteText(ev.Data, 160))
	}
	if s.harn != nil {
		return bwNoDispatch(ctx, s.harn, p.Nonce)
	}
	return fmt.Sprintf("no event with the published data reached the browser within %v", bwScaled(ctx, bwArriveWait))
}

// bwNoDispatch describes a published nonce that reached neither parser as
// an event: maybe its bytes arrived in a block that dispatched nothing.
func bwNoDispatch(ctx context.Context, rec *stream.Recording, nonce string) string {
	for _, ln := range rec.Parse.Lines {
		if strings.Contains(string(ln.Raw), nonce) {
			blk := ""
			if ln.Block >= 0 {
				b := rec.Parse.Blocks[ln.Block]
				blk = fmt.Sprintf(" in a block that dispatched nothing (data line present: %v)", b.HasData)
			}
			return fmt.Sprintf("no event carried it: the published data arrived on the line %s%s, so neither the browser nor the harness dispatched an event with it",
				quoteText(string(ln.Raw), 160), blk)
		}
	}
	return fmt.Sprintf("the published data reached neither the browser nor the harness's stream within %v", bwScaled(ctx, bwArriveWait))
}

// ---- retry (SSE-BROWSER-009) --------------------------------------------

// bwRetrySent is the reconnection time the target sent on rec: the value of
// its last retry field line, the raw line, and whether browsers accept it
// (ASCII digits only). intended is the value's leading digits when it is
// not valid (e.g. "1000ms" → 1 s), ok false when there is no digit at all.
func bwRetrySent(rec *stream.Recording) (intended time.Duration, raw string, valid, found, ok bool) {
	if rec == nil {
		return 0, "", false, false, false
	}
	for _, ln := range rec.Parse.Lines {
		if ln.Kind == parser.KindField && ln.Name == "retry" {
			raw, found = string(ln.Raw), true
			digits := ln.Value[:len(ln.Value)-len(strings.TrimLeft(ln.Value, "0123456789"))]
			valid = digits != "" && digits == ln.Value
			if n, err := strconv.ParseInt(digits, 10, 64); err == nil {
				intended, ok = time.Duration(n)*time.Millisecond, true
			} else {
				intended, ok = 0, false
			}
		}
	}
	if found && valid && rec.Parse.RetrySet {
		intended = rec.Parse.Retry
	}
	return intended, raw, valid, found, ok
}

// bwMediaType is a response's media type, lower-cased.
func bwMediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(ct)
	}
	return mt
}

// bwSwapOf is the first htmx:sseMessage among msgs that swapped data
// carrying nonce into element id.
func bwSwapOf(msgs []browser.HTMXEvent, id, nonce string) (browser.HTMXEvent, bool) {
	i := slices.IndexFunc(msgs, func(e browser.HTMXEvent) bool { return e.Target == id && strings.Contains(e.Data, nonce) })
	if i < 0 {
		return browser.HTMXEvent{}, false
	}
	return msgs[i], true
}

// bwReceived reports whether the browser's EventSource received an event
// named name (DevTools eventSourceMessageReceived).
func bwReceived(l browser.Log, name string) bool {
	return slices.ContainsFunc(l.Messages, func(m browser.Message) bool { return m.EventName == name })
}
