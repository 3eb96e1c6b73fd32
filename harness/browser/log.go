package browser

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

// Log is what DevTools reported for a tab. At fields are the browser's own
// timestamps of the events, relative to the tab's open (see collector.at).
type Log struct {
	Requests  []Request  // every request the page made (Type tells which)
	Responses []Response // response headers received
	Messages  []Message  // Network.eventSourceMessageReceived
	Finished  []Finished // Network.loadingFinished (e.g. a 200 stream the server ended)
	Failures  []Failure  // Network.loadingFailed (e.g. canceled by EventSource.close)
	Console   []string   // console calls, uncaught exceptions, browser log entries

	// Messages past MaxMessages or MaxMessageBytes are not kept (a flood
	// must not grow memory without bound, as the harness caps its
	// recordings), except those with a suite nonce ("ssespec-"), which have
	// a bound of their own. DroppedAt is when the first was dropped.
	Dropped   int
	DroppedAt time.Duration
}

// Bounds on a tab's kept Messages.
const (
	MaxMessages     = 10000
	MaxMessageBytes = 16 << 20
	maxTagged       = 1000
)

// Resource types as DevTools names them (Request.Type).
const (
	TypeEventSource = string(network.ResourceTypeEventSource)
	TypeXHR         = string(network.ResourceTypeXHR)
	TypeFetch       = string(network.ResourceTypeFetch)
	TypeDocument    = string(network.ResourceTypeDocument)
)

// Request is one Network.requestWillBeSent, joined with the raw headers of
// Network.requestWillBeSentExtraInfo: only those show Last-Event-ID.
type Request struct {
	ID      string
	URL     string
	Method  string
	Type    string            // TypeEventSource, TypeXHR, ...
	Headers map[string]string // as sent on the wire; nil until ExtraInfo arrives
	At      time.Duration
}

// Header returns a request header, matching its name case-insensitively.
func (r Request) Header(name string) (string, bool) {
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// Response is one Network.responseReceived.
type Response struct {
	RequestID string
	URL       string
	Status    int
	MimeType  string
	At        time.Duration
}

// Message is one event the browser's EventSource parser dispatched.
type Message struct {
	RequestID string
	EventName string // "message" for unnamed events
	EventID   string
	Data      string
	At        time.Duration
}

// Finished is one Network.loadingFinished.
type Finished struct {
	RequestID string
	At        time.Duration
}

// Failure is one Network.loadingFailed.
type Failure struct {
	RequestID string
	Type      string
	ErrorText string
	Canceled  bool
	At        time.Duration
}

// OfType returns the requests of one resource type, e.g. TypeEventSource.
func (l Log) OfType(typ string) []Request {
	var out []Request
	for _, r := range l.Requests {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// collector gathers a tab's DevTools events. onEvent runs on chromedp's read
// loop, so it only appends under the lock and never blocks or calls DevTools.
type collector struct {
	opened time.Time
	mu     sync.Mutex
	log    Log
	extra  map[string]map[string]string // ExtraInfo that came before its request
	// monoToWall maps DevTools' monotonic seconds to Unix seconds; learnt
	// from requestWillBeSent, which carries both clocks. The navigation's
	// request comes first, so every later network event can be mapped.
	monoToWall float64
	mapped     bool
	msgBytes   int // data bytes of kept untagged messages
	tagged     int // kept messages with a suite nonce
}

// at places a DevTools monotonic timestamp on the tab's time line. The
// browser's timestamps are used rather than the time the harness read the
// event, so delivery delays on a busy machine do not skew measured gaps.
func (c *collector) at(ts cdp.MonotonicTime, received time.Duration) time.Duration {
	if !c.mapped || ts == 0 {
		return received
	}
	return c.wall(float64(ts) + c.monoToWall)
}

// wall converts Unix seconds to the tab's time line.
func (c *collector) wall(unixSeconds float64) time.Duration {
	return time.Duration(unixSeconds*1e9) - time.Duration(c.opened.UnixNano())
}

func (c *collector) snapshot() Log {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.log
	// Copy slices (and header maps, which ExtraInfo may still fill) so the
	// caller's snapshot never changes under it.
	l.Requests = slices.Clone(l.Requests)
	for i := range l.Requests {
		if h := l.Requests[i].Headers; h != nil {
			l.Requests[i].Headers = make(map[string]string, len(h))
			for k, v := range h {
				l.Requests[i].Headers[k] = v
			}
		}
	}
	l.Responses = slices.Clone(l.Responses)
	l.Messages = slices.Clone(l.Messages)
	l.Finished = slices.Clone(l.Finished)
	l.Failures = slices.Clone(l.Failures)
	l.Console = slices.Clone(l.Console)
	return l
}

func (c *collector) onEvent(ev any) {
	received := time.Since(c.opened)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.WallTime != 0 && e.Timestamp != 0 {
			c.monoToWall, c.mapped = float64(e.WallTime)-float64(e.Timestamp), true
		}
		r := Request{ID: string(e.RequestID), Type: string(e.Type), At: c.at(e.Timestamp, received)}
		if e.Request != nil {
			r.URL, r.Method = e.Request.URL, e.Request.Method
		}
		if h, ok := c.extra[r.ID]; ok {
			r.Headers = h
			delete(c.extra, r.ID)
		}
		c.log.Requests = append(c.log.Requests, r)
	case *network.EventRequestWillBeSentExtraInfo:
		h := headers(e.Headers)
		// ExtraInfo may arrive before or after its requestWillBeSent; a
		// redirect reuses the ID, so fill the newest request without headers.
		for i := len(c.log.Requests) - 1; i >= 0; i-- {
			if r := &c.log.Requests[i]; r.ID == string(e.RequestID) && r.Headers == nil {
				r.Headers = h
				return
			}
		}
		if c.extra == nil {
			c.extra = map[string]map[string]string{}
		}
		c.extra[string(e.RequestID)] = h
	case *network.EventResponseReceived:
		r := Response{RequestID: string(e.RequestID), At: c.at(e.Timestamp, received)}
		if e.Response != nil {
			r.URL, r.Status, r.MimeType = e.Response.URL, int(e.Response.Status), e.Response.MimeType
		}
		c.log.Responses = append(c.log.Responses, r)
	case *network.EventEventSourceMessageReceived:
		m := Message{RequestID: string(e.RequestID), EventName: e.EventName, EventID: e.EventID, Data: e.Data, At: c.at(e.Timestamp, received)}
		if strings.Contains(m.Data, "ssespec-") && c.tagged < maxTagged {
			c.tagged++
		} else if len(c.log.Messages)-c.tagged >= MaxMessages || c.msgBytes+len(m.Data) > MaxMessageBytes {
			if c.log.Dropped == 0 {
				c.log.DroppedAt = m.At
			}
			c.log.Dropped++
			return
		} else {
			c.msgBytes += len(m.Data)
		}
		c.log.Messages = append(c.log.Messages, m)
	case *network.EventLoadingFinished:
		c.log.Finished = append(c.log.Finished, Finished{RequestID: string(e.RequestID), At: c.at(e.Timestamp, received)})
	case *network.EventLoadingFailed:
		c.log.Failures = append(c.log.Failures, Failure{
			RequestID: string(e.RequestID), Type: string(e.Type), ErrorText: e.ErrorText, Canceled: e.Canceled, At: c.at(e.Timestamp, received),
		})
	case *runtime.EventConsoleAPICalled:
		args := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			args = append(args, remoteText(a))
		}
		c.log.Console = append(c.log.Console, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
	case *runtime.EventExceptionThrown:
		if d := e.ExceptionDetails; d != nil {
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			c.log.Console = append(c.log.Console, "exception: "+text)
		}
	case *cdplog.EventEntryAdded:
		if en := e.Entry; en != nil {
			s := fmt.Sprintf("log.%s %s: %s", en.Level, en.Source, en.Text)
			if en.URL != "" {
				s += " (" + en.URL + ")"
			}
			c.log.Console = append(c.log.Console, s)
		}
	}
}

// headers flattens DevTools headers (values are JSON strings; repeated
// headers arrive joined with "\n").
func headers(h network.Headers) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if s, ok := v.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// remoteText renders a console argument: strings as they are, other values
// by their JSON or DevTools description.
func remoteText(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		var s string
		if err := json.Unmarshal(o.Value, &s); err == nil {
			return s
		}
		return string(o.Value)
	}
	if o.Description != "" {
		return o.Description
	}
	return string(o.Type)
}
