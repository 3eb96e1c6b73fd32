package casetest

import (
	"encoding/json"
	"testing"

	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/ssespectest"
	"github.com/ssespec/ssespec/suite"
)

// Check runs the suite for cfg in this process and returns its report
// without judging it (ssespectest.Check), as report.json holds it: the
// tests read evidence the way users' tools read the file (numbers as
// float64, lists as []any), and a piece of evidence that does not marshal
// fails here. Each run keeps its own state, so the project's own tests run
// their hundred small suites side by side, -parallel at a time.
func Check(t testing.TB, cfg suite.Config) *reports.Report {
	t.Helper()
	r := ssespectest.Check(t, cfg)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("casetest: the report does not marshal: %v", err)
	}
	var back reports.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("casetest: report.json does not read back: %v", err)
	}
	return &back
}
