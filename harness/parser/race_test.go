//go:build race

package parser

// raceEnabled: the race detector slows this package's exhaustive tests
// about tenfold.
const raceEnabled = true
