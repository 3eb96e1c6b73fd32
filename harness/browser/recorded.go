package browser

import (
	"hash/fnv"
	"strings"
	"time"
)

// EventSource.readyState values.
const (
	ReadyConnecting = 0
	ReadyOpen       = 1
	ReadyClosed     = 2
)

// Recorded is what the page's recorder saw (window.__ssespec).
type Recorded struct {
	Events     []HTMXEvent
	ReadyState int           // of the newest EventSource; -1 before htmx made one
	Sources    int           // EventSources htmx created (more than 1: htmx reconnected itself)
	At         time.Duration // when the page took this state
	Dropped    int           // events the recorder did not keep: it keeps the first MaxRecorded messages (and as many others)
	Stalls     []Stall       // the page's own 50 ms ticks that ran late (the newest MaxStalls)
}

// Stall is one tick of the page's own 50 ms ticker that ran Late: the
// page's thread, where EventSource's reconnect timer runs too, was busy or
// not scheduled from At (the tick before) until At+TickInterval+Late.
type Stall struct {
	At   time.Duration
	Late time.Duration
}

// TickInterval and MaxStalls are the page ticker's period and how many
// late ticks the page keeps (recorder.js tickMs, maxStalls); ticks up to
// 10 ms late are not kept.
const (
	TickInterval = 50 * time.Millisecond
	MaxStalls    = 500
)

// StalledDuring is how long the page's thread was held up between from
// and to: the part of each late tick's delay that fell inside them.
func (r Recorded) StalledDuring(from, to time.Duration) time.Duration {
	var d time.Duration
	for _, s := range r.Stalls {
		lo, hi := max(s.At+TickInterval, from), min(s.At+TickInterval+s.Late, to)
		if hi > lo {
			d += hi - lo
		}
	}
	return d
}

// MaxRecorded is how many htmx:sseBeforeMessage/htmx:sseMessage events the
// page recorder keeps (recorder.js maxMessages), so a flood cannot grow the
// page without bound; as many again for those whose data has a suite nonce
// ("ssespec-"), so a flood cannot crowd them out. PreviewLen is how much of each string it keeps
// (maxPreview, in UTF-16 units): strings are compared by length and hash.
const (
	MaxRecorded = 1000
	PreviewLen  = 1024
)

// HTMXEvent is one htmx:sse* event, or a native "eventsource:open" /
// "eventsource:error" of an EventSource htmx created.
type HTMXEvent struct {
	Type        string // e.g. "htmx:sseMessage"
	DetailType  string // detail.type: the SSE event name; "message" for an sse-close
	Data        string // detail.data, its first PreviewLen UTF-16 units
	DataLen     int    // detail.data's length in UTF-8 bytes
	DataHash    uint32 // Hash of detail.data
	DataLines   int    // lines in detail.data (LF count + 1)
	LastEventID string // detail.lastEventId
	Target      string // id of the element the event fired on
	ReadyState  int    // of its EventSource, when it fired
	HTML        string // htmx:sseMessage only: the target's innerHTML right after the swap (preview)
	HTMLLen     int    // its length in UTF-8 bytes
	Text        string // htmx:sseMessage only: the target's textContent right after the swap (preview)
	TextLen     int    // its length in UTF-8 bytes
	TextHash    uint32 // Hash of the whole textContent
	At          time.Duration
}

// Hash is the hash the page recorder computes of a string: FNV-1a (32
// bit) of its UTF-8 bytes.
func Hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// TextIs reports whether the element's whole textContent after the swap
// was s (same UTF-8 length and hash).
func (e HTMXEvent) TextIs(s string) bool { return e.TextLen == len(s) && e.TextHash == Hash(s) }

// TextIsData reports whether the element's whole textContent after the
// swap was the event's whole data.
func (e HTMXEvent) TextIsData() bool { return e.TextLen == e.DataLen && e.TextHash == e.DataHash }

// DataIs reports whether the event's whole data was s.
func (e HTMXEvent) DataIs(s string) bool { return e.DataLen == len(s) && e.DataHash == Hash(s) }

// MultiLine reports whether the event's data has more than one line.
func (e HTMXEvent) MultiLine() bool { return e.DataLines > 1 || strings.Contains(e.Data, "\n") }

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
// Events are those from index From of the recorder named Epoch.
type recordedJSON struct {
	Epoch  string `json:"epoch"`
	From   int    `json:"from"`
	Events []struct {
		Type        string  `json:"type"`
		DetailType  string  `json:"detailType"`
		Data        string  `json:"data"`
		DataLen     int     `json:"dataLen"`
		DataHash    uint32  `json:"dataHash"`
		DataLines   int     `json:"dataLines"`
		LastEventID string  `json:"lastEventId"`
		Target      string  `json:"target"`
		ReadyState  int     `json:"readyState"`
		HTML        string  `json:"html"`
		HTMLLen     int     `json:"htmlLen"`
		Text        string  `json:"text"`
		TextLen     int     `json:"textLen"`
		TextHash    uint32  `json:"textHash"`
		At          float64 `json:"at"`
	} `json:"events"`
	ReadyState int          `json:"readyState"`
	Sources    int          `json:"sources"`
	Dropped    int          `json:"dropped"`
	Stalls     [][2]float64 `json:"stalls"` // [at, late ms]
	At         float64      `json:"at"`
}

// convert places page times on the tab's time line. Both clocks are this
// machine's wall clock, so the error is well under a millisecond.
func (j recordedJSON) convert(opened time.Time) Recorded {
	base := float64(opened.UnixNano()) / 1e6
	r := Recorded{ReadyState: j.ReadyState, Sources: j.Sources, Dropped: j.Dropped, Events: make([]HTMXEvent, 0, len(j.Events)),
		At: time.Duration((j.At - base) * float64(time.Millisecond))}
	for _, s := range j.Stalls {
		r.Stalls = append(r.Stalls, Stall{At: time.Duration((s[0] - base) * float64(time.Millisecond)), Late: time.Duration(s[1] * float64(time.Millisecond))})
	}
	for _, e := range j.Events {
		r.Events = append(r.Events, HTMXEvent{
			Type: e.Type, DetailType: e.DetailType, Data: e.Data, DataLen: e.DataLen, DataHash: e.DataHash, DataLines: e.DataLines,
			LastEventID: e.LastEventID, Target: e.Target, ReadyState: e.ReadyState,
			HTML: e.HTML, HTMLLen: e.HTMLLen, Text: e.Text, TextLen: e.TextLen, TextHash: e.TextHash,
			At: time.Duration((e.At - base) * float64(time.Millisecond)),
		})
	}
	return r
}
