// Package templates finds the SSE event names a frontend listens for, so
// SSE-NAME-004 can compare them with the names the server emits. It scans
// a directory of HTML, Jinja, templ, JSX/TSX, Vue/Svelte and FastHTML-style
// Python files with regular expressions for:
//
//   - htmx-ext-sse: sse-swap="a,b", sse-close="done", hx-trigger="sse:a"
//     (also with a data- prefix, and hx-sse="swap:a" from htmx 1);
//   - FastHTML keyword arguments: sse_swap="a", sse_close=…, hx_trigger="sse:a";
//   - EventSource listeners: es.addEventListener('a', …) and es.onmessage
//     ("message"), where es is a variable assigned new EventSource(…) in the
//     same file or is named like one (es, source, evtSource, sse, …).
//
// Values that are template expressions ({{ name }}, {% … %}, ${…}) cannot
// be known statically and are skipped. It is a scanner, not a parser: it
// reports what the source plainly says.
package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Location is where a listener name was found.
type Location struct {
	File string // path relative to the scanned directory, with forward slashes
	Line int    // 1-based
	Attr string // what declared it: sse-swap, sse-close, hx-trigger, hx-sse, addEventListener, onmessage
	Why  string // Outside only, when the listener is inside an sse-connect: why it still never fires
}

func (l Location) String() string {
	if l.Why != "" {
		return fmt.Sprintf("%s:%d (%s: %s)", l.File, l.Line, l.Attr, l.Why)
	}
	return fmt.Sprintf("%s:%d (%s)", l.File, l.Line, l.Attr)
}

// Limits bound a scan so a mistaken --templates / cannot walk a whole disk.
const (
	MaxFileSize = 2 << 20 // larger files are skipped
	MaxFiles    = 20000   // files read at most
	maxDepth    = 32
)

var maxFiles = MaxFiles // lowered by the tests

// ErrTruncated is returned (wrapped, with what was found so far) when the
// walk hit MaxFiles.
var ErrTruncated = errors.New("templates: scan stopped at the file limit")

// Extensions are the file types scanned.
var Extensions = []string{
	".html", ".htm", ".xhtml", ".jinja", ".jinja2", ".j2", ".tmpl", ".tpl", ".gohtml",
	".templ", ".jsx", ".tsx", ".js", ".mjs", ".ts", ".vue", ".svelte", ".astro",
	".py", ".erb", ".hbs", ".handlebars", ".mustache", ".njk", ".twig", ".liquid",
	".heex", ".eex", ".php", ".cshtml", ".razor", ".jte", ".peb",
}

// skipDirs are never descended into: dependencies and build output of
// other projects would only add their listeners.
var skipDirs = map[string]bool{
	"node_modules": true, "vendor": true, "__pycache__": true, "venv": true,
	"site-packages": true, "bower_components": true, "target": true,
}

// Scan walks dir and returns each listener name with where it was found.
func Scan(dir string) (map[string][]Location, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("templates: %s is not a directory", dir)
	}
	found := map[string][]Location{}
	files := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // unreadable entries are skipped, not fatal
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if path != dir && (skipDirs[name] || strings.HasPrefix(name, ".") || strings.Count(rel, "/") >= maxDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !scanned(d.Name()) {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > MaxFileSize {
			return nil
		}
		if files >= maxFiles {
			return fmt.Errorf("%w (%d files) in %s", ErrTruncated, maxFiles, dir)
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for name, locs := range ScanText(rel, string(b)) {
			found[name] = append(found[name], locs...)
		}
		return nil
	})
	return found, err
}

func scanned(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range Extensions {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// A quoted value: "…", '…' or `…`, optionally inside JSX braces.
const quoted = `\s*=\s*\{?\s*(?:"([^"]*)"|'([^']*)'|` + "`([^`]*)`" + `)`

var (
	// attribute (HTML/templ/JSX) or keyword argument (FastHTML).
	attrRe       = regexp.MustCompile(`(?i)(?:^|[\s(,{])(?:data[-_])?(sse[-_]swap|sse[-_]close|hx[-_]trigger|hx[-_]sse)` + quoted)
	triggerSSERe = regexp.MustCompile(`(?:^|[\s,])sse:([^\s,\[\]"'` + "`" + `]+)`)
	hxSSESwapRe  = regexp.MustCompile(`(?:^|[\s,])swap:([^\s,]+)`)

	listenerRe  = regexp.MustCompile(`([A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*)\s*\??\.\s*addEventListener\s*\(\s*(?:"([^"]*)"|'([^']*)'|` + "`([^`]*)`" + `)`)
	onmessageRe = regexp.MustCompile(`([A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*)\s*\??\.\s*onmessage\s*=[^=]`)
	newESRe     = regexp.MustCompile(`([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*=\s*new\s+(?:window\.)?EventSource\b`)
	esNameRe    = regexp.MustCompile(`(?i)^(es|sse|source|evtsource|evsource|.*eventsource|.*sse|.*source)$`)
	spaceRe     = regexp.MustCompile(`\s+`)
)

// lifecycle are EventSource's own events, not names a server emits.
var lifecycle = map[string]bool{"open": true, "error": true}

// ScanText scans one file's text; file is only used in the locations.
func ScanText(file, text string) map[string][]Location {
	found := map[string][]Location{}
	text = blankComments(text)
	lines := lineStarts(text)
	add := func(name string, at int, attr string) {
		name = strings.TrimSpace(name)
		if name == "" || dynamic(name) {
			return
		}
		found[name] = append(found[name], Location{File: file, Line: lineOf(lines, at), Attr: attr})
	}
	for _, m := range attrRe.FindAllStringSubmatchIndex(text, -1) {
		attr := strings.ToLower(strings.ReplaceAll(text[m[2]:m[3]], "_", "-"))
		val, at := value(text, m[4:])
		if dynamic(val) {
			continue
		}
		switch attr {
		case "sse-swap":
			for _, name := range strings.Split(val, ",") {
				add(name, at, attr)
			}
		case "sse-close":
			add(val, at, attr)
		case "hx-trigger":
			for _, t := range triggerSSERe.FindAllStringSubmatch(val, -1) {
				add(t[1], at, attr)
			}
		case "hx-sse":
			for _, t := range hxSSESwapRe.FindAllStringSubmatch(val, -1) {
				add(t[1], at, attr)
			}
		}
	}
	sources := map[string]bool{}
	for _, m := range newESRe.FindAllStringSubmatch(text, -1) {
		sources[norm(m[1])] = true
	}
	isSource := func(recv string) bool {
		recv = norm(recv)
		last := recv[strings.LastIndex(recv, ".")+1:]
		return sources[recv] || esNameRe.MatchString(last)
	}
	for _, m := range listenerRe.FindAllStringSubmatchIndex(text, -1) {
		name, at := value(text, m[4:])
		if isSource(text[m[2]:m[3]]) && !lifecycle[name] {
			add(name, at, "addEventListener")
		}
	}
	for _, m := range onmessageRe.FindAllStringSubmatchIndex(text, -1) {
		if isSource(text[m[2]:m[3]]) {
			add("message", m[2], "onmessage")
		}
	}
	return found
}

// commentRe matches HTML, Jinja and Go-template comments: a listener
// commented out listens for nothing.
var commentRe = regexp.MustCompile(`(?s)<!--.*?-->|\{#.*?#\}|\{\{/\*.*?\*/\}\}`)

// blankComments replaces comments with spaces, keeping line breaks so
// offsets and line numbers stay true.
func blankComments(text string) string {
	return commentRe.ReplaceAllStringFunc(text, func(c string) string {
		return strings.Map(func(r rune) rune {
			if r == '\n' {
				return r
			}
			return ' '
		}, c)
	})
}

// value returns the first matched quoted group and its offset.
func value(text string, groups []int) (string, int) {
	for i := 0; i+1 < len(groups); i += 2 {
		if groups[i] >= 0 {
			return text[groups[i]:groups[i+1]], groups[i]
		}
	}
	return "", 0
}

// dynamic reports a value computed at render time.
func dynamic(v string) bool {
	return strings.Contains(v, "{{") || strings.Contains(v, "{%") || strings.Contains(v, "${") ||
		strings.Contains(v, "<%") || strings.ContainsAny(v, "{}")
}

func norm(recv string) string {
	return strings.ReplaceAll(spaceRe.ReplaceAllString(recv, ""), "?.", ".")
}

func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func lineOf(starts []int, at int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > at })
}

// Names returns the found names, sorted.
func Names(found map[string][]Location) []string {
	out := make([]string, 0, len(found))
	for n := range found {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
