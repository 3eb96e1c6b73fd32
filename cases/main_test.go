package cases_test

import (
	"os"
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
)

// One Chromium serves every suite these tests run (casetest.BrowserMain).
func TestMain(m *testing.M) { os.Exit(casetest.BrowserMain(m)) }
