package main

import (
	"bytes"
	"encoding/json"

	"github.com/ssespec/ssespec/reports"
)

// A report.json given to judge is judged as a capture of one of its
// recordings (reports.CaptureOf).

// asReport decodes data as ssespec's report.json.
func asReport(data []byte) (*reports.Report, bool) {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return nil, false
	}
	var r reports.Report
	if json.Unmarshal(data, &r) != nil || r.Tool != "ssespec" {
		return nil, false
	}
	return &r, true
}
