package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// judgeEach judges several captures, each as a run of its own. Ginkgo runs
// a suite once per process, so each file gets a child process of this
// binary with the same flags, its reports in REPORT-DIR/N-NAME; the exit
// status is the worst of theirs. (Once runs are re-entrant, issue 11 item
// 3, this becomes a loop in-process.)
func judgeEach(ctx context.Context, flagArgs, files []string, reportDir string, stdout, stderr io.Writer) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "ssespec judge: cannot start a run per file (%v): judge one FILE per run\n", err)
		return exitHarness
	}
	worst := exitOK
	var lines []string
	for i, f := range files {
		if ctx.Err() != nil {
			lines = append(lines, fmt.Sprintf("  %s: not judged (interrupted)", strconv.Quote(f)))
			continue
		}
		dir := ""
		if reportDir != "" {
			dir = filepath.Join(reportDir, fmt.Sprintf("%d-%s", i+1, safeName(filepath.Base(f))))
		}
		args := append(append([]string{"judge"}, flagArgs...), "--report-dir="+dir, "--", f)
		fmt.Fprintf(stdout, "\n=== %d/%d: %s\n", i+1, len(files), strconv.Quote(f))
		cmd := exec.Command(exe, args...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
		code := exitOK
		var ee *exec.ExitError
		if err := cmd.Run(); errors.As(err, &ee) {
			code = ee.ExitCode()
			if code < 0 { // killed by a signal (OOM, SIGKILL): never a pass
				code = exitHarness
			}
		} else if err != nil {
			fmt.Fprintf(stderr, "ssespec judge: %s: %v\n", strconv.Quote(f), err)
			code = exitHarness
		}
		worst = max(worst, code)
		where := ""
		if dir != "" {
			where = ", reports in " + dir
		}
		lines = append(lines, fmt.Sprintf("  %s: exit %d%s", strconv.Quote(f), code, where))
	}
	fmt.Fprintf(stdout, "\nssespec judge: %d files, each judged on its own:\n%s\n", len(files), strings.Join(lines, "\n"))
	if sig := caughtSignal(); sig != 0 {
		return 128 + int(sig)
	}
	return worst
}

// safeName keeps a file name readable as a directory name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return strings.TrimLeft(string(b[:min(len(b), 60)]), ".")
}
