// Package suite is the glue between the harness and the checks: the check
// registry and its labels, the run (Run: all of one run's state, reached by
// the checks through their context) and the executor both runners share
// (Run.Execute), the run configuration, verdict helpers and the recordings
// several checks share.
package suite

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Level is how strongly the sources require a check.
type Level string

const (
	MUST   Level = "MUST"
	SHOULD Level = "SHOULD"
	BP     Level = "BP"
)

// Mode is what the suite needs from the target to run a check.
type Mode string

const (
	Observe Mode = "observe" // only a stream URL
	Publish Mode = "publish" // the suite can make the target emit events
	Proxy   Mode = "proxy"   // the suite is the origin behind the target proxy
	Browser Mode = "browser" // headless Chromium with htmx
)

// Meta describes one check; every check carries exactly one catalog ID.
type Meta struct {
	ID          string // e.g. SSE-FRAME-005, stable forever
	Title       string // one line, what is checked
	Level       Level
	Requirement string // the requirement or the quoted spec sentence
	Source      string // html, reg, wpt:NAME or bug (see docs/checks.md)
	Modes       []Mode
	Slow        bool // long-running; only with --slow
	// Tolerates says which correct servers unlike the reference this check
	// passes (per-connection data, comments anywhere, headers held until the
	// first event, …): the user's guard against reading a verdict too
	// strictly. Optional; shown in docs/checks.md.
	Tolerates string
	// Offline says what the check judges of a capture (ssespec judge);
	// "" means it needs a live target and skips offline. Shown in
	// docs/checks.md.
	Offline Offline
}

// Area is the catalog area, the ID's middle part (HTTP, FRAME, ...).
func (m Meta) Area() string {
	parts := strings.Split(m.ID, "-")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

// SpecURL links the check's source for the report.
func (m Meta) SpecURL() string {
	switch {
	case strings.HasPrefix(m.Source, "wpt:"):
		return "https://github.com/web-platform-tests/wpt/tree/master/eventsource/" + strings.TrimPrefix(m.Source, "wpt:")
	case m.Source == "reg":
		return "https://html.spec.whatwg.org/multipage/iana.html#text/event-stream"
	case m.Source == "bug":
		return "https://github.com/ssespec/ssespec/blob/main/docs/real-world-faults.md#" + strings.ToLower(m.ID)
	default:
		return "https://html.spec.whatwg.org/multipage/server-sent-events.html"
	}
}

// Labels are the Ginkgo labels that make the check selectable.
func (m Meta) Labels() []string {
	ls := []string{"id:" + m.ID, "level:" + string(m.Level), "area:" + m.Area()}
	for _, mode := range m.Modes {
		ls = append(ls, "mode:"+string(mode))
	}
	if m.Slow {
		ls = append(ls, "slow")
	}
	return ls
}

func (m Meta) validate() error {
	switch {
	case m.Area() == "" || !strings.HasPrefix(m.ID, "SSE-"):
		return fmt.Errorf("check ID %q is not of the form SSE-AREA-NNN", m.ID)
	case m.Level != MUST && m.Level != SHOULD && m.Level != BP:
		return fmt.Errorf("check %s: unknown level %q", m.ID, m.Level)
	case m.Title == "" || m.Requirement == "" || m.Source == "":
		return fmt.Errorf("check %s: title, requirement and source are required", m.ID)
	case len(m.Modes) == 0:
		return fmt.Errorf("check %s: no mode", m.ID)
	}
	return nil
}

var registry = struct {
	sync.Mutex
	byID map[string]Meta
}{byID: map[string]Meta{}}

// register records m; a duplicate or malformed ID is a programming error.
func register(m Meta) {
	if err := m.validate(); err != nil {
		panic(err)
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.byID[m.ID]; dup {
		panic(fmt.Sprintf("check %s registered twice", m.ID))
	}
	registry.byID[m.ID] = m
}

// Lookup returns the metadata of a registered check.
func Lookup(id string) (Meta, bool) {
	registry.Lock()
	defer registry.Unlock()
	m, ok := registry.byID[id]
	return m, ok
}

// All returns every registered check, sorted by area order then ID.
func All() []Meta {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Meta, 0, len(registry.byID))
	for _, m := range registry.byID {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return Less(out[i].ID, out[j].ID) })
	return out
}

// Areas in catalog order.
var Areas = []string{"HTTP", "FRAME", "KEEP", "FLUSH", "NAME", "DATA", "RESUME", "CONN", "BROWSER", "PROXY"}

// Less orders IDs by catalog area, then number.
func Less(a, b string) bool {
	ia, ib := areaIndex(a), areaIndex(b)
	if ia != ib {
		return ia < ib
	}
	return a < b
}

func areaIndex(id string) int {
	area := Meta{ID: id}.Area()
	for i, a := range Areas {
		if a == area {
			return i
		}
	}
	return len(Areas)
}
