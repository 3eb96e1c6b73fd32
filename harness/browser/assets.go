package browser

import _ "embed"

// The htmx files the test page loads ship in the binary: they are product,
// not test data (versions and hashes in htmx/VERSIONS.md).
var (
	// HTMXJS is htmx.org 2.0.11 dist/htmx.min.js. Pinned to 2.x: htmx 4
	// replaces the SSE extension the browser checks exercise.
	//
	//go:embed htmx/htmx.min.js
	HTMXJS []byte

	// HTMXSSEJS is htmx-ext-sse 2.2.4 dist/sse.min.js, the extension behind
	// sse-connect, sse-swap and sse-close.
	//
	//go:embed htmx/sse.min.js
	HTMXSSEJS []byte
)
