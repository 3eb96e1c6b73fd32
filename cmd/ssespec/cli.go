package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"
)

const exitHelp = "Exit status: 0 no MUST check failed; 1 a MUST check failed or errored (--strict: or a SHOULD failed);\n" +
	"2 usage error or target unreachable; 3 the suite itself failed; 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP."

// execute builds the command tree afresh (tests run many invocations in one
// process) and runs args through it. Help and version go to stdout, errors
// to stderr; a usage error exits 2.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	status := exitOK
	root := newRoot(stdout, stderr, &status)
	if len(args) == 0 {
		// No command at all is a usage error: the overview, on stderr.
		root.SetOut(stderr)
		root.InitDefaultHelpCmd()
		root.InitDefaultCompletionCmd()
		root.Help()
		return exitUsage
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		name := "ssespec"
		if cmd != nil {
			name = cmd.CommandPath()
		}
		fmt.Fprintf(console{w: stderr}, "%s: %v\nRun '%s --help' for usage.\n", name, err, name)
		return exitUsage
	}
	return status
}

func newRoot(stdout, stderr io.Writer, status *int) *cobra.Command {
	root := &cobra.Command{
		Use:   "ssespec",
		Short: "a conformance suite for Server-Sent Events servers and proxies",
		Long: "ssespec — a conformance suite for Server-Sent Events servers and proxies.\n\n" +
			"Every flag can also be set by an environment variable, SSESPEC_ and the flag's name in\n" +
			"capitals with dashes as underscores (--report-dir: SSESPEC_REPORT_DIR), or by a key of the\n" +
			"--config file (YAML or JSON, the flags' names as keys). A flag on the command line wins\n" +
			"over the environment, which wins over the file.\n\n" + exitHelp,
		Version:           versionText(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: applySettings,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringP("config", "c", "", "read flag values from `FILE` (YAML or JSON; keys are flag names, e.g. url: http://127.0.0.1:8080/events); flags and SSESPEC_ variables win over it")
	for _, c := range commands {
		cmd := &cobra.Command{Use: c.name, Short: c.summary, Args: noArgs}
		cmd.Annotations = map[string]string{annotSettings: "yes"}
		run := c.define(cmd)
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			*status = run(cmd.Context(), args, stdout, stderr)
			return nil
		}
		root.AddCommand(cmd)
		cmd.InitDefaultHelpFlag()
		plainBools(cmd.Flags())
	}
	root.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	plainBools(root.Flags())
	return root
}

// plainBools makes the help show a switch as --strict rather than pflag's
// --strict[=true|false]; it parses as before (--strict, --strict=false).
func plainBools(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && v.IsBoolFlag() && f.Value.Type() == "bool" {
			f.Value = switchValue{f.Value}
		}
	})
}

// switchValue is a bool flag's value without IsBoolFlag: the flag's
// NoOptDefVal ("true") still lets it stand alone.
type switchValue struct{ flag.Value }

// noArgs is the commands' default: flags only.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	return nil
}

// annotSettings marks the commands the environment and --config apply to
// (not cobra's help and completion).
const annotSettings = "ssespec-settings"

// selfParsed wires a command that parses its own arguments (with parse):
// cobra hands it every argument untouched.
func selfParsed(run runFunc) func(cmd *cobra.Command) runFunc {
	return func(cmd *cobra.Command) runFunc {
		cmd.DisableFlagParsing = true
		cmd.Args = cobra.ArbitraryArgs
		delete(cmd.Annotations, annotSettings)
		return run
	}
}

// about sets a command's usage line and description (its --help).
func about(cmd *cobra.Command, use string, long ...string) {
	cmd.Use = use
	cmd.Long = strings.Join(long, "\n")
}
