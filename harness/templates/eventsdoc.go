package templates

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// EventsDoc reads a project's channel document (a docs/SSE_EVENTS.md) and
// returns the event names it documents, each with where. It reads:
//
//   - Markdown tables whose first header cell names the event ("Event",
//     "Event name", "Name", "Type"): the first cell of each row, with its
//     `code` and **bold** marks removed;
//   - list items under a heading (or a bold line) that mentions events,
//     starting with a `code` name: "- **`installed`** - Demo was installed".
//
// Other tables and lists (endpoints, query parameters) are ignored. A file
// that documents no event name is an error: the flag would judge nothing.
func EventsDoc(path string) (map[string][]Location, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxFileSize)
	}
	names := map[string][]Location{}
	add := func(name string, line int, attr string) {
		if name != "" {
			names[name] = append(names[name], Location{File: path, Line: line, Attr: attr})
		}
	}
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	section := ""    // the last heading or bold line
	inTable := false // inside a table whose first column is the event name
	for i := 0; i < len(lines); i++ {
		ln := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(ln, "|"):
			cells := tableCells(ln)
			if i+1 < len(lines) && tableSep.MatchString(strings.TrimSpace(lines[i+1])) {
				inTable = len(cells) > 0 && eventHeader.MatchString(cells[0])
				i++ // the separator row
				continue
			}
			if inTable && len(cells) > 0 {
				add(docName(cells[0]), i+1, "table")
			}
			continue
		case strings.HasPrefix(ln, "#") || boldLine.MatchString(ln):
			section = ln
		case strings.Contains(strings.ToLower(section), "event"):
			if m := listName.FindStringSubmatch(ln); m != nil {
				add(m[1], i+1, "list")
			}
		}
		inTable = false
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s documents no event name (looked for a table whose first column is the event name, and `name` list items under an events heading)", path)
	}
	return names, nil
}

var (
	tableSep    = regexp.MustCompile(`^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$`)
	eventHeader = regexp.MustCompile(`(?i)\b(event|name|type)`)
	boldLine    = regexp.MustCompile(`^\*\*[^*]+\*\*:?$`)
	listName    = regexp.MustCompile("^[-*+]\\s+(?:\\*\\*)?`([^`]+)`")
)

func tableCells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	cells := strings.Split(row, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// docName is a table cell's event name: `name`, **name** or plain name.
func docName(cell string) string {
	cell = strings.Trim(cell, "*_ ")
	if m := regexp.MustCompile("^`([^`]+)`").FindStringSubmatch(cell); m != nil {
		return m[1]
	}
	if strings.ContainsAny(cell, " \t") {
		return "" // prose, not a name
	}
	return strings.Trim(cell, "`")
}
