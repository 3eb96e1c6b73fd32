package cases

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ssespec/ssespec/harness/templates"
	"github.com/ssespec/ssespec/suite"
)

// nameDocumented reads --events-doc (nil when not given); a document that
// cannot be read leaves the check undecided.
func nameDocumented(ctx context.Context, path string) map[string][]templates.Location {
	if path == "" {
		return nil
	}
	doc, err := templates.EventsDoc(path)
	if err != nil {
		suite.Undecided("--events-doc: %v", err)
	}
	names := map[string]string{}
	for n, locs := range doc {
		names[n] = fmt.Sprintf("%s:%d", locs[0].File, locs[0].Line)
	}
	suite.Evidence(ctx, "documented", names)
	return doc
}

// nameAgainstDoc compares the channel document with what the stream
// emitted and what the frontend listens for: an emitted or listened-for
// name the document lacks is a problem (the document is where both sides
// look the name up). A documented name not seen in the window is noted
// only: a rare event (an error, a shutdown notice) may not occur in it.
func nameAgainstDoc(ctx context.Context, doc map[string][]templates.Location, emitted map[string]int, listeners map[string][]string) []string {
	var undocEmitted, undocHeard, unseen []string
	for name, n := range emitted {
		if _, ok := doc[name]; !ok {
			undocEmitted = append(undocEmitted, fmt.Sprintf("%q (%d×)", name, n))
		}
	}
	for name, where := range listeners {
		if _, ok := doc[name]; !ok {
			undocHeard = append(undocHeard, fmt.Sprintf("%q (%s)", name, strings.Join(where, ", ")))
		}
	}
	for name := range doc {
		if _, ok := emitted[name]; !ok {
			unseen = append(unseen, fmt.Sprintf("%q", name))
		}
	}
	sort.Strings(undocEmitted)
	sort.Strings(undocHeard)
	sort.Strings(unseen)
	if len(unseen) > 0 {
		suite.Note(ctx, "documented but not emitted in the window: %s", strings.Join(unseen, ", "))
	}
	var problems []string
	if len(undocEmitted) > 0 {
		problems = append(problems, "emitted but not in --events-doc: "+strings.Join(undocEmitted, ", "))
	}
	if len(undocHeard) > 0 {
		problems = append(problems, "listened for but not in --events-doc: "+strings.Join(undocHeard, ", "))
	}
	return problems
}

// nameOutside lists the listeners in --templates that can never fire: on
// an element with no sse-connect on itself or an ancestor, in a page whose
// whole structure is in one file (templates.Outside judges nothing else).
func nameOutside(ctx context.Context, dir string) []string {
	if dir == "" {
		return nil
	}
	dead, err := templates.Outside(dir)
	if err != nil || len(dead) == 0 {
		return nil
	}
	var where []string
	for _, l := range dead {
		where = append(where, l.String())
	}
	suite.Evidence(ctx, "outside_sse_connect", where)
	// Each location says why when it is inside an sse-connect the sse
	// extension never processes (no hx-ext="sse", or ignore:sse above it).
	return []string{"listening where htmx never fires it (outside every sse-connect, or where the sse extension is not enabled): " + strings.Join(where, ", ")}
}
