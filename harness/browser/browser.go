package browser

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// closeTimeout bounds the graceful shutdown in Close; after it the process is
// killed.
const closeTimeout = 10 * time.Second

// Browser is one headless Chromium process shared by every Tab of a run.
type Browser struct {
	ctx         context.Context // chromedp browser context; lives until Close
	cancelAlloc context.CancelFunc
	cancelCtx   context.CancelFunc
	closeOnce   sync.Once
	closeErr    error
	profile     string // the profile directory StartShareable made
	attached    bool   // Attach: Close disconnects, the browser stays up
}

// StartOption adjusts how Start launches the browser.
type StartOption func(*[]chromedp.ExecAllocatorOption)

// IgnoreCertificateErrors makes the browser accept any TLS certificate (the
// suite's --insecure), e.g. a target's self-signed one.
func IgnoreCertificateErrors() StartOption {
	return func(o *[]chromedp.ExecAllocatorOption) {
		*o = append(*o, chromedp.Flag("ignore-certificate-errors", true))
	}
}

// Start launches a headless Chromium at execPath (see Find; "" means Find("")).
// ctx bounds the start only: the browser lives until Close. chromedp binds the
// browser's life to the context of its first Run, so that Run gets a context
// with no deadline and ctx is watched separately.
func Start(ctx context.Context, execPath string, options ...StartOption) (*Browser, error) {
	return start(ctx, execPath, false, options)
}

func start(ctx context.Context, execPath string, shareable bool, options []StartOption) (*Browser, error) {
	if execPath == "" {
		p, err := Find("")
		if err != nil {
			return nil, err
		}
		execPath = p
	}
	// The defaults already hold headless, no-first-run,
	// disable-background-networking, disable-sync and a fresh temporary
	// user-data-dir (removed on exit); chromedp adds no-sandbox as root.
	// Flag("disable-gpu") rather than chromedp.DisableGPU, which also turns on
	// SwiftShader that no check needs.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-component-update", true),
	)
	for _, o := range options {
		o(&opts)
	}
	profile := ""
	if shareable {
		// Chromium writes DevToolsActivePort in its profile; chromedp's own
		// temporary profile is not exposed, so make one we know.
		dir, err := os.MkdirTemp("", "ssespec-chromium-")
		if err != nil {
			return nil, fmt.Errorf("browser: %w", err)
		}
		profile = dir
		opts = append(opts, chromedp.UserDataDir(dir), remote.WebSocket, chromedp.Flag("remote-debugging-address", "127.0.0.1"))
	}
	actx, acancel := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	b, err := connect(ctx, actx, acancel) // starts the process
	if err != nil {
		if profile != "" {
			removeProfile(profile)
		}
		return nil, fmt.Errorf("browser: start %s: %w", execPath, err)
	}
	b.profile = profile
	return b, nil
}

// connect makes the browser context on allocator actx and runs its first
// command, which starts or reaches the browser and attaches its first tab.
// ctx bounds only that; on error everything is released.
func connect(ctx, actx context.Context, acancel context.CancelFunc) (*Browser, error) {
	bctx, bcancel := chromedp.NewContext(actx)
	stop := context.AfterFunc(ctx, bcancel)
	err := chromedp.Do(bctx)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		bcancel()
		acancel()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return nil, err
	}
	return &Browser{ctx: bctx, cancelAlloc: acancel, cancelCtx: bcancel}, nil
}

// Version reports the browser's product string, e.g. "Chrome/156.0.8078.79".
func (b *Browser) Version(ctx context.Context) (string, error) {
	var res cdpbrowser.GetVersionResult
	err := within(ctx, b.ctx, func(rctx context.Context) error {
		var err error
		res, err = chromedp.CallBrowser(rctx, cdpbrowser.GetVersion, cdp.Empty{})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("browser: version: %w", err)
	}
	return res.Product, nil
}

// Close stops the browser (gracefully, then by force) and removes its
// temporary profile. It is safe to call more than once.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		if b.attached {
			// chromedp.Cancel would close the owner's browser.
			b.cancelCtx()
			b.cancelAlloc()
			return
		}
		ctx, cancel := context.WithTimeout(b.ctx, closeTimeout)
		defer cancel()
		b.closeErr = chromedp.Cancel(ctx)
		b.cancelCtx()
		b.cancelAlloc()
		if b.profile != "" {
			removeProfile(b.profile)
		}
	})
	return b.closeErr
}

// within runs fn with a context derived from the chromedp context base (so
// chromedp finds its browser or tab) that also ends when ctx ends. Canceling
// such a derived context stops one command only, never the tab or browser.
func within(ctx, base context.Context, fn func(context.Context) error) error {
	rctx, cancel := context.WithCancel(base)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	err := fn(rctx)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// Pages lists the URLs of the browser's open pages (tabs), its own first
// blank tab included; a test uses it to show that no tab outlives its check.
func (b *Browser) Pages(ctx context.Context) ([]string, error) {
	var infos []*target.Info
	err := within(ctx, b.ctx, func(rctx context.Context) error {
		var err error
		infos, err = chromedp.Targets(rctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("browser: pages: %w", err)
	}
	var urls []string
	for _, in := range infos {
		if in.Type == "page" {
			urls = append(urls, in.URL)
		}
	}
	return urls, nil
}
