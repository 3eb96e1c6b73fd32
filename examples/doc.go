// Package examples holds one small SSE app per stack our users write —
// flask, fastapi, django, express and go — each started the same way,
// `examples/<stack>/serve HOST:PORT`, and judged end to end by
// examples_test.go: the whole suite in publish mode with the browser on,
// verdicts pinned in testdata/known/example-<stack>.json, and each
// example's switchable faults (SSESPEC_FAULT) caught by the check meant
// to catch them.
package examples
