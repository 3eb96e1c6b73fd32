package refserver

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Event is one event to broadcast. An empty Event name means the client
// sees type "message"; an empty ID asks Publish to assign one.
type Event struct {
	Event string `json:"event"`
	Data  string `json:"data"`
	ID    string `json:"id"`
}

// ErrInvalidEvent wraps every reason Publish refuses an event.
var ErrInvalidEvent = errors.New("refserver: invalid event")

// validate refuses what cannot be framed faithfully. Data never needs
// refusing: its line breaks become separate data: lines.
func (ev Event) validate() error {
	switch {
	case strings.ContainsAny(ev.Event, "\r\n"):
		return fmt.Errorf("%w: event name contains CR or LF, which would end the event: line and inject a field", ErrInvalidEvent)
	case strings.ContainsAny(ev.ID, "\r\n"):
		return fmt.Errorf("%w: id contains CR or LF, which would end the id: line and inject a field", ErrInvalidEvent)
	case strings.ContainsRune(ev.ID, 0):
		return fmt.Errorf("%w: id contains NUL, so clients would ignore it (and Last-Event-ID could not carry it)", ErrInvalidEvent)
	case !utf8.ValidString(ev.Event) || !utf8.ValidString(ev.ID) || !utf8.ValidString(ev.Data):
		return fmt.Errorf("%w: not valid UTF-8; event streams are always UTF-8", ErrInvalidEvent)
	}
	return nil
}

// encodeFrame renders ev (whose ID is final) as one whole event:
// id, event (omitted when empty), one data line per payload line, blank line.
// Every field gets exactly one space after the colon so that a value's own
// leading space survives the parser stripping one.
func encodeFrame(ev Event) []byte {
	b := make([]byte, 0, len(ev.ID)+len(ev.Event)+len(ev.Data)+32)
	if ev.ID != "" {
		b = append(b, "id: "...)
		b = append(b, ev.ID...)
		b = append(b, '\n')
	}
	if ev.Event != "" {
		b = append(b, "event: "...)
		b = append(b, ev.Event...)
		b = append(b, '\n')
	}
	b = appendData(b, ev.Data)
	return append(b, '\n')
}

// appendData splits data on CRLF, CR and LF, the three line endings a client
// recognises, so none reaches the wire raw; the client rejoins with LF. An
// empty payload still yields one data line, so the event fires.
func appendData(b []byte, data string) []byte {
	for {
		i := strings.IndexAny(data, "\r\n")
		if i < 0 {
			b = append(b, "data: "...)
			b = append(b, data...)
			return append(b, '\n')
		}
		b = append(b, "data: "...)
		b = append(b, data[:i]...)
		b = append(b, '\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
}
