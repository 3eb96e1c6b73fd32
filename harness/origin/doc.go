// Package origin is proxy mode's scripted origin: the suite itself plays the
// SSE server and the proxy under test sits between the suite's client and
// it, the way cache-tests puts a cache behind an origin it controls.
//
// Every scenario a check needs is a Script registered with Add, served under
// its own path /ssespec/<name>/<nonce>, so the origin knows which check (and
// which leg of it: direct or proxied) each request belongs to. For every
// request the origin records what reached it (method, path, headers), when
// each step of the script was written, and when and why the response ended
// (script done, client gone), so a check can compare a request made directly
// with the same request made through the proxy.
//
// The origin also serves a live stream (the reference server) under
// /ssespec/stream/<nonce>, which the suite's publish hook feeds (Publish),
// and a 204 "done" answer under /ssespec/done/<nonce>: with them, checks
// written for a direct target run unchanged through the proxy.
//
// Requests are matched on the path's /ssespec/ segment wherever it appears,
// so a proxy that forwards /sse/ssespec/... unchanged and one that strips
// its location prefix both work.
package origin
