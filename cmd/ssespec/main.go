// Command ssespec checks a Server-Sent Events endpoint (or the proxy in
// front of one) against the standard and the clients and proxies in use.
package main

import (
	"context"
	"io"
	"os"
	"runtime/debug"

	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/spf13/cobra"
)

// Exit statuses are a public interface: CI scripts gate on them.
const (
	exitOK      = 0 // no MUST check failed or errored
	exitFailed  = 1 // a MUST check failed or errored (with --strict, a SHOULD check failed), not counting --baseline's known failures; under --strict, a stale baseline entry
	exitUsage   = 2 // bad flags, or the target cannot be reached at all
	exitHarness = 3 // the suite itself could not run (e.g. could not write reports)
	// After SIGINT, SIGTERM or SIGHUP: 128 + the signal (130, 143, 129).
)

// runFunc runs a command once its flags are parsed; args are what is left
// after the flags. It returns the exit status.
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// commands are the subcommands. define registers a command's flags on
// cmd.Flags() (and may set cmd.Use, cmd.Long, cmd.Args) and returns its run
// function; cobra parses the flags, then the environment and --config fill
// those not given (settings.go). A command that parses its own arguments is
// wired with selfParsed(run).
var commands = []struct {
	name, summary string
	define        func(cmd *cobra.Command) runFunc
}{
	{"run", "check an SSE endpoint: ssespec run --url URL", cmdRun},
	{"demo", "run the whole suite against the embedded reference server", cmdDemo},
	{"serve", "serve the reference SSE server", cmdServe},
	{"proxy", "check the proxy in front of an SSE server: ssespec proxy --via URL --origin-addr ADDR", cmdProxy},
	{"list", "list every check: ID, level, area, title", cmdList},
	{"baseline", "write a run's failures as known ones: ssespec baseline --from report.json -o ssespec-baseline.json", cmdBaseline},
	{"diff", "what changed between two runs: ssespec diff OLD.json NEW.json", cmdDiff},
	{"judge", "judge a captured stream offline: ssespec judge FILE (curl -sN/-sNi output, report.json)", cmdJudge},
	{"version", "print the version of ssespec (also --version)", cmdVersion},
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
	stampReports()
	ctx, stop := watchSignals(context.Background())
	defer stop()
	return dispatch(ctx, args, os.Stdout, os.Stderr)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Ginkgo's errors (a bad --label-filter) are plain text: what the CLI
	// prints is coloured only by console, after it is made printable.
	formatter.SingletonFormatter = formatter.New(formatter.ColorModeNone)
	return execute(ctx, args, stdout, stderr)
}
