package browser

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html"
	"regexp"
)

//go:embed recorder.js
var recorderJS string

// Page describes the generated htmx test page.
type Page struct {
	StreamURL string    // absolute URL of the SSE stream (sse-connect)
	Swaps     []Swap    // elements with sse-swap
	Close     string    // sse-close event name ("" = none)
	Triggers  []Trigger // elements with hx-trigger="sse:NAME" and hx-get
}

// Swap is an element that htmx-ext-sse swaps event data into.
type Swap struct {
	ID     string
	Names  string // the sse-swap value, e.g. "message" or "a, b"
	HXSwap string // hx-swap value, e.g. "textContent"; "" = htmx default (innerHTML)
}

// Trigger is an element whose hx-get fires on SSE event Event. GetURL must be
// on the page's origin: htmx 2 refuses other origins by default
// (htmx.config.selfRequestsOnly).
type Trigger struct {
	ID     string
	Event  string
	GetURL string
}

// HTML renders a self-contained page: htmx, the sse extension and the
// recorder inline (no other request than the stream and the triggers' GETs),
// and an hx-ext="sse" root carrying sse-connect. Every value from the caller
// is escaped.
func (p Page) HTML() []byte {
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>ssespec htmx page</title>\n")
	// An empty icon, so the browser does not ask the target for /favicon.ico.
	b.WriteString("<link rel=\"icon\" href=\"data:,\">\n")
	b.WriteString("<style>body{font:14px monospace;margin:12px}.el{border:1px solid #999;margin:6px 0;padding:4px;min-height:1.2em;white-space:pre-wrap}.lbl{color:#555}</style>\n")
	script(&b, string(HTMXJS))
	script(&b, string(HTMXSSEJS))
	script(&b, recorderJS)
	b.WriteString("</head><body>\n<h3>ssespec: htmx 2 + htmx-ext-sse</h3>\n")
	b.WriteString(`<div id="ssespec-root" hx-ext="sse" sse-connect="` + attr(p.StreamURL) + `"`)
	if p.Close != "" {
		b.WriteString(` sse-close="` + attr(p.Close) + `"`)
	}
	b.WriteString(">\n")
	b.WriteString(`<div class="lbl">stream ` + attr(p.StreamURL) + "</div>\n")
	for _, s := range p.Swaps {
		b.WriteString(`<div class="lbl">#` + attr(s.ID) + ` sse-swap="` + attr(s.Names) + `"`)
		if s.HXSwap != "" {
			b.WriteString(` hx-swap="` + attr(s.HXSwap) + `"`)
		}
		b.WriteString("</div>")
		b.WriteString(`<div class="el" id="` + attr(s.ID) + `" sse-swap="` + attr(s.Names) + `"`)
		if s.HXSwap != "" {
			b.WriteString(` hx-swap="` + attr(s.HXSwap) + `"`)
		}
		b.WriteString("></div>\n")
	}
	for _, t := range p.Triggers {
		trig := "sse:" + t.Event
		b.WriteString(`<div class="lbl">#` + attr(t.ID) + ` hx-trigger="` + attr(trig) + `" hx-get="` + attr(t.GetURL) + `"</div>`)
		b.WriteString(`<div class="el" id="` + attr(t.ID) + `" hx-trigger="` + attr(trig) + `" hx-get="` + attr(t.GetURL) + "\"></div>\n")
	}
	b.WriteString("</div>\n</body></html>\n")
	return b.Bytes()
}

// scriptEnd matches what would close an inline script element.
var scriptEnd = regexp.MustCompile(`(?i)</script`)

func attr(s string) string { return html.EscapeString(s) }

// script inlines JavaScript. "</script" would end the element early; in
// valid JS it can only occur inside a string, regexp or comment, where
// "<\/script" means the same.
func script(b *bytes.Buffer, js string) {
	js = scriptEnd.ReplaceAllStringFunc(js, func(m string) string { return `<\/` + m[2:] })
	b.WriteString("<script>")
	b.WriteString(js)
	b.WriteString("</script>\n")
}

// jsString quotes s as a JavaScript string literal (JSON is a subset).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
