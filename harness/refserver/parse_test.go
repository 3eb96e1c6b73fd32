package refserver

import "strings"

// parsedEvent is what a spec-following client dispatches.
type parsedEvent struct {
	Type, Data, ID string
}

// parseStream interprets an event stream per the WHATWG processing model,
// so tests judge what a client sees, not only the bytes.
func parseStream(s string) (events []parsedEvent, comments []string) {
	var data strings.Builder
	var typ, lastID string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			break // an unterminated line is never processed
		}
		line := s[:i]
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
		switch {
		case line == "":
			if data.Len() > 0 {
				d := strings.TrimSuffix(data.String(), "\n")
				if typ == "" {
					typ = "message"
				}
				events = append(events, parsedEvent{Type: typ, Data: d, ID: lastID})
			}
			data.Reset()
			typ = ""
			continue
		case line[0] == ':':
			comments = append(comments, line[1:])
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "data":
			data.WriteString(value)
			data.WriteByte('\n')
		case "event":
			typ = value
		case "id":
			if !strings.ContainsRune(value, 0) {
				lastID = value
			}
		}
	}
	return events, comments
}
