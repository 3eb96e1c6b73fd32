package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/ssespec/ssespec/reports"
)

// cmdDiff compares two runs' report.json.
func cmdDiff(cmd *cobra.Command) runFunc {
	about(cmd, "diff [flags] OLD.json NEW.json",
		"Shows what changed between two runs' report.json: verdicts gained and lost, figures",
		"(latencies and other timings) that moved, new run-level findings.")
	cmd.Args = func(_ *cobra.Command, args []string) error {
		if len(args) != 2 {
			return fmt.Errorf("want two report.json files, OLD and NEW; got %d", len(args))
		}
		return nil
	}
	var format string
	var exitCode bool
	cmd.Flags().StringVar(&format, "format", "text", "output `FORMAT`: text or markdown")
	cliOnly(cmd.Flags(), "format") // SSESPEC_FORMAT is run's --format
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit 1 when a MUST or SHOULD check regressed (fails or errors in NEW, did not in OLD), like git diff --exit-code; BP changes never do, as they never fail a run")
	return func(ctx context.Context, files []string, stdout, stderr io.Writer) int {
		return diff(files, format, exitCode, stdout, stderr)
	}
}

func diff(files []string, format string, exitCode bool, stdout, stderr io.Writer) int {
	if format != "text" && format != "markdown" {
		fmt.Fprintf(stderr, "ssespec diff: --format %q: want text or markdown\n", format)
		return exitUsage
	}
	var runs [2]*reports.Report
	for i, f := range files {
		var err error
		if runs[i], err = readReport(f); err != nil {
			fmt.Fprintf(console{w: stderr}, "ssespec diff: %v\n", err)
			return exitUsage
		}
	}
	d := reports.Compare(runs[0], runs[1])
	if format == "markdown" {
		reports.WriteDiffMarkdown(console{w: stdout}, d)
	} else {
		reports.WriteDiffText(console{w: stdout}, d)
	}
	if exitCode && d.Gating() > 0 {
		return exitFailed
	}
	return exitOK
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
