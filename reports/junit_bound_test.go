package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestJUnitCutsTheTargetsValues(t *testing.T) {
	big := strings.Repeat("j", 1<<20)
	sr := types.SpecReport{
		LeafNodeType: types.NodeTypeIt, LeafNodeText: "SSE-X-001", State: types.SpecStateFailed,
		Failure:                    types.Failure{Message: "event id " + big + " was not resent"},
		CapturedGinkgoWriterOutput: big,
		ReportEntries:              types.ReportEntries{{Name: "ssespec:evidence:last_id", Value: types.WrapEntryValue(big)}},
	}
	gr := types.Report{SuiteDescription: "ssespec", SpecReports: types.SpecReports{sr}}
	path := filepath.Join(t.TempDir(), JUnitFile)
	if err := WriteJUnit(gr, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 100<<10 {
		t.Errorf("junit.xml is %d bytes for 3 MiB of one target value", len(b))
	}
	if !strings.Contains(string(b), "[cut: 1048576 bytes") {
		t.Error("junit.xml does not say the value was cut")
	}
	if gr.SpecReports[0].Failure.Message != sr.Failure.Message || gr.SpecReports[0].ReportEntries[0].StringRepresentation() != big {
		t.Error("writing junit.xml changed the caller's report")
	}
}
