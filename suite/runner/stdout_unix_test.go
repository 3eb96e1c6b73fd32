//go:build unix

package runner

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// After the redirect is undone, the fd numbers it used must stay free for
// others: files opened afterwards (which get the lowest free numbers, the
// log's and the saved copy's) must survive garbage collection. A finalizer
// closing a number a second time broke httptest listeners in this
// package's tests.
func TestRedirectStdoutClosesOnce(t *testing.T) {
	restore, err := redirectStdout(filepath.Join(t.TempDir(), "ginkgo.log"))
	if err != nil {
		t.Fatal(err)
	}
	restore()
	restore = nil
	var files []*os.File
	for range 4 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files = append(files, f)
	}
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		runtime.GC()
		for _, f := range files {
			if _, err := f.Stat(); err != nil {
				t.Fatalf("a file opened after the restore (fd %d) was closed behind its back: %v", f.Fd(), err)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}
