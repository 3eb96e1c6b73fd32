package casetest

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/browser"
	"github.com/ssespec/ssespec/suite"
)

// BrowserMain runs a test package's tests with one Chromium shared by every
// suite they run: starting Chromium per suite costs seconds of CPU on a
// two-core machine. The runs attach through suite.EnvBrowserURL, as do the
// CLI processes some tests start; when that variable is already set no
// second browser is started.
// Without Chromium the tests run as they would anyway (and skip or fail on
// their own terms). A tab still open after the tests fails the package: a
// check that leaks tabs would leak them in users' runs too.
// Use it as: func TestMain(m *testing.M) { os.Exit(casetest.BrowserMain(m)) }
func BrowserMain(m *testing.M) int {
	// The tests run up to -parallel suites side by side in this process, as
	// many processes' worth of streams on one Go scheduler: with a P per
	// core, one run's parsing or fan-out holds both Ps for whole time
	// slices while another run's timing check waits to read. More Ps than
	// cores hand that sharing to the kernel, which wakes a waiting reader
	// at once, as it did when each run had its own process.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 8))
	}
	if os.Getenv(suite.EnvBrowserURL) != "" {
		return m.Run()
	}
	path, err := browser.Find(os.Getenv("SSESPEC_BROWSER"))
	if err != nil {
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	b, err := browser.StartShareable(ctx, path)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "casetest: no shared Chromium (%v); each suite starts its own\n", err)
		return m.Run()
	}
	defer b.Close()
	os.Setenv(suite.EnvBrowserURL, b.DebugURL())
	defer os.Unsetenv(suite.EnvBrowserURL)
	code := m.Run()
	if left := leftPages(b); len(left) > 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "casetest: tabs outlived their checks in the shared Chromium: %q\n", left)
		code = 1
	}
	return code
}

// leftPages lists the pages still open in the shared browser after the
// tests. Blank tabs hold no stream and are not counted (the browser's first
// tab, and each attachment's). Closing is asynchronous, so it allows a few
// seconds for the last pages to go.
func leftPages(b *browser.Browser) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		pages, err := b.Pages(ctx)
		if err != nil {
			return []string{err.Error()}
		}
		left := slices.DeleteFunc(pages, func(u string) bool { return u == "about:blank" })
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}
