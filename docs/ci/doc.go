// Package ci holds the CI jobs the README's "Use in CI" shows
// (github-actions.yml, gitlab-ci.yml) and their tests: the README embeds
// them verbatim, actionlint lints the workflow, the GitLab job is checked
// against GitLab's keyword reference, and both jobs' commands are run
// against examples/go. It is a module of its own so that actionlint and
// its dependencies stay out of ssespec's go.mod.
package ci
