package cases

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/harness/templates"
	"github.com/ssespec/ssespec/suite"
)

// Names a frontend listens for, in the shapes real apps use.
var publishedNames = []string{"Update", "user-joined", "user_left", "chat.message", "ns:event", "ünïcode-名前"}

var _ = suite.Area("NAME", func() {
	// "If the field name is "event": Set the event type buffer to the field
	// value." The client matches listeners case-sensitively.
	suite.Check(suite.Meta{
		ID: "SSE-NAME-001", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "A published event name arrives exactly",
		Requirement: "The event: field carries the published name unchanged (case, -, _, ., :, non-ASCII); listeners match it exactly.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		sent := map[string]string{} // nonce → name
		var ns []string
		for _, name := range publishedNames {
			nonce := suite.Nonce()
			sent[nonce] = name
			ns = append(ns, nonce)
			suite.PublishEvent(ctx, p, publish.Event{Event: name, Data: nonce}, nonce)
		}
		got := awaitAll(ctx, conn, ns, eventWait(ctx))
		rec := conn.Close()
		suite.AttachRecording(ctx, "SSE-NAME-001", rec)
		var wrong []string
		for _, nonce := range ns {
			ev, ok := got[nonce]
			switch {
			case !ok:
				wrong = append(wrong, fmt.Sprintf("%q never arrived", sent[nonce]))
			case ev.Type != sent[nonce]:
				wrong = append(wrong, fmt.Sprintf("%q arrived as %q (on the wire: %q)", sent[nonce], ev.Type, wire(rec, ev.Offset, ev.End)))
			}
		}
		suite.Require(ctx, len(wrong) == 0, fmt.Sprintf("the types %q", publishedNames), "%s%s", strings.Join(wrong, "; "), ended(rec))
	})

	// "Initialize event's type attribute to "message"" … "If the event type
	// buffer has a value other than the empty string, change the type of the
	// newly created event to equal the value of the event type buffer."
	suite.Check(suite.Meta{
		ID: "SSE-NAME-002", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Publish},
		Title:       "An unnamed publish arrives as type message",
		Requirement: "An event published without a name has no (or an empty) event: field, so onmessage and sse-swap=\"message\" receive it.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		nonce := suite.Nonce()
		ev, rec := roundTrip(ctx, conn, p, publish.Event{Data: nonce}, nonce)
		suite.Require(ctx, ev.Type == "message", `type "message"`, "type %q (on the wire: %q)", ev.Type, wire(rec, ev.Offset, ev.End))
	})

	// A CR or LF ends the event: line, so whatever follows in the name
	// becomes a field or a new event (mpetrunic/fastify-sse-v2 #110).
	suite.Check(suite.Meta{
		ID: "SSE-NAME-003", Level: suite.MUST, Source: "bug", Modes: []suite.Mode{suite.Publish},
		Title:       "A name containing CR/LF never injects a field",
		Requirement: "A published name containing CR or LF is rejected or sanitised; it never ends the event: line early to inject a field or split the frame.",
	}, func(ctx context.Context) {
		p := suite.NeedPublisher(ctx)
		conn := liveStream(ctx, p)
		var from int64
		conn.View(func(r *stream.Recording) { from = r.Bytes })
		nonce := suite.Nonce()
		const prefix = "ssespec-x"
		attacks := []string{"\nid: ", "\rdata: ", "\r\nevent: ", "\n\ndata: "}
		markers := make([]string, len(attacks))
		var rejected, accepted []string
		for i, a := range attacks {
			markers[i] = fmt.Sprintf("injected%d-%s", i+1, nonce)
			name := prefix + a + markers[i]
			// The hook's own verdict is an outcome here: refusing is a pass.
			if err := p.Publish(ctx, publish.Event{Event: name, Data: fmt.Sprintf("%s name %d", nonce, i+1)}); err != nil {
				rejected = append(rejected, fmt.Sprintf("%q: %s", name, hookStatus(err)))
			} else {
				accepted = append(accepted, fmt.Sprintf("%q", name))
			}
		}
		// Events on one stream stay in order: once a later event arrived,
		// everything the crafted names produced is on the wire before it.
		sn := suite.Nonce()
		sentinel, rec := roundTrip(ctx, conn, p, publish.Event{Data: "after the crafted names " + sn}, sn)
		suite.Evidence(ctx, "rejected", rejected)
		suite.Evidence(ctx, "accepted", accepted)
		var injected []string
		for _, ln := range rec.Parse.Lines {
			if ln.Offset < from || ln.Offset >= sentinel.Offset {
				continue
			}
			raw := string(ln.Raw)
			for i, m := range markers {
				// Sanitised names keep the marker after the prefix on the
				// same line; an injected one starts a line of its own.
				if at := strings.Index(raw, m); at >= 0 && !strings.Contains(raw[:at], prefix) {
					injected = append(injected, fmt.Sprintf("name %q produced the line %q (%s)", prefix+attacks[i]+m, raw, lineKind(ln)))
				}
			}
		}
		suite.Require(ctx, len(injected) == 0, "CR/LF in a name rejected or sanitised, never a field of its own",
			"injected: %s", strings.Join(injected, "; "))
		suite.Note(ctx, "rejected %d, accepted and sanitised %d of %d crafted names", len(rejected), len(accepted), len(attacks))
	})

	// The frontend and backend must agree on event names: a listener whose
	// name the server never emits never fires, an event nobody listens for
	// is lost (htmx sse-swap, hx-trigger="sse:…", addEventListener).
	suite.Check(suite.Meta{
		ID: "SSE-NAME-004", Level: suite.SHOULD, Source: "bug", Modes: []suite.Mode{suite.Observe, suite.Publish},
		Title:       "Emitted event names and frontend listeners agree",
		Requirement: "Every event name the stream emits has a listener (--events or the names in --templates), and every listened-for name is emitted; with --events-doc, every emitted and listened-for name is in the channel document; no sse-swap or hx-trigger=\"sse:…\" sits outside every sse-connect in a whole page, or under an sse-connect the sse extension never processes (no hx-ext=\"sse\" on it or above, or hx-ext=\"ignore:sse\").",
	}, func(ctx context.Context) {
		cfg := suite.Current(ctx)
		if len(cfg.Events) == 0 && cfg.Templates == "" && cfg.EventsDoc == "" {
			suite.Skipf("needs the frontend's listener names: pass --events a,b,c and/or --templates DIR (sse-swap, sse-close, hx-trigger=\"sse:…\", addEventListener are read from HTML/Jinja/templ/JSX/FastHTML files), or the channel document with --events-doc FILE")
		}
		documented := nameDocumented(ctx, cfg.EventsDoc)
		listeners := map[string][]string{} // name → where it is listened for
		for _, e := range cfg.Events {
			listeners[e] = append(listeners[e], "--events")
		}
		if cfg.Templates != "" {
			found, err := templates.Scan(cfg.Templates)
			if err != nil && !errors.Is(err, templates.ErrTruncated) {
				suite.Undecided("--templates: %v", err)
			}
			if err != nil {
				suite.Note(ctx, "%v; names in the remaining files were not read", err)
			}
			for name, locs := range found {
				for _, l := range locs {
					listeners[name] = append(listeners[name], l.String())
				}
			}
			if len(listeners) == 0 && documented == nil {
				suite.Skipf("no listener names found in --templates %s (looked for sse-swap, sse-close, hx-trigger=\"sse:…\", addEventListener on an EventSource); pass --events a,b,c", cfg.Templates)
			}
		}
		rec := suite.SharedWindow(ctx)
		emitted := map[string]int{}
		for _, ev := range rec.Parse.Events {
			if strings.Contains(ev.Data, "ssespec-") || strings.HasPrefix(ev.Type, "ssespec") {
				continue // published by the suite's own checks
			}
			emitted[ev.Type]++
		}
		suite.Evidence(ctx, "emitted", emitted)
		suite.Evidence(ctx, "listeners", listeners)
		if len(emitted) == 0 {
			suite.Skipf("no event of the target's own was observed in the %v window to compare with the listeners (widen it with --window)", cfg.Window)
		}
		var unheard, unserved []string
		for name, n := range emitted {
			if _, ok := listeners[name]; !ok {
				what := fmt.Sprintf("%q (%d×)", name, n)
				if name == "message" {
					what += " (unnamed events)"
				}
				unheard = append(unheard, what)
			}
		}
		for name, where := range listeners {
			if _, ok := emitted[name]; !ok {
				unserved = append(unserved, fmt.Sprintf("%q (%s)", name, strings.Join(where, ", ")))
			}
		}
		sort.Strings(unheard)
		sort.Strings(unserved)
		var problems []string
		if documented != nil {
			if len(listeners) == 0 { // only the document was given: judge against it alone
				unheard, unserved = nil, nil
			}
			problems = append(problems, nameAgainstDoc(ctx, documented, emitted, listeners)...)
		}
		if len(unheard) > 0 {
			problems = append(problems, "emitted but no listener: "+strings.Join(unheard, ", "))
		}
		if len(unserved) > 0 {
			problems = append(problems, fmt.Sprintf("listened for but not emitted in the %v window: %s (an event the server sends rarely needs a longer --window, or a publish hook)", cfg.Window, strings.Join(unserved, ", ")))
		}
		problems = append(problems, nameOutside(ctx, cfg.Templates)...)
		suite.Require(ctx, len(problems) == 0, fmt.Sprintf("the emitted names %q are exactly the listened-for names", sortedKeys(emitted)),
			"%s", strings.Join(problems, "; "))
	})
})

var statusRe = regexp.MustCompile(`answered (\d{3})`)

// hookStatus summarises a publish hook's refusal.
func hookStatus(err error) string {
	if m := statusRe.FindStringSubmatch(err.Error()); m != nil {
		return "answered " + m[1]
	}
	return err.Error()
}

func lineKind(ln parser.Line) string {
	if ln.Kind == parser.KindField {
		return fmt.Sprintf("field %q", ln.Name)
	}
	return string(ln.Kind)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
