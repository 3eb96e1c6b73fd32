package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssespec/ssespec/reports"
)

// version overrides the module's version at link time:
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/ssespec
var version string

// buildVersion is ssespec's version: the link-time override, else the main
// module's version from the build information ("v1.2.3" from go install
// …@v1.2.3, a pseudo-version or "(devel)" from a clone).
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// stampReports makes the reports carry the binary's version when the build
// knows it (a tag, a pseudo-version or the link-time override); a build
// without one keeps the source's reports.Version.
func stampReports() {
	if v := buildVersion(); v != "(devel)" {
		reports.Version = strings.TrimPrefix(v, "v")
	}
}

// versionText is what ssespec version and --version print: the version,
// then the commit it was built from when the build recorded one, then Go.
func versionText() string {
	v := buildVersion()
	if v == "(devel)" {
		// go run, or a build without VCS information: the source's version,
		// which the reports carry too, so the two never disagree.
		v = reports.Version + " (devel: built without version or commit information; go build or go install from a git clone records them)"
	}
	lines := []string{"ssespec " + v}
	if bi, ok := debug.ReadBuildInfo(); ok {
		vcs := map[string]string{}
		for _, s := range bi.Settings {
			vcs[s.Key] = s.Value
		}
		if rev := vcs["vcs.revision"]; rev != "" {
			commit := "commit " + rev
			var notes []string
			if t := vcs["vcs.time"]; t != "" {
				notes = append(notes, t)
			}
			if vcs["vcs.modified"] == "true" {
				notes = append(notes, "modified")
			}
			if len(notes) > 0 {
				commit += " (" + strings.Join(notes, ", ") + ")"
			}
			lines = append(lines, commit)
		}
	}
	lines = append(lines, fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH))
	return strings.Join(lines, "\n")
}

func cmdVersion(cmd *cobra.Command) runFunc {
	about(cmd, "version", "Prints the version of ssespec, the commit it was built from (when known) and the Go it was built with.")
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		fmt.Fprintln(stdout, versionText())
		return exitOK
	}
}
