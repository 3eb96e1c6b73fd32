package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ssespec/ssespec/internal/redact"
)

// Files written into the report directory.
const (
	JSONFile  = "report.json"
	JUnitFile = "junit.xml"
	HTMLFile  = "report.html"
)

// WriteJSON writes report.json.
func WriteJSON(r *Report, path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append(b, '\n'))
}

// writeFile writes a report file with every registered secret replaced
// (redact): the user's credentials and the target's cookies never reach disk.
func writeFile(path string, b []byte) error {
	return os.WriteFile(path, redact.Bytes(b), 0o644)
}

// ReadJSON reads a report.json.
func ReadJSON(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %s", path, jsonProblem(err))
	}
	return &r, nil
}

// WriteAll writes the three reports into dir and returns their paths.
func WriteAll(r *Report, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := []string{filepath.Join(dir, HTMLFile), filepath.Join(dir, JSONFile), filepath.Join(dir, JUnitFile)}
	if err := WriteHTML(r, paths[0]); err != nil {
		return nil, err
	}
	if err := WriteJSON(r, paths[1]); err != nil {
		return nil, err
	}
	if err := WriteJUnit(r, paths[2]); err != nil {
		return nil, err
	}
	return paths, nil
}

// ErrReportDir means the report directory cannot be written.
var ErrReportDir = errors.New("cannot write the reports")

// CheckDir makes dir and proves a file can be written there, so a run
// that could not report fails before it starts, not after minutes. It
// removes an earlier run's reports from dir: a run that stops before its
// checks (target unreachable) must not leave them for a CI job to publish
// as its own.
func CheckDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%w to %s: %w", ErrReportDir, dir, err)
	}
	f, err := os.CreateTemp(dir, ".ssespec-write-check-*")
	if err != nil {
		return fmt.Errorf("%w to %s: %w", ErrReportDir, dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return err
	}
	for _, name := range []string{HTMLFile, JSONFile, JUnitFile} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w to %s: removing the earlier %s: %w", ErrReportDir, dir, name, err)
		}
	}
	return nil
}
