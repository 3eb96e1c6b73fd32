package cases

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The checks' messages share these formatters, so a quoted value, a list
// of places or a duration reads the same in every check's message.

// quoteText quotes s for a message, cut at max bytes: a cut value ends in
// "…" and its full length, since a hostile target's values can be huge.
func quoteText(s string, max int) string {
	if len(s) > max {
		return strconv.Quote(s[:max]) + fmt.Sprintf("…(%d bytes)", len(s))
	}
	return strconv.Quote(s)
}

// quoteWire quotes wire bytes (a line, a block), cut at 80 bytes.
func quoteWire(b []byte) string { return quoteText(string(b), 80) }

// listSome joins the first show items with sep and counts the rest.
func listSome(items []string, show int, sep string) string {
	if len(items) > show {
		return strings.Join(items[:show], sep) + fmt.Sprintf("%sand %d more", sep, len(items)-show)
	}
	return strings.Join(items, sep)
}

// ms is d in milliseconds, to the microsecond: the unit of every figure in
// the evidence (latency_ms, budget_ms, …).
func ms(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Microsecond)) / 1000 }

// msSeries is ds in milliseconds, for a latency series in the evidence.
func msSeries(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = ms(d)
	}
	return out
}

// msText is d as whole milliseconds, for places in the wire log ("12 ms").
func msText(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// msTenths is d to a tenth of a millisecond, for measured latencies; "—"
// for one that never arrived (math.MaxInt64).
func msTenths(d time.Duration) string {
	if d == math.MaxInt64 {
		return "—"
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
