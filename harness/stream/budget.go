package stream

import (
	"errors"
	"runtime"
	"sync/atomic"
)

// DefaultBudget bounds the body bytes all recordings of the process hold
// at once. MaxBytes bounds one recording, but checks hold fifty streams at
// a time and the report keeps recordings to the end: without a shared
// bound a target that fills every stream could take gigabytes.
const DefaultBudget = 128 << 20

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

// Held is what the process's reachable recordings hold now.
func Held() int64 { return budget.held.Load() }

// reserve takes n bytes of the shared budget for rec, or reports false. A
// recording's bytes return to the budget when it is garbage collected,
// not when it ends: an ended recording a check or report still holds
// still takes its memory.
func (c *Conn) reserve(n int) bool {
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
