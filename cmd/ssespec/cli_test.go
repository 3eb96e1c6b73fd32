package main

import (
	"bytes"
	"context"
	stdflag "flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"

	"github.com/ssespec/ssespec/internal/casetest"
)

// inProcess runs the CLI in this process (for what stops before a suite
// runs: help, version, parsing errors).
func inProcess(args ...string) result {
	var out, errb bytes.Buffer
	code := dispatch(context.Background(), args, &out, &errb)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// parsed parses args with the real command tree (flags, environment,
// --config) and returns the command's flags instead of running it.
func parsed(t *testing.T, args ...string) (*flag.FlagSet, error) {
	t.Helper()
	status := exitOK
	root := newRoot(&bytes.Buffer{}, &bytes.Buffer{}, &status)
	var got *flag.FlagSet
	for _, c := range root.Commands() {
		c.RunE = func(cmd *cobra.Command, _ []string) error { got = cmd.Flags(); return nil }
	}
	root.SetArgs(args)
	err := root.Execute()
	if err == nil && got == nil {
		t.Fatalf("%v: the command did not run", args)
	}
	return got, err
}

func value(t *testing.T, fs *flag.FlagSet, name string) string {
	t.Helper()
	f := fs.Lookup(name)
	if f == nil {
		t.Fatalf("no flag --%s", name)
	}
	if sv, ok := f.Value.(flag.SliceValue); ok {
		return strings.Join(sv.GetSlice(), ",")
	}
	return f.Value.String()
}

func TestShortForms(t *testing.T) {
	fs, err := parsed(t, "run", "-u", "http://h/e", "-q", "-o", "out", "-l", "id:SSE-HTTP-001", "-k", "-H", "X-A: 1")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"url": "http://h/e", "quiet": "true", "report-dir": "out", "label-filter": "id:SSE-HTTP-001", "insecure": "true"} {
		if got := value(t, fs, name); got != want {
			t.Errorf("--%s = %q, want %q", name, got, want)
		}
	}
	if h := fs.Lookup("header").Value.(*headerFlag).h.Get("X-A"); h != "1" {
		t.Errorf("-H: header X-A = %q", h)
	}
}

// TestSettingsPrecedence: a flag on the command line beats SSESPEC_<NAME>,
// which beats the --config file, which beats the default.
func TestSettingsPrecedence(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "ssespec.yaml")
	os.WriteFile(cfg, []byte("url: http://file/e\nhold: 30s\nclients: 7\nstrict: true\nheader: ['A: 1', 'B: 2']\ncapabilities: [ids, replay]\nvia: http://other/command's/flag\n"), 0o644)
	t.Setenv("SSESPEC_HOLD", "40s")
	t.Setenv("SSESPEC_CLIENTS", "9")
	t.Setenv("SSESPEC_CONFIG", cfg)
	t.Setenv("SSESPEC_CLI_UNRELATED", "not a flag: ignored")
	fs, err := parsed(t, "run", "--clients", "11")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"url":            "http://file/e", // file only
		"hold":           "40s",           // env beats file
		"clients":        "11",            // flag beats env
		"strict":         "true",          // file
		"window":         "0s",            // default
		"latency-budget": "100ms",         // default
	} {
		if got := value(t, fs, name); got != want {
			t.Errorf("--%s = %q, want %q", name, got, want)
		}
	}
	if h := fs.Lookup("header").Value.(*headerFlag).h; h.Get("A") != "1" || h.Get("B") != "2" {
		t.Errorf("headers from the file's list: %v", h)
	}

	// The environment's repeatable flag takes a value per line, and a
	// --config flag beats SSESPEC_CONFIG.
	empty := filepath.Join(t.TempDir(), "empty.yaml")
	os.WriteFile(empty, nil, 0o644)
	t.Setenv("SSESPEC_HEADER", "C: 3\nD: 4\n")
	fs, err = parsed(t, "run", "-c", empty)
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, fs, "url"); got != "" {
		t.Errorf("--config on the command line did not replace SSESPEC_CONFIG: url %q", got)
	}
	if h := fs.Lookup("header").Value.(*headerFlag).h; h.Get("C") != "3" || h.Get("D") != "4" {
		t.Errorf("headers from SSESPEC_HEADER: %v", h)
	}
}

// TestBadSettingsAreUsageErrors: exit 2, naming the variable or the key
// (and its line), before anything runs.
func TestBadSettingsAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	for _, tc := range []struct {
		env, args []string
		want      string
	}{
		{[]string{"SSESPEC_HOLD", "soon"}, []string{"run"}, `SSESPEC_HOLD="soon"`},
		{[]string{"SSESPEC_STRICT", "yes please"}, []string{"run"}, "SSESPEC_STRICT"},
		{nil, []string{"run", "-c", file("typo.yaml", "url: http://h/e\nkeepalive-maximum: 3s\n")}, `typo.yaml:2: unknown key "keepalive-maximum"`},
		{nil, []string{"run", "-c", file("dup.yaml", "url: a\nurl: b\n")}, `key "url" appears twice`},
		{nil, []string{"run", "-c", file("list.yaml", "url: [a, b]\n")}, "url: takes one value, not a list"},
		{nil, []string{"run", "-c", file("dur.yaml", "hold: 30\n")}, "dur.yaml:1: hold: "},
		{nil, []string{"run", "-c", file("top.yaml", "- url\n")}, "want a mapping of flag names"},
		{nil, []string{"run", "-c", file("help.yaml", "help: true\n")}, `unknown key "help"`},
		{nil, []string{"run", "-c", filepath.Join(dir, "missing.yaml")}, "--config: open"},
		{nil, []string{"run", "--bogus"}, "unknown flag: --bogus"},
		{nil, []string{"run", "--hold", "soon"}, `"--hold"`},
		{nil, []string{"run", "stray"}, `unexpected argument "stray"`},
		{nil, []string{"run", "--time-scale", "0.5", "-u", "http://127.0.0.1:9/"}, "--time-scale 0.5"},
	} {
		if tc.env != nil {
			t.Setenv(tc.env[0], tc.env[1])
		}
		r := inProcess(tc.args...)
		if tc.env != nil {
			os.Unsetenv(tc.env[0])
		}
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want exit 2 naming %q", tc.env, tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"run", "--help"}, {"help", "proxy"}, {"demo", "-h"}, {"list", "--help"}} {
		r := inProcess(args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "Usage:") || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %.80q, stderr %q; want the help on stdout, exit 0", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := inProcess("run", "--help"); !strings.Contains(r.stdout, "-u, --url URL") || !strings.Contains(r.stdout, "(default 15s)") {
		t.Errorf("run --help lacks the short form or a default:\n%s", r.stdout)
	}
	// No command at all is a usage error: the overview on stderr, exit 2.
	if r := inProcess(); r.code != exitUsage || !strings.Contains(r.stderr, "Available Commands:") || r.stdout != "" {
		t.Errorf("no arguments: exit %d, stdout %q, stderr %.80q", r.code, r.stdout, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		r := inProcess(args...)
		if r.code != exitOK || !strings.HasPrefix(r.stdout, "ssespec ") || !strings.Contains(r.stdout, "go1.") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	version = "v9.8.7" // as -ldflags "-X main.version=v9.8.7" sets it
	defer func() { version = "" }()
	if r := inProcess("version"); !strings.HasPrefix(r.stdout, "ssespec v9.8.7\n") {
		t.Errorf("the link-time version is not shown: %q", r.stdout)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := inProcess("completion", shell); r.code != exitOK || !strings.Contains(r.stdout, "ssespec") {
			t.Errorf("completion %s: exit %d, stderr %q", shell, r.code, r.stderr)
		}
	}
	r := inProcess("__complete", "run", "--report")
	if r.code != exitOK || !strings.Contains(r.stdout, "--report-dir") {
		t.Errorf("flag completion: exit %d, stdout %q", r.code, r.stdout)
	}
}

var update = stdflag.Bool("update", false, "rewrite the README's flag reference")

// TestEveryFlagIsDocumented: every flag has a usage text, and the README's
// flag reference is the commands' flags (go test -run TestEveryFlag -update
// rewrites it).
func TestEveryFlagIsDocumented(t *testing.T) {
	status := exitOK
	root := newRoot(&bytes.Buffer{}, &bytes.Buffer{}, &status)
	for _, c := range root.Commands() {
		c.Flags().VisitAll(func(f *flag.Flag) {
			if strings.TrimSpace(f.Usage) == "" {
				t.Errorf("ssespec %s --%s has no usage text", c.Name(), f.Name)
			}
		})
	}
	const path = "../../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- flags:begin (generated: go test ./cmd/ssespec -run TestEveryFlagIsDocumented -update) -->\n", "<!-- flags:end -->"
	i, j := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README has no %q … %q section", begin, end)
	}
	want := flagReference(root)
	if got := string(readme[i+len(begin) : j]); got != want {
		if !*update {
			t.Fatalf("README's flag reference is out of date: go test ./cmd/ssespec -run TestEveryFlagIsDocumented -update\n--- want\n%s", want)
		}
		out := slices.Concat(readme[:i+len(begin)], []byte(want), readme[j:])
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// flagReference is the README's table of every flag: one row per flag name,
// with the commands that have it; the usage and default are the first
// command's, other defaults noted.
func flagReference(root *cobra.Command) string {
	type row struct {
		flag     *flag.Flag
		commands []string
		defaults []string
	}
	var rows []*row
	byName := map[string]*row{}
	add := func(cmd string, f *flag.Flag) {
		key := f.Name + "\x00" + f.Usage // one name with two meanings (--format) is two rows
		r := byName[key]
		if r == nil {
			r = &row{flag: f}
			if d := shownDefault(f); d != "" {
				r.defaults = []string{"`" + d + "`"}
			}
			byName[key] = r
			rows = append(rows, r)
		} else if shownDefault(f) != shownDefault(r.flag) {
			r.defaults = append(r.defaults, cmd+": `"+shownDefault(f)+"`")
		}
		r.commands = append(r.commands, cmd)
	}
	root.PersistentFlags().VisitAll(func(f *flag.Flag) { add("all", f) })
	for _, c := range commands {
		cmd, _, _ := root.Find([]string{c.name})
		cmd.LocalFlags().VisitAll(func(f *flag.Flag) {
			if f.Name != "help" {
				add(c.name, f)
			}
		})
	}
	var b strings.Builder
	b.WriteString("| flag | commands | default | variable | what it does |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		name, usage := flag.UnquoteUsage(r.flag)
		spec := "--" + r.flag.Name
		if r.flag.Shorthand != "" {
			spec = "-" + r.flag.Shorthand + ", " + spec
		}
		if name != "" {
			spec += " " + name
		}
		cell := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
		env := "`" + envName(r.flag.Name) + "`"
		if isCLIOnly(r.flag) {
			env = "(command line only)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", cell(spec), strings.Join(r.commands, ", "), cell(strings.Join(r.defaults, "; ")), env, cell(usage))
	}
	return b.String()
}

// shownDefault is a flag's default as the reference shows it: none for a
// zero value (the usage says what zero means).
func shownDefault(f *flag.Flag) string {
	switch f.DefValue {
	case "", "0", "0s", "false", "[]":
		return ""
	}
	return f.DefValue
}

// TestColourIsOursOnly: with colour on, the marks are coloured and a
// target's escape sequence is still shown, not sent; off the terminal
// (and with NO_COLOR) there is no colour.
func TestColourIsOursOnly(t *testing.T) {
	var b bytes.Buffer
	console{w: &b, color: true}.Write([]byte("✖ SSE-HTTP-002 MUST fail\n    \x1b[31mEVIL\n"))
	if got := b.String(); !strings.HasPrefix(got, "\x1b[31m✖\x1b[0m SSE-HTTP-002") || !strings.Contains(got, "<ESC>[31mEVIL") {
		t.Errorf("coloured console wrote %q", got)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if colorFor(w) || colorFor(&b) {
		t.Error("colour on a pipe or a buffer")
	}
	t.Setenv("NO_COLOR", "1")
	if colorFor(os.Stdout) {
		t.Error("colour with NO_COLOR set")
	}
}

// TestEachCheckPrintedOnce: by default a passing check is one progress
// line and a failing one adds its findings (Expected/Actual); --quiet
// prints neither, only the totals and the reports' path.
func TestEachCheckPrintedOnce(t *testing.T) {
	target := casetest.Fault(t, "content-type-json") // fails SSE-HTTP-002, passes SSE-HTTP-001
	args := []string{"run", "-u", target, "-l", "id:SSE-HTTP-001 || id:SSE-HTTP-002", "--browser", "off", "-o", t.TempDir()}
	r := cli(t, args...)
	if r.code != exitFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stdout, "SSE-HTTP-001"); n != 1 {
		t.Errorf("the passing check is printed %d times, want once:\n%s", n, r.stdout)
	}
	if n := strings.Count(r.stdout, "✖ SSE-HTTP-002"); n != 2 || !strings.Contains(r.stdout, "Expected:") {
		t.Errorf("the failing check should be a progress line and a finding with Expected/Actual (%d):\n%s", n, r.stdout)
	}
	q := cli(t, append(args, "--quiet")...)
	if q.code != exitFailed || strings.Contains(q.stdout, "SSE-HTTP-00") || strings.Contains(q.stdout, "checking") {
		t.Errorf("--quiet: exit %d, printed checks:\n%s", q.code, q.stdout)
	}
	if !strings.Contains(q.stdout, "2 checks: 1 pass, 1 fail") || !strings.Contains(q.stdout, "Reports: ") {
		t.Errorf("--quiet: no summary:\n%s", q.stdout)
	}
}

// TestSelfParsedCommand: a command written for the stdlib-flag CLI (its
// own flag set and parse) is wired with one line, selfParsed(run), once its
// "flag" import is pflag; its flags still get their SSESPEC_ variables.
func TestSelfParsedCommand(t *testing.T) {
	legacy := func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		fs := flag.NewFlagSet("legacy", flag.ContinueOnError)
		name := fs.String("name", "", "who")
		if code, ok := parse(fs, args, stderr); !ok {
			return code
		}
		fmt.Fprintf(stdout, "hello %s", *name)
		return exitOK
	}
	saved := commands
	defer func() { commands = saved }()
	commands = append(slices.Clone(commands), saved[0])
	last := &commands[len(commands)-1]
	last.name, last.summary, last.define = "legacy", "a stdlib-flag command", selfParsed(legacy)

	if r := inProcess("legacy", "--name", "flag"); r.code != exitOK || r.stdout != "hello flag" {
		t.Errorf("flag: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	t.Setenv("SSESPEC_NAME", "env")
	if r := inProcess("legacy"); r.code != exitOK || r.stdout != "hello env" {
		t.Errorf("env: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := inProcess("legacy", "--bogus"); r.code != exitUsage {
		t.Errorf("bad flag: exit %d", r.code)
	}
	if r := inProcess("legacy", "-h"); r.code != exitOK || !strings.Contains(r.stderr, "--name") {
		t.Errorf("help: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestFormatVariableIsRunsOnly: SSESPEC_FORMAT=github, as a CI job sets it
// for run, leaves list's and diff's own --format alone.
func TestFormatVariableIsRunsOnly(t *testing.T) {
	t.Setenv("SSESPEC_FORMAT", "github")
	if r := inProcess("list"); r.code != exitOK || !strings.Contains(r.stdout, "SSE-HTTP-001") {
		t.Errorf("list with SSESPEC_FORMAT=github: exit %d, stderr %q", r.code, r.stderr)
	}
	fs, err := parsed(t, "run")
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, fs, "format"); got != "github" {
		t.Errorf("run's --format from SSESPEC_FORMAT: %q, want github", got)
	}
}
