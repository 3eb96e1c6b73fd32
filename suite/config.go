package suite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/publish"
)

// Capability is something the target claims to support; a check that needs
// an absent capability is skipped with the reason, never failed.
type Capability string

const (
	CapIDs    Capability = "ids"    // the target puts ids on its events
	CapReplay Capability = "replay" // it replays events after Last-Event-ID
	CapDone   Capability = "done"   // DoneURL answers 204 once the stream is finished
	// CapEnd: publishing the control event publish.EndEvent makes the target end every
	// open stream the way a finished 200 response ends, instead of
	// broadcasting it, and keep serving, so clients reconnect with
	// Last-Event-ID. Only the browser's reconnect checks use it; they publish
	// it after every other stream of the run is done, since it ends them all.
	CapEnd Capability = "end"
)

// PublishFunc makes the target emit ev to its open streams (the Go
// library entry's publish hook).
type PublishFunc func(ctx context.Context, ev publish.Event) error

// Config is one run's configuration. The CLI and the Go library entry both
// fill it; Defaults fills what they left zero.
type Config struct {
	Mode     Mode        // observe, publish or proxy; derived when empty
	URL      string      // the stream URL under test
	Header   http.Header // extra request headers for every stream request
	Insecure bool        // skip TLS verification

	KeepaliveMax time.Duration // longest acceptable silence (SSE-KEEP-001)
	Window       time.Duration // shared observation window; default KeepaliveMax + 5s
	Slow         bool          // run checks labelled slow
	Hold         time.Duration // how long slow checks hold a stream open
	Strict       bool          // SHOULD failures fail the run too

	LabelFilter string // Ginkgo label filter expression
	ReportDir   string // where reports are written; "" writes none

	Origin        string        // --origin: the page origin for CORS checks
	LatencyBudget time.Duration // publish→receipt budget
	Clients       int           // concurrent streams for SSE-CONN-001

	PublishURL   string      // POST target for the publish hook
	PublishCmd   string      // shell command fed the event JSON on stdin
	PublishFunc  PublishFunc // library entry: publish in-process
	Capabilities []Capability
	DoneURL      string
	Events       []string // event names the frontend listens for
	Templates    string   // directory scanned for listener names
	EventsDoc    string   // Markdown channel document listing the event names (SSE-NAME-004)

	Browser     string // auto, on or off
	BrowserPath string
	BrowserURL  string // DevTools websocket address of a running Chromium to use instead of starting one

	Via        string // proxy mode: the proxy URL the suite sends client requests to
	OriginAddr string // proxy mode: loopback address the suite's origin listens on
	// ProxyOrigin is proxy mode's origin when the caller started it
	// (ssespec.Run does, on OriginAddr, and cases.ProxyConfig sets it);
	// nil: the run starts its own on OriginAddr when a check first needs it.
	ProxyOrigin *origin.Server
	// OriginHeader is proxy mode's --origin-header: the app's real response
	// headers, which the origin sends on its streams besides Content-Type.
	OriginHeader http.Header
	ProbeWait    time.Duration // proxy mode: how long the first proxied request is retried (Timeouts.ProbeWait)

	MaxLine  int   // parser line limit
	MaxBytes int64 // per-recording body cap

	Timeout time.Duration // the whole run's deadline; past it the run reports what it has and fails

	// ImplName, ImplVersion and ImplURL name the implementation under test
	// (--impl-*); the reports carry them, no check reads them.
	ImplName, ImplVersion, ImplURL string

	// TimeScale multiplies the harness's waits (Window, ProbeWait, Timeout
	// and their defaults), never the thresholds that define conformance
	// (see Timeouts); 0 or 1 leaves them as they are.
	TimeScale   float64
	waitsScaled bool // Defaults scaled the waits already

	// Capture, when set, is judged instead of a live target (ssespec
	// judge): it is the shared observation, and checks whose Meta.Offline
	// does not fit it skip (offline.go).
	Capture *Capture

	// run is the run this configuration was read from (Current), whose
	// state its methods use: the hook's health, the nudges, whether the
	// shared stream got headers. nil in a configuration not yet run.
	run *Run
}

// DefaultClients is how many concurrent streams SSE-CONN-001 opens.
const DefaultClients = 50

// Defaults returns c with zero fields set to their defaults
// (DefaultTimeouts for the durations) and its waits scaled by TimeScale.
func (c Config) Defaults() Config {
	d := DefaultTimeouts()
	if !c.waitsScaled {
		// Waits the caller set are scaled here, the defaults as they are
		// filled below; a second Defaults changes nothing.
		c.waitsScaled = true
		c.Window = c.Scale(c.Window)
		c.ProbeWait = c.Scale(c.ProbeWait)
		c.Timeout = c.Scale(c.Timeout)
	}
	if c.KeepaliveMax == 0 {
		c.KeepaliveMax = d.KeepaliveMax
	}
	if c.Window == 0 {
		c.Window = c.KeepaliveMax + c.Scale(d.WindowSlack)
	}
	if c.Hold == 0 {
		c.Hold = d.Hold
	}
	if c.LatencyBudget == 0 {
		c.LatencyBudget = d.LatencyBudget
	}
	if c.Clients == 0 {
		c.Clients = DefaultClients
	}
	if c.Browser == "" {
		c.Browser = "auto"
	}
	if c.Timeout == 0 {
		c.Timeout = c.Scale(d.Run)
		if c.Slow {
			c.Timeout += 3 * c.Hold // slow checks hold streams for --hold, some one after another
		}
	}
	if c.DoneURL != "" && !c.Has(CapDone) {
		c.Capabilities = append(c.Capabilities, CapDone)
	}
	if c.Mode == "" && c.Via != "" {
		c.Mode = Proxy
	}
	if c.ProbeWait == 0 {
		c.ProbeWait = c.Scale(d.ProbeWait)
	}
	if c.Mode == "" {
		c.Mode = Observe
		if c.CanPublish() {
			c.Mode = Publish
		}
	}
	return c
}

// Validate reports a usage error in c.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if c.Capture != nil {
		u, err = &url.URL{Scheme: "http", Host: "capture"}, nil // no target to reach
	}
	switch {
	case c.URL == "" && c.Capture == nil:
		return errors.New("no target: pass --url http://host:port/path")
	case err != nil:
		return fmt.Errorf("--url %q: %w", c.URL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("--url %q: scheme must be http or https", c.URL)
	case u.Host == "":
		return fmt.Errorf("--url %q: no host", c.URL)
	case c.KeepaliveMax < 0 || c.Window < 0 || c.Hold < 0 || c.LatencyBudget < 0 || c.Timeout < 0 || c.ProbeWait < 0:
		return errors.New("durations must not be negative")
	case c.validateTimeScale() != nil:
		return c.validateTimeScale()
	case c.Clients < 0:
		return fmt.Errorf("--clients %d: must not be negative (0 means the default, %d)", c.Clients, DefaultClients)
	case c.MaxLine < 0 || c.MaxBytes < 0:
		return errors.New("--max-line and --max-bytes must not be negative")
	case c.Browser != "" && c.Browser != "auto" && c.Browser != "on" && c.Browser != "off":
		hint := ""
		if strings.ContainsAny(c.Browser, `/\`) {
			// The project's own tests read SSESPEC_BROWSER as a path.
			hint = "; a browser's executable is --browser-path (SSESPEC_BROWSER_PATH)"
		}
		return fmt.Errorf("--browser %q (or SSESPEC_BROWSER): want auto, on or off%s", c.Browser, hint)
	case c.BrowserURL != "" && !strings.HasPrefix(c.BrowserURL, "ws://") && !strings.HasPrefix(c.BrowserURL, "wss://"):
		return fmt.Errorf("--browser-url %q: want the DevTools websocket address, ws://HOST:PORT/devtools/browser/ID", c.BrowserURL)
	case c.Origin != "" && !strings.Contains(c.Origin, "://"):
		return fmt.Errorf("--origin %q: want scheme://host[:port]", c.Origin)
	}
	for _, cp := range c.Capabilities {
		if !slices.Contains([]Capability{CapIDs, CapReplay, CapDone, CapEnd}, cp) {
			return fmt.Errorf("unknown capability %q (known: ids, replay, done, end)", cp)
		}
	}
	return nil
}

// CanPublish reports whether the suite can make the target emit events.
func (c Config) CanPublish() bool {
	return c.PublishURL != "" || c.PublishCmd != "" || c.PublishFunc != nil
}

// Has reports whether the target claims capability cp.
func (c Config) Has(cp Capability) bool { return slices.Contains(c.Capabilities, cp) }
