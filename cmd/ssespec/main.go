// Command ssespec checks a Server-Sent Events endpoint (or the proxy in
// front of one) against the standard and the clients and proxies in use.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/onsi/ginkgo/v2/formatter"
)

// Exit statuses are a public interface: CI scripts gate on them.
const (
	exitOK      = 0 // no MUST check failed or errored
	exitFailed  = 1 // a MUST check failed or errored (with --strict, a SHOULD check failed)
	exitUsage   = 2 // bad flags, or the target cannot be reached at all
	exitHarness = 3 // the suite itself could not run (e.g. could not write reports)
	// After SIGINT, SIGTERM or SIGHUP: 128 + the signal (130, 143, 129).
)

var commands = []struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}{
	{"run", "check an SSE endpoint: ssespec run --url URL", cmdRun},
	{"demo", "run the whole suite against the embedded reference server", cmdDemo},
	{"serve", "serve the reference SSE server", cmdServe},
	{"proxy", "check the proxy in front of an SSE server: ssespec proxy --via URL --origin-addr ADDR", cmdProxy},
	{"list", "list every check: ID, level, area, title", cmdList},
	{"judge", "judge a captured stream offline: ssespec judge FILE (curl -sN/-sNi output, report.json)", cmdJudge},
}

// memoryLimit is the Go heap's soft limit (unless GOMEMLIMIT sets one): the
// recordings' budget (stream.DefaultBudget) bounds what is live, and the
// limit makes the collector return garbage before the heap doubles past it.
const memoryLimit = 320 << 20

func main() {
	os.Exit(mainStatus(os.Args[1:]))
}

// mainStatus runs the command with signals watched and the heap bounded;
// tests' child processes enter here too.
func mainStatus(args []string) int {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := watchSignals(context.Background())
	defer stop()
	return dispatch(ctx, args, os.Stdout, os.Stderr)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Ginkgo's errors (a bad --label-filter) are plain text: the CLI prints
	// no colour, on a terminal or not, so NO_COLOR and pipes get none.
	formatter.SingletonFormatter = formatter.New(formatter.ColorModeNone)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "ssespec: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ssespec — a conformance suite for Server-Sent Events servers and proxies")
	fmt.Fprintln(w, "\nUsage: ssespec <command> [flags]   (ssespec <command> --help for its flags)\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-6s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nExit status: 0 no MUST check failed; 1 a MUST check failed or errored (--strict: or a SHOULD failed);\n2 usage error or target unreachable; 3 the suite itself failed; 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP.")
}

// parse parses fs; it returns an exit status when the command should stop.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ssespec %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}
