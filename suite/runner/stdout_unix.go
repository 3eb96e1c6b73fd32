//go:build unix

package runner

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// redirectStdout points fd 1 at path while Ginkgo runs: Ginkgo's console
// reporter writes to the process's original stdout file, which no Go-level
// setting can silence, and the CLI prints its own concise tree instead.
// os.Stdout keeps pointing at the real terminal for the CLI's own output.
func redirectStdout(path string) (restore func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	saved, err := unix.Dup(1)
	if err != nil {
		f.Close()
		return nil, err
	}
	realStdout := os.Stdout
	// The copy is closed only through this *os.File: it owns the fd, and
	// its finalizer would otherwise close the number again later, when it
	// may belong to a socket or a report file.
	savedFile := os.NewFile(uintptr(saved), "/dev/stdout")
	os.Stdout = savedFile
	if err := unix.Dup2(int(f.Fd()), 1); err != nil {
		os.Stdout = realStdout
		savedFile.Close()
		f.Close()
		return nil, err
	}
	return func() {
		unix.Dup2(saved, 1)
		os.Stdout = realStdout
		savedFile.Close()
		f.Close()
	}, nil
}
