package stream

import (
	"bytes"
	"errors"
	"runtime"
	"sync/atomic"
)

// DefaultBudget bounds the memory all recordings of a run (or of the
// process, for recordings that name no Budget) hold at once, as costed
// below. MaxBytes bounds one recording, but checks hold
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

// ErrBudget ends a recording when the recordings sharing its budget
// together hold all of it.
var ErrBudget = errors.New("the run's recordings together hold the most body bytes the suite keeps")

// Budget bounds what a set of recordings (a run's) hold at once, as costed
// above. Recordings whose Options name none share the process's default.
type Budget struct {
	max, held atomic.Int64
}

// NewBudget is a budget of n (n <= 0: DefaultBudget).
func NewBudget(n int64) *Budget {
	b := &Budget{}
	b.SetMax(n)
	return b
}

// SetMax changes the bound (n <= 0 restores DefaultBudget).
func (b *Budget) SetMax(n int64) {
	if n <= 0 {
		n = DefaultBudget
	}
	b.max.Store(n)
}

// Held is what the budget's reachable recordings hold now, as costed.
func (b *Budget) Held() int64 { return b.held.Load() }

// processBudget is the budget of recordings that name none.
var processBudget = NewBudget(DefaultBudget)

// SetBudget changes the process's default budget (n <= 0 restores
// DefaultBudget).
func SetBudget(n int64) { processBudget.SetMax(n) }

// Held is what the reachable recordings on the process's default budget
// hold now.
func Held() int64 { return processBudget.Held() }

// reserve takes what chunk b costs from the recording's budget, or reports
// false. A recording's bytes return to the budget when it is garbage
// collected, not when it ends: an ended recording a check or report still
// holds still takes its memory.
func (c *Conn) reserve(b []byte) bool {
	bu := c.opts.Budget
	if bu == nil {
		bu = processBudget
	}
	n := byteCost*len(b) + lineCost*(bytes.Count(b, []byte{'\n'})+bytes.Count(b, []byte{'\r'}))
	if bu.held.Add(int64(n)) > bu.max.Load() {
		bu.held.Add(-int64(n))
		return false
	}
	if c.held == nil {
		c.held = new(atomic.Int64)
		runtime.AddCleanup(c.rec, func(h *atomic.Int64) { bu.held.Add(-h.Load()) }, c.held)
	}
	c.held.Add(int64(n))
	return true
}
