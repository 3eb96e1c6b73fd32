package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ssespec/ssespec/reports"
)

// projectVars are SSESPEC_ variables the project reads that are no flag's:
// its own tests' and examples' switches, not to be warned about.
var projectVars = []string{
	"SSESPEC_CLI", "SSESPEC_FAULT", "SSESPEC_PROXY", "SSESPEC_PUBLISH",
	"SSESPEC_SAMPLE", "SSESPEC_STABILITY_RUNS", "SSESPEC_UPDATE_RECORDINGS",
}

// warnUnknownEnv says which set SSESPEC_ variables no flag reads, with the
// nearest flag's variable: a misspelt SSESPEC_URLL would otherwise be
// ignored without a word, and the run would check something else.
func warnUnknownEnv(w io.Writer, known map[string]bool, environ []string) {
	vars := map[string]string{}
	for name := range known {
		if !slices.Contains(notSettings, name) {
			vars[envName(name)] = name
		}
	}
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "SSESPEC_") || vars[k] != "" || slices.Contains(projectVars, k) {
			continue
		}
		hint := ""
		best := 3 // farther than two edits is no suggestion
		for v := range vars {
			if d := editDistance(k, v); d < best || d == best && v < hint {
				best, hint = d, v
			}
		}
		if hint != "" {
			hint = fmt.Sprintf(" (did you mean %s, --%s?)", hint, vars[hint])
		}
		fmt.Fprintf(w, "ssespec: warning: %s is set but no flag reads it%s; it is ignored\n", reports.Printable(k), hint)
	}
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
