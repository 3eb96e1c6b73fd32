package browser

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp/remote"
)

// Sharing one Chromium between runs and processes: starting Chromium costs
// far more than a tab, so the project's test process starts one browser with
// StartShareable, and its suite runs and the CLI processes its tests start
// Attach to it by its DevTools address.

// StartShareable is Start with a DevTools websocket port open on loopback,
// so other processes can Attach (see Browser.DebugURL).
func StartShareable(ctx context.Context, execPath string, options ...StartOption) (*Browser, error) {
	return start(ctx, execPath, true, options)
}

// DebugURL is the DevTools websocket address of a browser started with
// StartShareable, read from the DevToolsActivePort file Chromium writes in its
// profile ("" when there is none).
func (b *Browser) DebugURL() string {
	if b.profile == "" {
		return ""
	}
	bs, err := os.ReadFile(filepath.Join(b.profile, "DevToolsActivePort"))
	if err != nil {
		return ""
	}
	port, path, ok := bytes.Cut(bytes.TrimSpace(bs), []byte("\n"))
	if !ok {
		return ""
	}
	return "ws://127.0.0.1:" + strings.TrimSpace(string(port)) + strings.TrimSpace(string(path))
}

// Attach connects to a browser another process started with StartShareable.
// Close then only disconnects: the browser stays up for its owner.
func Attach(ctx context.Context, wsURL string) (*Browser, error) {
	actx, acancel := remote.NewAllocator(context.WithoutCancel(ctx), wsURL, remote.NoModifyURL)
	b, err := connect(ctx, actx, acancel)
	if err != nil {
		return nil, fmt.Errorf("browser: attach %s: %w", wsURL, err)
	}
	b.attached = true
	return b, nil
}

// removeProfile removes the profile directory StartShareable made; the
// browser's helpers can still write in it for a moment after it stops.
func removeProfile(dir string) {
	for range 50 {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
