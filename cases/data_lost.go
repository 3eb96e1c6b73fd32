package cases

import (
	"fmt"
	"strings"

	"github.com/ssespec/ssespec/harness/parser"
	"github.com/ssespec/ssespec/harness/stream"
)

// nonceLost explains a published event that "did not arrive" although its
// nonce reached the wire: the line carrying it is one clients drop, or its
// block never dispatched. Empty when the nonce is nowhere in the body.
func nonceLost(rec *stream.Recording, nonce string) string {
	if rec == nil || rec.Parse == nil || nonce == "" {
		return ""
	}
	res := rec.Parse
	for _, ln := range res.Lines {
		if !strings.Contains(string(ln.Raw), nonce) {
			continue
		}
		where := fmt.Sprintf("; the nonce did reach the wire, at byte %d on the line %q, ", ln.Offset, shortLine(ln.Raw))
		switch {
		case ln.Kind == parser.KindComment:
			where += "a comment line, which clients ignore"
		case ln.Kind == parser.KindField && !ln.Known:
			where += fmt.Sprintf("which clients read as a field named %q and drop (a payload line written without \"data: \")", shortLine([]byte(ln.Name)))
		case ln.Name != "data":
			where += fmt.Sprintf("a %s field, not the event's data", ln.Name)
		case ln.Block < 0 || res.Blocks[ln.Block].End == 0:
			where += "in a block no blank line ended, so no event was dispatched"
		default:
			where += "in an event's data" // FindEvent would have found it
		}
		if ln.Block >= 0 {
			if b := res.Blocks[ln.Block]; b.Dispatched && b.Event >= 0 {
				where += fmt.Sprintf("; the event its block dispatched has data %q", shortLine([]byte(res.Events[b.Event].Data)))
			}
		}
		return where
	}
	return ""
}

func shortLine(b []byte) string {
	const max = 80
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
