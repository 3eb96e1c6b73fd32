package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/ssespec/ssespec/suite/runner"
)

func cmdList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ssespec list [--format text|json]\n\nLists every check the suite makes.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	checks, err := runner.List()
	if err != nil {
		fmt.Fprintf(stderr, "ssespec list: %v\n", err)
		return exitHarness
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(runner.CatalogOf(checks))
	case "text":
		for _, c := range checks {
			fmt.Fprintf(stdout, "%-16s %-6s %-8s %s\n", c.ID, c.Level, c.Area(), c.Title)
		}
	default:
		fmt.Fprintf(stderr, "ssespec list: --format %q: want text or json\n", *format)
		return exitUsage
	}
	return exitOK
}
