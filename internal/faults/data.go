package faults

import (
	"fmt"
	"strings"

	"github.com/ssespec/ssespec/harness/publish"
)

// DATA-area faults: the payload changed on the way out.
var (
	_ = register("first-line-only", dataEncoder(func(data string) []string { // SSE-DATA-001 (r3labs/sse #62)
		return SplitLines(data)[:1]
	}))
	_ = register("raw-crlf-data", dataEncoder(func(data string) []string { // SSE-DATA-002: split on LF only, CR reaches the wire raw
		return strings.Split(data, "\n")
	}))
	_ = register("splitlines-data", dataEncoder(pySplitlines))                    // SSE-DATA-003: Python str.splitlines() also breaks at U+0085, U+2028, U+2029
	_ = register("data-no-space", Encoded(func(ev publish.Event, id int) string { // SSE-DATA-004: "data:" + value, so a leading space is eaten
		return strings.ReplaceAll(Frame(ev, id), "\ndata: ", "\ndata:")
	}))
	_ = register("data-lines-unprefixed", Encoded(func(ev publish.Event, id int) string { // SSE-DATA-004 (and -001): only the payload's first line gets "data: "; the others reach the wire bare
		return fmt.Sprintf("id: %d\ndata: %s\n\n", id, ev.Data)
	}))
	_ = register("truncate-64k", Encoded(func(ev publish.Event, id int) string { // SSE-DATA-005: a 64 KiB line buffer
		if len(ev.Data) > 64<<10 {
			ev.Data = ev.Data[:64<<10]
		}
		return Frame(ev, id)
	}))
	_ = register("drop-empty-data", Encoded(func(ev publish.Event, id int) string { // SSE-DATA-006: no data line for an empty payload
		s := Frame(ev, id)
		if ev.Data == "" {
			s = strings.Replace(s, "data: \n", "", 1)
		}
		return s
	}))
	_ = register("newlines-stripped", dataEncoder(func(data string) []string { // SSE-DATA-007: "fixes" framing by deleting line breaks
		return []string{strings.NewReplacer("\r", "", "\n", "").Replace(data)}
	}))
)

// dataEncoder is a Broker whose data lines are split(payload).
func dataEncoder(split func(string) []string) *Broker {
	return Encoded(func(ev publish.Event, id int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "id: %d\n", id)
		if ev.Event != "" {
			fmt.Fprintf(&b, "event: %s\n", ev.Event)
		}
		for _, line := range split(ev.Data) {
			fmt.Fprintf(&b, "data: %s\n", line)
		}
		return b.String() + "\n"
	})
}

// pySplitlines splits like Python's str.splitlines().
func pySplitlines(s string) []string {
	var out []string
	var cur []rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			if r == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
			out = append(out, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, r)
		}
	}
	return append(out, string(cur))
}

// A publish-only broker (it emits nothing unprompted) that writes a
// multi-line payload after one "data: ", so its continuation lines carry no
// field name: only the events the suite publishes show it (SSE-FRAME-003 in
// publish mode, judging the sample published into the shared window).
var _ = register("data-unprefixed-lines", Encoded(func(ev publish.Event, id int) string {
	s := fmt.Sprintf("id: %d\n", id)
	if ev.Event != "" {
		s += "event: " + ev.Event + "\n"
	}
	return s + "data: " + ev.Data + "\n\n"
}))
