// Package ssespec is the root of the Server-Sent Events conformance suite.
package ssespec

import _ "embed"

// HTMXJS is htmx.org 2.0.11 dist/htmx.min.js (see testdata/htmx/VERSIONS.md).
// Pinned to 2.x: htmx 4 replaces the SSE extension the browser checks exercise.
//
//go:embed testdata/htmx/htmx.min.js
var HTMXJS []byte

// HTMXSSEJS is htmx-ext-sse 2.2.4 dist/sse.min.js, the extension behind
// sse-connect, sse-swap and sse-close.
//
//go:embed testdata/htmx/sse.min.js
var HTMXSSEJS []byte
