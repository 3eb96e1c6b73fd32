package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"time"
)

// Defaults bound every recording so a hostile target cannot hang the suite or
// exhaust memory.
const (
	DefaultMaxBytes       = 16 << 20
	DefaultConnectTimeout = 5 * time.Second
	DefaultHeaderTimeout  = 10 * time.Second
)

// ErrNoHeaders is wrapped by Open's error when the response headers did not
// arrive within HeaderTimeout.
var ErrNoHeaders = errors.New("no response headers")

// Options bound one recording. Zero values take the defaults above; a zero
// Duration or IdleTimeout means no such limit (the context still applies).
type Options struct {
	Client        *http.Client
	MaxBytes      int64
	MaxLine       int
	MaxLines      int
	HeaderTimeout time.Duration
	IdleTimeout   time.Duration
	Duration      time.Duration

	// Nudge, when set, is called by Open when the headers have not arrived
	// within NudgeAfter, and again every 100 ms until they do: a server that
	// sends its headers only with its first event gets one (publish mode
	// publishes an event). HeaderTimeout still bounds the wait.
	Nudge      func(context.Context)
	NudgeAfter time.Duration
	// Budget is the bound this recording shares with others (a run's);
	// nil: the process's default (SetBudget).
	Budget *Budget
}

func (o Options) withDefaults() Options {
	if o.Client == nil {
		o.Client = NewClient(false)
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.HeaderTimeout == 0 {
		o.HeaderTimeout = DefaultHeaderTimeout
	}
	return o
}

// NewClient returns a client for stream requests: HTTP/2 over TLS when
// offered, no transparent decompression (the checks judge the raw encoding),
// bounded dialing, no overall timeout (streams are open-ended), and
// FollowRedirect's policy.
func NewClient(insecure bool) *http.Client {
	dialer := &net.Dialer{Timeout: DefaultConnectTimeout}
	tlsConfig := &tls.Config{InsecureSkipVerify: insecure}
	tr := &http.Transport{
		Proxy:                 nil, // the target is what the user named, never an environment proxy
		DialContext:           tapDialer(dialer),
		DialTLSContext:        tapTLSDialer(dialer, tlsConfig), // HTTP/1.1 over TLS is tapped too (tap.go)
		ForceAttemptHTTP2:     true,
		DisableCompression:    true,
		TLSHandshakeTimeout:   DefaultConnectTimeout,
		MaxIdleConnsPerHost:   -1, // every stream gets its own connection; reuse would hide connection limits
		DisableKeepAlives:     true,
		ResponseHeaderTimeout: 0, // enforced per request by Open
		TLSClientConfig:       tlsConfig,
	}
	return &http.Client{Transport: tr, CheckRedirect: FollowRedirect}
}
