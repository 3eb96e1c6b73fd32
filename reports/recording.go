package reports

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/internal/redact"
)

// Wire logs are capped so a 64 MiB recording does not make a 64 MiB report.
const (
	maxWireLines = 400
	maxLineText  = 2048
	maxEvents    = 200
)

// Recording is a stream as the report shows it: headers, a timestamped wire
// log of lines, and the dispatched events.
type Recording struct {
	URL        string      `json:"url"`
	Redirects  []Redirect  `json:"redirects,omitempty"` // hops the request followed, in order
	Proto      string      `json:"proto,omitempty"`
	Status     int         `json:"status"`
	Header     http.Header `json:"headers,omitempty"`
	HeadersCut int         `json:"headers_truncated,omitempty"` // header lines left out
	HeadersMS  float64     `json:"headers_ms"`
	End        string      `json:"end"`
	EndMS      float64     `json:"end_ms"`
	Error      string      `json:"error,omitempty"`
	Bytes      int64       `json:"bytes"`
	Chunks     int         `json:"chunks"`
	Wire       []WireLine  `json:"wire"`
	WireCut    int         `json:"wire_truncated,omitempty"` // lines left out
	Events     []EventView `json:"events"`
	EventsCut  int         `json:"events_truncated,omitempty"`
	ChunkTimes []float64   `json:"chunk_ms"` // arrival of each read, for the timeline
}

// Redirect is one hop a request followed. CrossOrigin hops got none of the
// user's headers (stream.FollowRedirect) and are listed in Report.Warnings.
type Redirect struct {
	To          string `json:"to"`
	CrossOrigin bool   `json:"cross_origin,omitempty"`
}

// WireLine is one received line. Text is the raw bytes as a (lossy) string;
// the HTML report escapes it.
type WireLine struct {
	MS     float64 `json:"ms"`
	Offset int64   `json:"offset"`
	Kind   string  `json:"kind"`
	Ending string  `json:"ending"`
	Text   string  `json:"text"`          // cut to 2048 bytes with a marker (Cut)
	Cut    int     `json:"cut,omitempty"` // bytes left out of Text
}

// EventView is one dispatched event.
type EventView struct {
	MS   float64 `json:"ms"`
	Type string  `json:"type"`
	Data string  `json:"data"`
	ID   string  `json:"last_event_id"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ViewRecording renders a finished recording for the report. Every value
// the target chose is cut to MaxValue (Cut).
func ViewRecording(rec *stream.Recording) Recording { return viewRecording(rec, &cutter{}) }

func viewRecording(rec *stream.Recording, c *cutter) Recording {
	v := Recording{
		URL: redact.URL(rec.URL), Proto: c.cut("recordings.proto", rec.Proto, 64), Status: rec.Status,
		HeadersMS: ms(rec.HeadersAt), End: string(rec.End), EndMS: ms(rec.EndAt),
		Bytes: rec.Bytes, Chunks: len(rec.Chunks),
	}
	v.Header, v.HeadersCut = viewHeader(redact.Header(rec.Header), c)
	if rec.Err != nil {
		v.Error = c.cut("recordings.error", rec.Err.Error(), MaxValue)
	}
	v.Redirects = redirects(rec)
	for i := range v.Redirects {
		v.Redirects[i].To = c.cut("recordings.redirects", v.Redirects[i].To, MaxValue)
	}
	for i, ch := range rec.Chunks {
		if i >= 2000 {
			break
		}
		v.ChunkTimes = append(v.ChunkTimes, ms(ch.At))
	}
	p := rec.Parse
	if p == nil {
		return v
	}
	for i, l := range p.Lines {
		if i >= maxWireLines {
			v.WireCut = len(p.Lines) - maxWireLines
			break
		}
		text, cut := c.cut("recordings.wire", string(l.Raw), maxLineText), 0
		if len(l.Raw) > maxLineText {
			cut = len(l.Raw) - maxLineText
		}
		v.Wire = append(v.Wire, WireLine{MS: ms(l.At), Offset: l.Offset, Kind: string(l.Kind), Ending: string(l.Ending), Text: text, Cut: cut})
	}
	for i, e := range p.Events {
		if i >= maxEvents {
			v.EventsCut = len(p.Events) - maxEvents
			break
		}
		v.Events = append(v.Events, EventView{MS: ms(e.At),
			Type: c.cut("recordings.events.type", e.Type, MaxValue),
			Data: c.cut("recordings.events.data", e.Data, MaxValue),
			ID:   c.cut("recordings.events.last_event_id", e.LastEventID, MaxValue)})
	}
	return v
}

// viewHeader cuts names and values and lists at most maxHeaders lines,
// in name order; it returns how many lines it left out.
func viewHeader(h http.Header, c *cutter) (http.Header, int) {
	if h == nil {
		return nil, 0
	}
	names := slices.Sorted(maps.Keys(h))
	out, kept, left := http.Header{}, 0, 0
	for _, k := range names {
		for _, val := range h[k] {
			if kept >= maxHeaders {
				left++
				continue
			}
			kept++
			name := c.cut("recordings.headers", k, MaxValue)
			out[name] = append(out[name], c.cut("recordings.headers", val, MaxValue))
		}
	}
	if left > 0 {
		c.mark("recordings.headers_truncated")
	}
	return out, left
}

// redirects lists rec's hops, each marked when it left the origin of the
// hop before it.
func redirects(rec *stream.Recording) []Redirect {
	var out []Redirect
	from, _ := url.Parse(rec.URL)
	for _, to := range rec.Redirects {
		u, err := url.Parse(to)
		cross := err != nil || from == nil || !stream.SameOrigin(from, u)
		out = append(out, Redirect{To: redact.URL(to), CrossOrigin: cross})
		from = u
	}
	return out
}
