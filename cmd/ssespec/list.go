package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ssespec/ssespec"
)

func cmdList(cmd *cobra.Command) runFunc {
	about(cmd, "list", "Lists every check the suite makes.")
	var format string
	cmd.Flags().StringVar(&format, "format", "text", "output `FORMAT`: text or json")
	cliOnly(cmd.Flags(), "format") // SSESPEC_FORMAT is run's --format
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return list(format, stdout, stderr)
	}
}

func list(format string, stdout, stderr io.Writer) int {
	checks, err := ssespec.List()
	if err != nil {
		fmt.Fprintf(stderr, "ssespec list: %v\n", err)
		return exitHarness
	}
	switch format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(ssespec.CatalogOf(checks))
	case "text":
		for _, c := range checks {
			fmt.Fprintf(stdout, "%-16s %-6s %-8s %s\n", c.ID, c.Level, c.Area(), c.Title)
		}
	default:
		fmt.Fprintf(stderr, "ssespec list: --format %q: want text or json\n", format)
		return exitUsage
	}
	return exitOK
}
