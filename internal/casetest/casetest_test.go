package casetest

import (
	"sync/atomic"
	"testing"

	"github.com/ssespec/ssespec/reports"
)

// TestSharedRowsRunOnce: rows with the same Shared make one suite run with
// all their checks, and each row judges its own check in it.
func TestSharedRowsRunOnce(t *testing.T) {
	var runs atomic.Int32
	target := func(t testing.TB) string {
		runs.Add(1)
		url, _ := Reference(t)
		return url
	}
	t.Run("rows", func(t *testing.T) {
		Faults(t, []Case{
			{ID: "SSE-HTTP-002", Fault: "reference", URL: target, Want: reports.Pass, Shared: "ref"},
			{ID: "SSE-HTTP-004", Fault: "reference", URL: target, Want: reports.Pass, Shared: "ref"},
		})
	})
	if n := runs.Load(); n != 1 {
		t.Errorf("%d suite runs for two shared rows, want 1", n)
	}
}

// TestSharedRunSkipped: when the row that makes the shared run skips (a
// missing proxy, browser…), the other rows skip too, saying so, instead of
// failing for want of a report.
func TestSharedRunSkipped(t *testing.T) {
	missing := func(t testing.TB) string { t.Skip("the target's software is not installed"); return "" }
	Faults(t, []Case{
		{ID: "SSE-HTTP-002", Fault: "missing", URL: missing, Want: reports.Pass, Shared: "missing"},
		{ID: "SSE-HTTP-004", Fault: "missing", URL: missing, Want: reports.Pass, Shared: "missing"},
	})
}
