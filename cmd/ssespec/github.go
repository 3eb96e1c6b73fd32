package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode"

	flag "github.com/spf13/pflag"

	"github.com/ssespec/ssespec/reports"
)

// ciFlags choose the CI outputs of run, proxy and demo.
type ciFlags struct {
	format    string
	reportURL string
}

func (c *ciFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "text", "console output `FORMAT`: text, or github: also print a workflow command per finding "+
		"(::error for what fails the run, ::warning for other SHOULD findings, ::notice for best practices) for GitHub Actions")
	fs.StringVar(&c.reportURL, "report-url", "", "`URL` where the uploaded report can be read, linked from the GitHub job summary "+
		"(default: the run's page, from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID)")
}

func (c ciFlags) check() error {
	if c.format != "" && c.format != "text" && c.format != "github" { // "": a command without --format
		return fmt.Errorf("--format %q: want text or github", c.format)
	}
	if c.reportURL != "" && reports.SafeLink(c.reportURL) == "" {
		return fmt.Errorf("--report-url %q: want an absolute http or https URL", c.reportURL)
	}
	return nil
}

// ghRun is one run's GitHub Actions output. On GitHub Actions (or with
// --format github) everything the run prints is fenced by stop-commands
// with an unguessable token: the runner runs a line starting with "::"
// (after spaces) or holding "##[" anywhere as a command, and the tree and
// progress lines print the target's text. The annotations come after the
// fence.
type ghRun struct {
	ciFlags
	token string
}

func (g *ghRun) start(stdout io.Writer) {
	if g.format != "github" && os.Getenv("GITHUB_ACTIONS") != "true" {
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	g.token = "ssespec-" + hex.EncodeToString(b)
	fmt.Fprintf(stdout, "::stop-commands::%s\n", g.token)
}

// finish resumes commands, prints the annotations and appends the job
// summary. A summary that cannot be written is a warning: the exit status
// stays the verdicts'.
func (g *ghRun) finish(stdout, stderr io.Writer, r *reports.Report, strict bool, reportDir string) {
	if g.token != "" {
		fmt.Fprintf(stdout, "::%s::\n", g.token)
	}
	if r == nil {
		return
	}
	if g.format == "github" {
		reports.WriteAnnotations(stdout, r, strict)
	}
	if path := os.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
		link := ""
		if reportDir != "" { // with no reports, nothing to link to
			link = g.link()
		}
		if err := appendFile(path, reports.GitHubSummary(r, strict, link)); err != nil {
			fmt.Fprintf(stderr, "ssespec: warning: could not write the GitHub job summary: %v\n", err)
		}
	}
}

// defused is stderr while the log is fenced: the runner reads stderr on
// its own pipe, so a line written just before the fence is released may be
// read after it; such lines (a TLS error naming the target's certificate,
// say) get a zero-width space inside any command syntax, which shows
// nothing and runs nothing.
type defused struct{ w io.Writer }

func (d defused) Write(b []byte) (int, error) {
	lines := strings.SplitAfter(string(b), "\n")
	for i, l := range lines {
		if rest := strings.TrimLeftFunc(l, unicode.IsSpace); strings.HasPrefix(rest, "::") { // the runner trims as .NET's TrimStart
			l = l[:len(l)-len(rest)] + ":\u200b" + rest[1:]
		}
		lines[i] = strings.ReplaceAll(l, "##[", "##\u200b[")
	}
	if _, err := io.WriteString(d.w, strings.Join(lines, "")); err != nil {
		return 0, err
	}
	return len(b), nil
}

var (
	repoName = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	runID    = regexp.MustCompile(`^[0-9]+$`)
)

// link is --report-url, else the run's page, where the uploaded artifacts are.
func (g *ghRun) link() string {
	if g.reportURL != "" {
		return g.reportURL
	}
	server, repo, id := os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_RUN_ID")
	if server == "" || !repoName.MatchString(repo) || !runID.MatchString(id) {
		return ""
	}
	return server + "/" + repo + "/actions/runs/" + id
}

// appendFile appends s: the runner gives every step its own summary file,
// and other tools in the same step may have written to it first.
func appendFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, s+"\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
