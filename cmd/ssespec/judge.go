package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"

	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/reports"
	"github.com/ssespec/ssespec/suite"
)

const judgeHelp = `Judges a captured stream offline, with no live target: what production sent,
or the recording a bug report carries. FILE (- for stdin) is, told from its
content:
  - the raw body, as ` + "`curl -sN URL > FILE`" + ` writes it;
  - the body after its status line and headers, as ` + "`curl -sNi URL > FILE`" + `
    writes it (HTTP/1.1 or HTTP/2; curl has removed the chunked framing; the
    heads of redirects, 1xx and a proxy's CONNECT before it are skipped);
  - a report.json of ssespec run: its shared stream's recording, or the one
    --recording names (as far as the report kept it byte for byte: it cuts
    long lines and long streams, and the run says where it stopped).

Judged: the FRAME checks that judge the body's bytes, SSE-KEEP-003
(keepalives sent as events), with headers the HTTP checks that judge the
status and headers, and on a report.json, which keeps when each body read
arrived, SSE-KEEP-001 (silences longer than the run's --keepalive-max) ("offline:
body", "offline: headers" and "offline: times" in docs/checks.md). Every other check skips saying why: it
needs arrival times, connections of its own, a publish hook, or to know
whether the server ended the stream, which a capture cannot tell (curl
stopped by ^C or --max-time ends a file the same way). The body checks skip
a body still encoded under its Content-Encoding; plain curl asks for none
(with --compressed curl decodes gzip, deflate and zstd, which is judged).

Writes the same reports as run (mode "offline", the file as the target) and
exits as run does: 1 when a MUST check failed. Several FILEs are judged one
by one, each as a run of its own with its reports in REPORT-DIR/N-NAME; the
exit status is the worst of theirs.`

// judgeFlags are judge's flags: the reports' and the recording's bounds.
type judgeFlags struct {
	runFlags
	recording string
}

func (f *judgeFlags) register(fs *flag.FlagSet) {
	fs.StringVarP(&f.reportDir, "report-dir", "o", "ssespec-judge", "`DIR` for report.html, report.json and junit.xml (\"\" writes none); not run's ssespec-report, so judging a run's report.json never overwrites it")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print only the summary (and errors): no line per check, no findings")
	fs.StringVarP(&f.cfg.LabelFilter, "label-filter", "l", "", "Ginkgo label filter `EXPR` selecting checks, e.g. 'area:FRAME'")
	fs.BoolVar(&f.cfg.Strict, "strict", false, "a failed SHOULD check fails the run too (exit 1)")
	fs.DurationVar(&f.cfg.KeepaliveMax, "keepalive-max", suite.DefaultTimeouts().KeepaliveMax, "longest silence the stream may have before a keepalive (SSE-KEEP-001, judged on a report.json's arrival times; default: the run's value, as the report kept it, else 15s)")
	fs.IntVar(&f.cfg.MaxLine, "max-line", 0, "longest event-stream line the parser accepts, in `BYTES` (0: 1 MiB + 1 KiB); the lines before a longer one are judged")
	fs.Int64Var(&f.cfg.MaxBytes, "max-bytes", 0, "most body `BYTES` judged (0: 16 MiB)")
	f.ci.register(fs)
	fs.StringVar(&f.recording, "recording", "", "for a report.json: the recording `NAME` to judge (default: the shared stream's, \"observation\")")
}

func cmdJudge(cmd *cobra.Command) runFunc {
	about(cmd, "judge [flags] FILE...", judgeHelp)
	cmd.Args = func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return errors.New("no FILE: pass a capture (curl -sN or curl -sNi output) or a report.json; see ssespec judge --help")
		}
		return nil
	}
	var f judgeFlags
	f.register(cmd.Flags())
	return func(ctx context.Context, files []string, stdout, stderr io.Writer) int {
		return judge(ctx, cmd, &f, files, stdout, stderr)
	}
}

func judge(ctx context.Context, cmd *cobra.Command, f *judgeFlags, files []string, stdout, stderr io.Writer) int {
	if f.cfg.MaxLine < 0 || f.cfg.MaxBytes < 0 {
		fmt.Fprintln(stderr, "ssespec judge: --max-line and --max-bytes must not be negative")
		return exitUsage
	}
	for _, name := range files {
		if inDir(name, f.reportDir) {
			fmt.Fprintf(stderr, "ssespec judge: %q is in --report-dir %q, whose reports this run would replace; pass -o with another directory\n", name, f.reportDir)
			return exitUsage
		}
	}
	if len(files) > 1 {
		return judgeEach(ctx, cmd, f, files, stdout, stderr)
	}
	return judgeOne(ctx, cmd, f, files[0], stdout, stderr)
}

// judgeOne judges one capture as a run of its own.
func judgeOne(ctx context.Context, cmd *cobra.Command, f *judgeFlags, name string, stdout, stderr io.Writer) int {
	cfg := f.config()
	maxBytes := cfg.MaxBytes
	if maxBytes == 0 {
		maxBytes = stream.DefaultMaxBytes
	}
	in, err := openCapture(name)
	if err != nil {
		fmt.Fprintf(stderr, "ssespec judge: %v\n", err)
		return exitUsage
	}
	// Enough for the body, a head, or the largest report.json a run writes.
	data, cut, err := readCapture(in, max(maxBytes, reports.MaxJSON)+maxHead)
	in.Close()
	if err != nil {
		fmt.Fprintf(stderr, "ssespec judge: reading %q: %v\n", name, err)
		return exitUsage
	}
	c, err := parseCapture(name, data, cut, f.recording, maxBytes)
	if err != nil {
		fmt.Fprintf(stderr, "ssespec judge: %v\n", err)
		return exitUsage
	}
	if len(c.Body) == 0 && !c.HasHead() {
		// curl writes an empty file when the server was down: that must not
		// come out as a run of skips that exits 0.
		fmt.Fprintf(stderr, "ssespec judge: %q is empty: nothing to judge (curl writes an empty file when it reached no server; capture again with curl -sNi)\n", name)
		return exitUsage
	}
	if c.KeepaliveMax > 0 && !cmd.Flags().Changed("keepalive-max") {
		// A report's times are judged against the limit its run used.
		cfg.KeepaliveMax = c.KeepaliveMax
		c.Notes = append(c.Notes, fmt.Sprintf("SSE-KEEP-001 is judged against --keepalive-max %v, the run's, as its report kept it (--keepalive-max sets another)", c.KeepaliveMax))
	}
	cfg.Capture = c
	return runSuite(ctx, cfg, f.runFlags, stdout, stderr)
}

func openCapture(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%q is a directory; pass a capture file", name)
	}
	return os.Open(name)
}

// inDir says whether file lies in dir (or under it): judging a report.json
// into the directory it came from would replace the input with its verdict.
func inDir(file, dir string) bool {
	if file == "-" || dir == "" {
		return false
	}
	f, err1 := filepath.Abs(file)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, f)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
