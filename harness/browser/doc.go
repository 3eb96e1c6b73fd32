// Package browser drives one headless Chromium with chromedp to run the
// suite's htmx checks (SSE-BROWSER-*): it builds a self-contained htmx 2 +
// htmx-ext-sse page, serves it on the target's own origin by intercepting the
// navigation with the DevTools Fetch domain (so the EventSource talks to the
// target directly: same origin, no CORS, no proxy in between), and collects
// what the browser saw: DevTools network events (Log) and the htmx events a
// recorder script stores in the page (Recorded).
//
// Start one Browser per run and Open one Tab per check. Times in Log and
// Recorded are relative to the Tab's open, so they can be compared with each
// other and with server-side observations.
package browser
