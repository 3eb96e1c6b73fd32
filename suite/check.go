package suite

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// CheckDef is one declared check: its metadata and its body. The CLI builds
// its Ginkgo spec tree from these values and ssespectest runs them as
// subtests; both run a body through Execute.
type CheckDef struct {
	Meta
	Body func(ctx context.Context)
}

// Group is the checks one Area call declared, in declaration order.
type Group struct {
	Name   string
	Last   bool   // run after every other group (AreaLast)
	File   string // where the Area call is, for Ginkgo's code locations
	Line   int
	Checks []CheckDef
}

var groups struct {
	sync.Mutex
	all  []*Group
	open *Group // the group whose body is declaring checks
}

// Area declares a group of checks: body runs at once (package init) and
// calls Check for each. It returns true, for use as var _ = suite.Area(...).
func Area(name string, body func()) bool { return area(name, false, body) }

// AreaLast is Area for checks that must run after all the others (the
// browser pages publish events and end the stream, which would disturb the
// other checks' windows).
func AreaLast(name string, body func()) bool { return area(name, true, body) }

func area(name string, last bool, body func()) bool {
	_, file, line, _ := runtime.Caller(2)
	g := &Group{Name: name, Last: last, File: file, Line: line}
	groups.Lock()
	if groups.open != nil {
		groups.Unlock()
		panic("suite.Area inside suite.Area")
	}
	groups.open = g
	groups.all = append(groups.all, g)
	groups.Unlock()
	defer func() {
		groups.Lock()
		groups.open = nil
		groups.Unlock()
	}()
	body()
	return true
}

// Check declares one conformance check inside an Area: it registers the
// metadata (rejecting duplicate IDs) and the body.
func Check(m Meta, body func(ctx context.Context)) bool {
	register(m)
	groups.Lock()
	defer groups.Unlock()
	if groups.open == nil {
		panic("suite.Check " + m.ID + " outside suite.Area")
	}
	groups.open.Checks = append(groups.open.Checks, CheckDef{Meta: m, Body: body})
	return true
}

// Groups returns the declared groups in declaration order.
func Groups() []Group {
	groups.Lock()
	defer groups.Unlock()
	out := make([]Group, len(groups.all))
	for i, g := range groups.all {
		out[i] = *g
		out[i].Checks = append([]CheckDef(nil), g.Checks...)
	}
	return out
}

// Checks returns every declared check in run order: the groups in
// declaration order, the AreaLast groups after the others.
func Checks() []CheckDef {
	var first, last []CheckDef
	for _, g := range Groups() {
		if g.Last {
			last = append(last, g.Checks...)
		} else {
			first = append(first, g.Checks...)
		}
	}
	return append(first, last...)
}

// SpecTimeout is a safety net above the check's own deadlines, so a check
// that forgets one still ends with an error verdict instead of hanging.
func SpecTimeout(cfg Config, m Meta) time.Duration {
	cfg = cfg.Defaults()
	d := cfg.Window + 2*time.Minute
	if m.Slow {
		d += 2 * cfg.Hold
	}
	return d
}
