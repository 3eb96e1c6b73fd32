package reports

import (
	"net/http"
	"net/url"
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
	Text   string  `json:"text"`
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

// ViewRecording renders a finished recording for the report.
func ViewRecording(rec *stream.Recording) Recording {
	v := Recording{
		URL: redact.URL(rec.URL), Proto: rec.Proto, Status: rec.Status, Header: redact.Header(rec.Header),
		HeadersMS: ms(rec.HeadersAt), End: string(rec.End), EndMS: ms(rec.EndAt),
		Bytes: rec.Bytes, Chunks: len(rec.Chunks),
	}
	if rec.Err != nil {
		v.Error = rec.Err.Error()
	}
	v.Redirects = redirects(rec)
	for i, c := range rec.Chunks {
		if i >= 2000 {
			break
		}
		v.ChunkTimes = append(v.ChunkTimes, ms(c.At))
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
		text, cut := l.Raw, 0
		if len(text) > maxLineText {
			cut = len(text) - maxLineText
			text = text[:maxLineText]
		}
		v.Wire = append(v.Wire, WireLine{MS: ms(l.At), Offset: l.Offset, Kind: string(l.Kind), Ending: string(l.Ending), Text: string(text), Cut: cut})
	}
	for i, e := range p.Events {
		if i >= maxEvents {
			v.EventsCut = len(p.Events) - maxEvents
			break
		}
		data := e.Data
		if len(data) > maxLineText {
			data = data[:maxLineText] + "…"
		}
		v.Events = append(v.Events, EventView{MS: ms(e.At), Type: e.Type, Data: data, ID: e.LastEventID})
	}
	return v
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
