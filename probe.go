package ssespec

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/ssespec/ssespec/suite"
)

// probeTimeout bounds Probe: connecting (and the TLS handshake) only.
const probeTimeout = 10 * time.Second

// Probe tells a target that cannot be reached at all (refused, no such
// host, TLS failure) from one that answers badly: the first is a usage
// problem (exit 2), the second is what the checks judge. It only connects
// (and shakes hands over TLS); it sends no request, so the target never sees
// a stream open and close that belongs to no check, and a server that holds
// its headers back costs the run nothing here.
func Probe(ctx context.Context, cfg suite.Config) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.Scale(probeTimeout))
	defer cancel()
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return fmt.Errorf("%w: %q is not an http(s) URL", ErrUnreachable, cfg.URL)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, cfg.URL, err)
	}
	defer conn.Close()
	if u.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{
			ServerName:         u.Hostname(),
			InsecureSkipVerify: cfg.Insecure,
			NextProtos:         []string{"h2", "http/1.1"},
		})
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("%w: %s: TLS: %w", ErrUnreachable, cfg.URL, err)
		}
	}
	return nil
}
