package browser

import "time"

// EventSource.readyState values.
const (
	ReadyConnecting = 0
	ReadyOpen       = 1
	ReadyClosed     = 2
)

// Recorded is what the page's recorder saw (window.__ssespec).
type Recorded struct {
	Events     []HTMXEvent
	ReadyState int // of the newest EventSource; -1 before htmx made one
	Sources    int // EventSources htmx created (more than 1: htmx reconnected itself)
}

// HTMXEvent is one htmx:sse* event, or a native "eventsource:open" /
// "eventsource:error" of an EventSource htmx created.
type HTMXEvent struct {
	Type        string // e.g. "htmx:sseMessage"
	DetailType  string // detail.type: the SSE event name; "message" for an sse-close
	Data        string // detail.data
	LastEventID string // detail.lastEventId
	Target      string // id of the element the event fired on
	ReadyState  int    // of its EventSource, when it fired
	HTML        string // htmx:sseMessage only: the target's innerHTML right after the swap (first 64 Ki UTF-16 units)
	Text        string // htmx:sseMessage only: the target's textContent right after the swap (same cap)
	At          time.Duration
}

// Count returns how many events of the type were recorded.
func (r Recorded) Count(typ string) int {
	n := 0
	for _, e := range r.Events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// OfType returns the events of the type, in order.
func (r Recorded) OfType(typ string) []HTMXEvent {
	var out []HTMXEvent
	for _, e := range r.Events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// recordedJSON mirrors recorder.js's snapshot(); at is epoch milliseconds.
type recordedJSON struct {
	Events []struct {
		Type        string  `json:"type"`
		DetailType  string  `json:"detailType"`
		Data        string  `json:"data"`
		LastEventID string  `json:"lastEventId"`
		Target      string  `json:"target"`
		ReadyState  int     `json:"readyState"`
		HTML        string  `json:"html"`
		Text        string  `json:"text"`
		At          float64 `json:"at"`
	} `json:"events"`
	ReadyState int `json:"readyState"`
	Sources    int `json:"sources"`
}

// convert places page times on the tab's time line. Both clocks are this
// machine's wall clock, so the error is well under a millisecond.
func (j recordedJSON) convert(opened time.Time) Recorded {
	r := Recorded{ReadyState: j.ReadyState, Sources: j.Sources, Events: make([]HTMXEvent, 0, len(j.Events))}
	base := float64(opened.UnixNano()) / 1e6
	for _, e := range j.Events {
		r.Events = append(r.Events, HTMXEvent{
			Type: e.Type, DetailType: e.DetailType, Data: e.Data, LastEventID: e.LastEventID,
			Target: e.Target, ReadyState: e.ReadyState, HTML: e.HTML, Text: e.Text,
			At: time.Duration((e.At - base) * float64(time.Millisecond)),
		})
	}
	return r
}
