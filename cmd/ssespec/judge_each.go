package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// judgeEach judges several captures, each as a run of its own, one after
// another in this process (in-process runs, since Ginkgo runs its tree
// once per process), with its reports in REPORT-DIR/N-NAME; the exit
// status is the worst of theirs.
func judgeEach(ctx context.Context, cmd *cobra.Command, f *judgeFlags, files []string, stdout, stderr io.Writer) int {
	reportDir := f.reportDir
	worst := exitOK
	var lines []string
	for i, name := range files {
		if ctx.Err() != nil {
			lines = append(lines, fmt.Sprintf("  %s: not judged (interrupted)", strconv.Quote(name)))
			continue
		}
		each := *f
		each.inProcess = true
		each.reportDir = ""
		if reportDir != "" {
			each.reportDir = filepath.Join(reportDir, fmt.Sprintf("%d-%s", i+1, safeName(filepath.Base(name))))
		}
		fmt.Fprintf(stdout, "\n=== %d/%d: %s\n", i+1, len(files), strconv.Quote(name))
		code := judgeOne(ctx, cmd, &each, name, stdout, stderr)
		worst = max(worst, code)
		where := ""
		if each.reportDir != "" {
			where = ", reports in " + each.reportDir
		}
		lines = append(lines, fmt.Sprintf("  %s: exit %d%s", strconv.Quote(name), code, where))
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
