// Package cases holds the conformance checks as Ginkgo specs, one file per
// catalog area (docs/checks.md). Each check is declared with
// suite.Check, carries its catalog ID, level and source, quotes the
// requirement it enforces, and judges recordings made by the harness.
// Find a check with: grep -rn SSE-FRAME-005 cases/
package cases
