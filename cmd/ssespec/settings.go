package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// A flag's value comes from, in this order: the command line, the
// environment (SSESPEC_<NAME>), the --config file, the flag's default.

// envName is the variable that sets the flag name: --report-dir is
// SSESPEC_REPORT_DIR.
func envName(name string) string {
	return "SSESPEC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// notSettings are flags that only make sense on the command line.
var notSettings = []string{"help", "version"}

// annotCLIOnly marks a flag that the environment and --config never set:
// one whose name another command uses with another meaning (list's and
// diff's --format next to run's --format github), so SSESPEC_FORMAT=github
// in a CI job cannot break a later `ssespec diff`.
const annotCLIOnly = "ssespec-cli-only"

// cliOnly marks fs's flag name as set on the command line only.
func cliOnly(fs *flag.FlagSet, name string) {
	fs.SetAnnotation(name, annotCLIOnly, []string{"yes"})
}

func isCLIOnly(f *flag.Flag) bool { return f.Annotations[annotCLIOnly] != nil }

// applySettings fills the flags of cmd that the command line left unset,
// from the environment, then from the --config file (cobra runs it after
// parsing the flags, before the command).
func applySettings(cmd *cobra.Command, _ []string) error {
	if cmd.Annotations[annotSettings] == "" {
		return nil
	}
	fs := cmd.Flags()
	warnUnknownEnv(cmd.ErrOrStderr(), knownFlags(cmd.Root()), os.Environ())
	if err := applyEnv(fs); err != nil {
		return err
	}
	path, _ := fs.GetString("config")
	if path == "" {
		return nil
	}
	return applyConfig(fs, path, knownFlags(cmd.Root()))
}

// applyEnv sets each unset flag of fs whose SSESPEC_ variable is set and not
// empty. A repeatable flag (--header) takes one value per line.
func applyEnv(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || f.Changed || slices.Contains(notSettings, f.Name) || isCLIOnly(f) {
			return
		}
		v, ok := os.LookupEnv(envName(f.Name))
		if !ok || v == "" {
			return
		}
		values := []string{v}
		if repeatable(f) {
			values = strings.Split(strings.TrimRight(v, "\n"), "\n")
		}
		for _, one := range values {
			if e := fs.Set(f.Name, one); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, cause(e))
				return
			}
		}
	})
	return err
}

// applyConfig sets each unset flag of fs from the config file's key of the
// same name. A key that is no command's flag is an error (a typo must not
// pass silently); another command's flag is ignored, so one file can serve
// run and proxy.
func applyConfig(fs *flag.FlagSet, path string, known map[string]bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--config: %v", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("--config %s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file sets nothing
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("--config %s:%d: want a mapping of flag names to values, e.g. url: http://127.0.0.1:8080/events", path, m.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		name := k.Value
		where := fmt.Sprintf("--config %s:%d", path, k.Line)
		switch {
		case seen[name]:
			return fmt.Errorf("%s: key %q appears twice", where, name)
		case name == "config" || slices.Contains(notSettings, name) || !known[name]:
			return fmt.Errorf("%s: unknown key %q: not a flag of any ssespec command", where, name)
		}
		seen[name] = true
		f := fs.Lookup(name)
		if f == nil || f.Changed || isCLIOnly(f) {
			continue // another command's flag, or set by a flag or the environment
		}
		values, err := nodeValues(v, repeatable(f))
		if err != nil {
			return fmt.Errorf("%s: %s: %v", where, name, err)
		}
		for _, one := range values {
			if err := fs.Set(name, one); err != nil {
				return fmt.Errorf("%s: %s: %v", where, name, cause(err))
			}
		}
	}
	return nil
}

// nodeValues is a config value as flag text: a scalar as written (15s,
// true, 50), a list only for a repeatable flag.
func nodeValues(v *yaml.Node, list bool) ([]string, error) {
	switch {
	case v.Kind == yaml.ScalarNode:
		return []string{v.Value}, nil
	case v.Kind == yaml.SequenceNode && list:
		var out []string
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				return nil, errors.New("want a list of plain values")
			}
			out = append(out, e.Value)
		}
		return out, nil
	case v.Kind == yaml.SequenceNode:
		return nil, errors.New("takes one value, not a list")
	}
	return nil, errors.New("want a plain value")
}

// repeatable reports whether each Set of f adds a value (--header,
// --capabilities) rather than replacing it.
func repeatable(f *flag.Flag) bool {
	switch f.Value.Type() {
	case "header", "func", "stringArray", "stringSlice":
		return true
	}
	return false
}

// knownFlags are the flag names of every command under root.
func knownFlags(root *cobra.Command) map[string]bool {
	known := map[string]bool{}
	add := func(f *flag.Flag) { known[f.Name] = true }
	root.PersistentFlags().VisitAll(add)
	for _, c := range root.Commands() {
		c.Flags().VisitAll(add)
	}
	return known
}

// cause is pflag's error without its "invalid argument … for … flag"
// wrapping, which would name the flag where the user wrote a variable or key.
func cause(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// parse parses the flags of a self-parsed command (see selfParsed) as the
// stdlib-flag CLI did, with the environment applied: it returns an exit
// status when the command should stop (help: 0; a bad flag or a stray
// argument: 2). Help goes to stderr here; a command defined through the
// table (define) gets cobra's help on stdout, --config and completion.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if err := applyEnv(fs); err != nil {
		fmt.Fprintf(stderr, "ssespec %s: %v\n", fs.Name(), err)
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ssespec %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}
