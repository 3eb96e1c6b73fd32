package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/ssespec/ssespec/harness/stream"
)

// Evidence keys with their own rendering; any other key is shown as JSON.
const (
	evRecording  = "recording"  // name of a Recording in Report.Recordings
	evRecordings = "recordings" // list of such names
	evLatency    = "latency_ms" // series name → per-event latencies in ms (or one list)
	evBudget     = "budget_ms"  // a latency budget line, with latency_ms
	evScreenshot = "screenshot" // base64 PNG
	evBrowserLog = "browser_log"
)

type evidenceView struct {
	Recordings []*recordingView
	Latency    *latencyView
	Screenshot *screenshotView
	BrowserLog []string
	Other      []otherEvidence
}

type otherEvidence struct {
	Key, JSON string
	Block     bool // multi-line: shown as a block
}

type screenshotView struct {
	URL     template.URL // data:image/png;base64, re-encoded from validated bytes
	Size    string
	Problem string // why the value is shown as text instead
	Text    string
}

// recordingView is one recording as one check shows it. The wire log and
// events (the bulk) are rendered once, in the first failing check that
// references the recording (else the first); other checks show its status,
// headers and timeline and link there.
type recordingView struct {
	Name, Anchor, Summary string
	Missing               bool
	Rec                   *Recording
	Headers               []headerRow
	Timeline              *timelineView
	Full                  bool
	FullAnchor, FullCheck string
	Wire                  []wireRow
	Events                []eventRow
}

type headerRow struct {
	Name  string
	Value []seg
}

type wireRow struct {
	MS, Offset, Kind, KindClass, Ending string
	Name, Rest                          []seg
	Cut                                 int
}

type eventRow struct {
	N                 int
	MS, Type, ID      string
	Data              []seg
	DefaultType, NoID bool
}

type evidenceBuilder struct {
	r       *Report
	ids     *anchors
	shared  map[string]*recordingView // per recording: the parts every check shows
	host    map[string]*checkView     // per recording: the check holding the full rendering
	anchors map[string]string
}

func newEvidenceBuilder(r *Report, ids *anchors) *evidenceBuilder {
	return &evidenceBuilder{r: r, ids: ids, shared: map[string]*recordingView{}, host: map[string]*checkView{}, anchors: map[string]string{}}
}

func (b *evidenceBuilder) build(areas []*areaView) {
	type pending struct {
		c   *checkView
		ev  map[string]any
		rec []string
	}
	var all []pending
	for _, a := range areas {
		for _, c := range a.Checks {
			ev := normalizeEvidence(c.Result.Evidence)
			names := recordingNames(ev)
			for _, n := range names {
				if h := b.host[n]; h == nil || (!h.Open && c.Open) {
					b.host[n] = c
				}
			}
			all = append(all, pending{c, ev, names})
		}
	}
	for _, p := range all {
		p.c.Evidence = b.evidence(p.c, p.ev, p.rec)
	}
}

// normalizeEvidence brings in-process Go values and values decoded from
// report.json to one shape: what encoding/json decodes into any.
func normalizeEvidence(ev map[string]any) map[string]any {
	out := make(map[string]any, len(ev))
	for k, v := range ev {
		switch v := v.(type) { // strings as they are: JSON would replace invalid UTF-8
		case string:
			out[k] = v
			continue
		case []string:
			list := make([]any, len(v))
			for i, s := range v {
				list[i] = s
			}
			out[k] = list
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			out[k] = fmt.Sprintf("%v", v)
			continue
		}
		var x any
		if json.Unmarshal(b, &x) != nil {
			x = string(b)
		}
		out[k] = x
	}
	return out
}

func recordingNames(ev map[string]any) []string {
	var names []string
	if n, ok := ev[evRecording].(string); ok {
		names = append(names, n)
	}
	if list, ok := ev[evRecordings].([]any); ok {
		for _, v := range list {
			if n, ok := v.(string); ok && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

func (b *evidenceBuilder) evidence(c *checkView, ev map[string]any, recs []string) evidenceView {
	var v evidenceView
	used := map[string]bool{}
	if _, ok := ev[evRecording].(string); ok {
		used[evRecording] = true
	}
	if _, ok := ev[evRecordings].([]any); ok {
		used[evRecordings] = true
	}
	for _, n := range recs {
		v.Recordings = append(v.Recordings, b.recording(n, b.host[n] == c))
	}
	if lat, ok := latencySeries(ev[evLatency]); ok {
		budget, hasBudget := ev[evBudget].(float64)
		v.Latency = newLatencyView(lat, budget, hasBudget && budget > 0 && !math.IsInf(budget, 0))
		used[evLatency] = true
		used[evBudget] = hasBudget
	}
	if s, ok := ev[evScreenshot].(string); ok {
		v.Screenshot = newScreenshot(s)
		used[evScreenshot] = true
	}
	switch log := ev[evBrowserLog].(type) {
	case []any:
		for _, l := range log {
			s, ok := l.(string)
			if !ok {
				s = compactJSON(l)
			}
			v.BrowserLog = append(v.BrowserLog, s)
		}
		used[evBrowserLog] = true
	case string:
		v.BrowserLog = strings.Split(strings.TrimRight(log, "\n"), "\n")
		used[evBrowserLog] = true
	}
	for _, k := range sortedKeys(ev, nil) {
		if used[k] {
			continue
		}
		s := compactJSON(ev[k])
		if len(s) > 100 {
			s = prettyJSON(ev[k])
		}
		v.Other = append(v.Other, otherEvidence{Key: k, JSON: s, Block: len(s) > 100})
	}
	return v
}

func (b *evidenceBuilder) recording(name string, full bool) *recordingView {
	sh := b.shared[name]
	if sh == nil {
		sh = b.sharedRecording(name)
		b.shared[name] = sh
	}
	v := *sh
	if sh.Missing {
		return &v
	}
	v.Full = full
	v.FullCheck = b.host[name].ID
	v.FullAnchor = b.anchors[name]
	if v.FullAnchor == "" {
		v.FullAnchor = b.ids.get("rec-" + b.host[name].Anchor)
		b.anchors[name] = v.FullAnchor
	}
	if full {
		v.Anchor = v.FullAnchor
		v.Wire, v.Events = wireRows(sh.Rec), eventRows(sh.Rec)
	}
	return &v
}

func (b *evidenceBuilder) sharedRecording(name string) *recordingView {
	rec, ok := b.r.Recordings[name]
	if !ok {
		return &recordingView{Name: name, Missing: true}
	}
	v := &recordingView{Name: name, Rec: &rec}
	if !capturedRec(&rec) { // a capture has no times to draw
		v.Timeline = newTimeline(&rec)
	}
	for _, k := range sortedKeys(rec.Header, nil) {
		for _, val := range rec.Header[k] {
			v.Headers = append(v.Headers, headerRow{Name: plain(k), Value: visible(val, true)})
		}
	}
	parts := []string{}
	if rec.Status != 0 {
		parts = append(parts, fmt.Sprint(rec.Status))
	}
	if rec.Proto != "" {
		parts = append(parts, shorten(plain(rec.Proto), 24))
	}
	parts = append(parts, plural(len(rec.Wire)+rec.WireCut, "line"), plural(len(rec.Events)+rec.EventsCut, "event"), fmtBytes(rec.Bytes))
	if capturedRec(&rec) {
		parts = append(parts, "a capture, judged offline: no arrival times")
	} else if rec.End != "" {
		parts = append(parts, "ended "+shorten(plain(rec.End), 24)+" at "+fmtMS(rec.EndMS))
	}
	v.Summary = strings.Join(parts, " · ")
	return v
}

// capturedRec reports whether rec was made from a capture (ssespec judge),
// whose lines and events have no arrival times.
func capturedRec(rec *Recording) bool { return rec.End == string(stream.EndCapture) }

// msCell is a wire-log or event time, or "–" in a capture.
func msCell(rec *Recording, ms float64) string {
	if capturedRec(rec) {
		return "–"
	}
	return fmt.Sprintf("%.1f", ms)
}

var kindClasses = map[string]bool{"field": true, "comment": true, "blank": true}

func wireRows(rec *Recording) []wireRow {
	rows := make([]wireRow, 0, len(rec.Wire))
	for _, l := range rec.Wire {
		w := wireRow{MS: msCell(rec, l.MS), Offset: fmt.Sprint(l.Offset), Kind: shorten(plain(l.Kind), 10), KindClass: "other", Ending: shorten(endingMark(l.Ending), 6), Cut: l.Cut}
		if kindClasses[l.Kind] {
			w.KindClass = l.Kind
		}
		if strings.Contains(l.Text, cutMark) {
			w.Cut = 0 // the text says it (reports before Cut only counted)
		}
		text := l.Text
		if name, rest, ok := strings.Cut(text, ":"); ok && l.Kind == "field" {
			w.Name, text = visible(name, true), ":"+rest
		}
		w.Rest = visible(text, true)
		rows = append(rows, w)
	}
	return rows
}

func eventRows(rec *Recording) []eventRow {
	rows := make([]eventRow, 0, len(rec.Events))
	for i, e := range rec.Events {
		rows = append(rows, eventRow{
			N: i + 1, MS: msCell(rec, e.MS), Type: plain(e.Type), ID: plain(e.ID),
			Data: visible(e.Data, false), DefaultType: e.Type == "message", NoID: e.ID == "",
		})
	}
	return rows
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

func newScreenshot(s string) *screenshotView {
	s = strings.TrimPrefix(strings.TrimSpace(s), "data:image/png;base64,")
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(s)
	}
	text := s
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	switch {
	case err != nil:
		return &screenshotView{Problem: "not base64", Text: text}
	case !bytes.HasPrefix(raw, pngSignature):
		return &screenshotView{Problem: "not a PNG image", Text: text}
	}
	// Re-encoded from the decoded bytes: the URL holds only base64 characters.
	return &screenshotView{
		URL:  template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(raw)),
		Size: fmtBytes(int64(len(raw))),
	}
}

func prettyJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // html/template escapes; keep the JSON readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimRight(buf.String(), "\n")
}

func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimRight(buf.String(), "\n")
}
