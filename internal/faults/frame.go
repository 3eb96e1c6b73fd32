package faults

import (
	"fmt"
	"strings"
)

// FRAME-area faults: a correct stream whose wire format is wrong in one way.
var (
	_ = register("invalid-utf8", Stream{Frame: frameAt(3, "id: 3\ndata: caf\xE9 in Latin-1\n\n")})  // SSE-FRAME-001
	_ = register("utf8-surrogate", Stream{Frame: frameAt(3, "id: 3\ndata: \xED\xA0\x80\n\n")})      // SSE-FRAME-001: CESU/WTF-8 surrogate
	_ = register("bom-mid-stream", Stream{Frame: frameAt(3, "\uFEFFid: 3\ndata: after a BOM\n\n")}) // SSE-FRAME-002
	_ = register("bom-twice", Stream{Preamble: "\uFEFF\uFEFF: ok\nretry: 3000\n\n"})                // SSE-FRAME-002
	_ = register("field-wrong-case", Stream{Frame: frameAt(3, "id: 3\nData: message 3\n\n")})       // SSE-FRAME-003
	_ = register("stray-text-line", Stream{Frame: frameAt(3, "id: 3\ndata: message 3\noops\n\n")})  // SSE-FRAME-003
	_ = register("cr-line-endings", Stream{                                                         // SSE-FRAME-004
		Preamble:    ": ok\rretry: 3000\r\r",
		Frame:       func(n int) string { return strings.ReplaceAll(DefaultFrame(n), "\n", "\r") },
		KeepaliveAs: ": keepalive\r\r",
	})
	_ = register("mixed-line-endings", Stream{Frame: func(n int) string { // SSE-FRAME-004: LF, every third event CRLF
		if n%3 == 0 {
			return strings.ReplaceAll(DefaultFrame(n), "\n", "\r\n")
		}
		return DefaultFrame(n)
	}})
	// Not a fault: CRLF throughout is valid and consistent, so SSE-FRAME-004 passes with a note.
	_ = register("crlf-line-endings", Stream{
		Preamble:    ": ok\r\nretry: 3000\r\n\r\n",
		Frame:       func(n int) string { return strings.ReplaceAll(DefaultFrame(n), "\n", "\r\n") },
		KeepaliveAs: ": keepalive\r\n\r\n",
	})
	_ = register("unterminated-final-event", Stream{Events: 3, EndBody: "data: last"}) // SSE-FRAME-005
	// Not a fault: a stream that ends cleanly after its third event, for SSE-FRAME-005's pass side.
	_ = register("closes-cleanly", Stream{Events: 3})
	_ = register("no-final-blank-line", Stream{Events: 3, EndBody: "id: 4\ndata: last\n"})      // SSE-FRAME-005
	_ = register("event-without-data", Stream{Frame: frameAt(3, "event: x\n\n")})               // SSE-FRAME-006
	_ = register("id-without-data", Stream{Frame: frameAt(3, "id: 3\n\n")})                     // SSE-FRAME-006
	_ = register("retry-with-unit", Stream{Preamble: ": ok\nretry: 3s\n\n"})                    // SSE-FRAME-007
	_ = register("retry-empty", Stream{Preamble: ": ok\nretry\n\n"})                            // SSE-FRAME-007
	_ = register("id-with-nul", Stream{Frame: frameAt(3, "id: 3\x00x\ndata: message 3\n\n")})   // SSE-FRAME-008
	_ = register("id-long", Stream{Frame: frameAt(3, "id: "+Repeat("x", 200)+"\ndata: x\n\n")}) // SSE-FRAME-008 BP: passes with a note
	_ = register("repeated-id", Stream{Frame: func(n int) string {                              // SSE-FRAME-009: ids 1, 1, 2, 2, ...
		return strings.Replace(DefaultFrame(n), fmt.Sprintf("id: %d\n", n), fmt.Sprintf("id: %d\n", (n+1)/2), 1)
	}})
)

// frameAllAtOnce is one stream with a body fault of each FRAME check that
// judges bytes alone, one event each: the checks' live proof in one run
// (canned recordings prove each fault alone).
var _ = register("frame-all-at-once", Stream{Frame: func(n int) string {
	switch n {
	case 2:
		return "id: 2\ndata: caf\xE9\n\n" // SSE-FRAME-001
	case 3:
		return "\uFEFFid: 3\ndata: after a BOM\n\n" // SSE-FRAME-002
	case 4:
		return "id: 4\nData: message 4\ndata: x\n\n" // SSE-FRAME-003
	case 5:
		return "id: 5\r\ndata: crlf\r\n\r\n" // SSE-FRAME-004
	case 6:
		return "event: x\n\n" // SSE-FRAME-006
	case 7:
		return "retry: 3s\nid: 7\ndata: x\n\n" // SSE-FRAME-007
	case 8:
		return "id: 8\x00x\ndata: m\n\n" // SSE-FRAME-008
	case 9:
		return "id: 1\ndata: again\n\n" // SSE-FRAME-009
	}
	return DefaultFrame(n)
}})

// frameAt is the default stream with event n replaced by frame.
func frameAt(n int, frame string) func(int) string {
	return func(i int) string {
		if i == n {
			return frame
		}
		return DefaultFrame(i)
	}
}
