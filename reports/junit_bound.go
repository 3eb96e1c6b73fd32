package reports

import "github.com/onsi/ginkgo/v2/types"

// maxCaptured bounds the output a spec captured, in junit.xml.
const maxCaptured = 64 << 10

// boundGinkgo is gr with the text junit.xml copies from it cut like
// report.json's: failure messages, report entries, captured output. gr
// itself is not changed.
func boundGinkgo(gr types.Report) types.Report {
	specs := make([]types.SpecReport, len(gr.SpecReports))
	for i, sr := range gr.SpecReports {
		sr.Failure.Message = cutLines(sr.Failure.Message)
		sr.Failure.ForwardedPanic = Cut(sr.Failure.ForwardedPanic, MaxValue)
		sr.CapturedGinkgoWriterOutput = Cut(sr.CapturedGinkgoWriterOutput, maxCaptured)
		sr.CapturedStdOutErr = Cut(sr.CapturedStdOutErr, maxCaptured)
		entries := make(types.ReportEntries, len(sr.ReportEntries))
		for j, e := range sr.ReportEntries {
			if s := e.StringRepresentation(); len(s) > MaxValue {
				e.Value = types.WrapEntryValue(Cut(s, MaxValue))
			}
			entries[j] = e
		}
		sr.ReportEntries = entries
		more := make([]types.AdditionalFailure, len(sr.AdditionalFailures))
		for j, f := range sr.AdditionalFailures {
			f.Failure.Message = cutLines(f.Failure.Message)
			more[j] = f
		}
		sr.AdditionalFailures = more
		specs[i] = sr
	}
	gr.SpecReports = specs
	return gr
}
