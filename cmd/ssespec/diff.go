package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/ssespec/ssespec/reports"
)

// cmdDiff compares two runs' report.json.
func cmdDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text or markdown")
	exitCode := fs.Bool("exit-code", false, "exit 1 when a check regressed (fails or errors in NEW, did not in OLD), like git diff --exit-code")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ssespec diff [flags] OLD.json NEW.json\n\n"+
			"Shows what changed between two runs' report.json: verdicts gained and lost, figures\n"+
			"(latencies and other timings) that moved, new run-level findings.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.SetOutput(stderr)
	files, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(files) != 2 {
		fmt.Fprintf(stderr, "ssespec diff: want two report.json files, OLD and NEW; got %d\n", len(files))
		return exitUsage
	}
	if *format != "text" && *format != "markdown" {
		fmt.Fprintf(stderr, "ssespec diff: --format %q: want text or markdown\n", *format)
		return exitUsage
	}
	var runs [2]*reports.Report
	for i, f := range files {
		if runs[i], err = readReport(f); err != nil {
			fmt.Fprintf(console{stderr}, "ssespec diff: %v\n", err)
			return exitUsage
		}
	}
	d := reports.Compare(runs[0], runs[1])
	if *format == "markdown" {
		reports.WriteDiffMarkdown(console{stdout}, d)
	} else {
		reports.WriteDiffText(console{stdout}, d)
	}
	if *exitCode && d.Count(reports.Regressed) > 0 {
		return exitFailed
	}
	return exitOK
}

// parseInterleaved parses flags placed before, between or after the
// positional arguments, and returns those.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// readReport reads a report.json and refuses other JSON: a baseline or a
// junit file passed by mistake must not read as a run with no checks.
func readReport(path string) (*reports.Report, error) {
	r, err := reports.ReadJSON(path)
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &pathErr):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("not an ssespec report.json: %v", err)
	}
	if r.Tool != "ssespec" {
		return nil, fmt.Errorf("%s: not an ssespec report.json", path)
	}
	return r, nil
}
