package stream

import (
	"bytes"
	"errors"
	"runtime"
	"sync/atomic"
)

// DefaultBudget bounds the memory all recordings of the process hold at
// once, as costed below. MaxBytes bounds one recording, but checks hold
// fifty streams at a time and the report keeps recordings to the end:
// without a shared bound a target that fills every stream could take
// gigabytes.
const DefaultBudget = 128 << 20

// What a chunk costs: its bytes twice (the chunk, and the parser's copy of
// each line), and per line the parser's records (Line, and its share of a
// Block and an Event, doubled for slice growth: 120, 56 and 88 bytes, a
// block and an event per two lines at most). Counting line endings bounds
// the lines before parsing, so the budget is never overrun.
const (
	byteCost = 2
	lineCost = 384
)

// ErrBudget ends a recording when the process's recordings together hold
// Budget bytes.
var ErrBudget = errors.New("the run's recordings together hold the most body bytes the suite keeps")

var budget = struct {
	max, held atomic.Int64
}{}

func init() { budget.max.Store(DefaultBudget) }

// SetBudget changes the shared bound (n <= 0 restores DefaultBudget).
func SetBudget(n int64) {
	if n <= 0 {
		n = DefaultBudget
	}
	budget.max.Store(n)
}

// Held is what the process's reachable recordings hold now, as costed.
func Held() int64 { return budget.held.Load() }

// reserve takes what chunk b costs from the shared budget, or reports false. A
// recording's bytes return to the budget when it is garbage collected,
// not when it ends: an ended recording a check or report still holds
// still takes its memory.
func (c *Conn) reserve(b []byte) bool {
	n := byteCost*len(b) + lineCost*(bytes.Count(b, []byte{'\n'})+bytes.Count(b, []byte{'\r'}))
	if budget.held.Add(int64(n)) > budget.max.Load() {
		budget.held.Add(-int64(n))
		return false
	}
	if c.held == nil {
		c.held = new(atomic.Int64)
		runtime.AddCleanup(c.rec, func(h *atomic.Int64) { budget.held.Add(-h.Load()) }, c.held)
	}
	c.held.Add(int64(n))
	return true
}
