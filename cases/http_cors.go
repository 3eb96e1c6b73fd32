package cases

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/suite"
)

var _ = suite.Area("HTTP", func() {
	// "Let corsAttributeState be ... Use Credentials if withCredentials is
	// true" and the request's mode is "cors": the Fetch CORS check then
	// requires Access-Control-Allow-Origin to be the request's origin
	// (never "*" with credentials) and Access-Control-Allow-Credentials:
	// true — on every request, reconnects included. htmx-ext-sse opens its
	// EventSource with withCredentials: true by default.
	suite.Check(suite.Meta{
		ID: "SSE-HTTP-012", Level: suite.MUST, Source: "html", Modes: []suite.Mode{suite.Observe},
		Title: "CORS allows the page's origin on connect and on reconnect",
		Requirement: "A cross-origin EventSource opens only when Access-Control-Allow-Origin allows the page's origin, on the first " +
			"connect and on every reconnect (with Last-Event-ID); with credentials (htmx-ext-sse's default) it must be the exact " +
			"origin, not *, plus Access-Control-Allow-Credentials: true.",
	}, func(ctx context.Context) {
		cfg := suite.Current(ctx)
		if cfg.Origin == "" {
			suite.Skipf("no --origin: pass --origin https://your.app to check CORS")
		}
		origin := strings.TrimRight(cfg.Origin, "/")

		first, err := suite.OpenStream(ctx, http.Header{"Origin": {origin}}, stream.Options{})
		if err != nil {
			suite.AttachRecording(ctx, "cors-first-connect", first.Close())
			suite.Undecided("first connect with Origin: %s: %v", origin, err)
		}
		// A browser reconnects with the last event id it saw, if any.
		wctx, cancel := context.WithTimeout(ctx, cfg.Window)
		first.WaitUntil(wctx, func(r *stream.Recording) bool { return r.Parse.LastEventID != "" })
		cancel()
		frec := first.Close()
		suite.AttachRecording(ctx, "cors-first-connect", frec)
		lastID := frec.Parse.LastEventID

		hdr := http.Header{"Origin": {origin}}
		reLabel := "reconnect (no event id seen, so without Last-Event-ID)"
		if lastID != "" {
			hdr.Set("Last-Event-ID", lastID)
			reLabel = fmt.Sprintf("reconnect (Last-Event-ID: %s)", lastID)
		}
		re, err := suite.OpenStream(ctx, hdr, stream.Options{})
		rrec := re.Close()
		suite.AttachRecording(ctx, "cors-reconnect", rrec)
		if err != nil {
			suite.Undecided("%s with Origin: %s: %v", reLabel, origin, err)
		}
		suite.Evidence(ctx, "cors", map[string]any{
			"origin":    origin,
			"first":     corsHeaders(frec.Header),
			"reconnect": corsHeaders(rrec.Header),
		})

		fp, rp := corsProblems(frec.Header, origin), corsProblems(rrec.Header, origin)
		var problems []string
		switch {
		case len(fp) > 0 && slices.Equal(fp, rp):
			problems = append(problems, "first connect and "+reLabel+": "+strings.Join(fp, "; "))
		default:
			if len(fp) > 0 {
				problems = append(problems, "first connect: "+strings.Join(fp, "; "))
			}
			if len(rp) > 0 {
				problems = append(problems, reLabel+": "+strings.Join(rp, "; "))
			}
		}
		suite.Require(ctx, len(problems) == 0,
			fmt.Sprintf("Access-Control-Allow-Origin: %s and Access-Control-Allow-Credentials: true on the first connect and on a reconnect", origin),
			"%s", strings.Join(problems, " | "))
		if lastID == "" {
			suite.Note(ctx, "no event id arrived within the window, so the reconnect carried no Last-Event-ID")
		}
	})
})

// corsProblems says, distinctly, why a credentialed cross-origin EventSource
// from origin would be refused this response.
func corsProblems(h http.Header, origin string) []string {
	var out []string
	acao := h.Values("Access-Control-Allow-Origin")
	switch v := strings.TrimSpace(strings.Join(acao, ", ")); {
	case len(acao) == 0:
		out = append(out, "no Access-Control-Allow-Origin (the browser blocks the stream)")
	case len(acao) > 1:
		out = append(out, fmt.Sprintf("Access-Control-Allow-Origin sent %d times (%q); browsers accept exactly one value", len(acao), v))
	case v == "*":
		out = append(out, "Access-Control-Allow-Origin: * (browsers reject the wildcard for a credentialed EventSource, "+
			"withCredentials: true as htmx-ext-sse sends it; echo the exact origin)")
	case v != origin:
		out = append(out, fmt.Sprintf("Access-Control-Allow-Origin: %s does not allow %s", v, origin))
	}
	switch acac := h.Values("Access-Control-Allow-Credentials"); {
	case len(acac) == 0:
		out = append(out, "no Access-Control-Allow-Credentials: true (needed for withCredentials: true, htmx-ext-sse's default)")
	case len(acac) > 1 || strings.TrimSpace(acac[0]) != "true":
		out = append(out, fmt.Sprintf("Access-Control-Allow-Credentials: %q, want exactly true", strings.Join(acac, ", ")))
	}
	return out
}

func corsHeaders(h http.Header) map[string][]string {
	out := map[string][]string{}
	for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Vary"} {
		if vs := h.Values(k); len(vs) > 0 {
			out[k] = vs
		}
	}
	return out
}
