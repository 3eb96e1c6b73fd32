package templates

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Outside finds listeners that can never fire: an sse-swap or an
// hx-trigger="sse:…" on an element with no sse-connect on itself or an
// ancestor (htmx-ext-sse looks the EventSource up among the element's
// ancestors only: the guides' "wrong trigger syntax" pitfall), or one the
// extension never processes: htmx runs an extension only for elements with
// hx-ext naming it on themselves or an ancestor, so without hx-ext="sse"
// over the sse-connect no EventSource opens, and without it over the
// listener none is listened to.
//
// Templates are composed (extends, include, blocks, components), so a file
// alone rarely says which element ends up inside which. Only files whose
// structure is all there are judged: a whole HTML document (it has a
// <body>) with an sse-connect of its own and no template composition.
// Every other file is skipped, never guessed about; a file whose scripts
// mention hx-ext (which may set it at run time) is not judged on hx-ext.
func Outside(dir string) ([]Location, error) {
	var out []Location
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if path != dir && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !htmlLike(d.Name()) {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > MaxFileSize {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, OutsideText(filepath.ToSlash(rel), string(b))...)
		return nil
	})
	return out, err
}

func htmlLike(name string) bool {
	for _, ext := range []string{".html", ".htm", ".jinja", ".jinja2", ".j2", ".gohtml", ".tmpl", ".njk"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

var (
	composed  = regexp.MustCompile(`\{%-?\s*(extends|include|block|import|from|macro|call|embed|component)\b|\{\{-?\s*(template|block|partial)\b|\{\{[>#]|<%-?\s*include|@(include|extends|section|yield)\b`)
	bodyTag   = regexp.MustCompile(`(?i)<body[\s>]`)
	sseTrig   = regexp.MustCompile(`(?:^|[\s,])sse:`)
	hxSSEConn = regexp.MustCompile(`(?:^|[\s,])connect:`)
)

// OutsideText is Outside for one file's text.
func OutsideText(file, text string) []Location {
	if composed.MatchString(text) || !bodyTag.MatchString(text) {
		return nil
	}
	// scope is an open element that matters: an sse-connect or an hx-ext
	// naming sse. The tokenizer builds no tree, so an element closes when
	// as many same-named end tags as start tags were seen.
	type scope struct {
		tag     string
		depth   int  // same-named tags open inside it, plus itself
		ext     int  // its hx-ext: 1 names sse, -1 ignore:sse, 0 neither
		connect bool // it opens a stream (sse-connect, or htmx 1's hx-sse connect:, which needs no extension)
		live    bool // its stream opens: htmx 1's hx-sse, or sse-connect with the extension on
		legacy  bool // htmx 1's hx-sse connect: its listeners need no extension
	}
	var scopes []scope
	// active reports whether the extension runs on an element whose own
	// hx-ext is own, inside the open scopes.
	active := func(own int) bool {
		if own != 0 {
			return own > 0
		}
		for i := len(scopes) - 1; i >= 0; i-- {
			if scopes[i].ext != 0 {
				return scopes[i].ext > 0
			}
		}
		return false
	}
	var out []Location
	hasConnect, extInScript, inScript := false, false, false
	line := 1
	z := html.NewTokenizer(strings.NewReader(text))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return nil // not HTML we can follow: say nothing
			}
			break
		}
		raw := string(z.Raw())
		at := line
		line += strings.Count(raw, "\n")
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if inScript && strings.Contains(raw, "hx-ext") {
				extInScript = true
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			inScript = tok.Data == "script" && tt == html.StartTagToken
			for i := range scopes {
				if scopes[i].tag == tok.Data {
					scopes[i].depth++
				}
			}
			connect, legacy, ext, listen := false, false, 0, ""
			for _, a := range tok.Attr {
				key := strings.TrimPrefix(a.Key, "data-")
				switch {
				case key == "sse-connect":
					connect = true
				case key == "hx-sse" && hxSSEConn.MatchString(a.Val):
					connect, legacy = true, true
				case key == "hx-ext":
					ext = extFor(a.Val)
				case key == "sse-swap":
					listen = "sse-swap"
				case key == "hx-trigger" && sseTrig.MatchString(a.Val):
					listen = "hx-trigger"
				}
			}
			on := active(ext)
			live := connect && (legacy || on)
			if listen != "" {
				inside, liveInside := connect, live
				for _, sc := range scopes {
					inside = inside || sc.connect
					liveInside = liveInside || sc.live
					legacy = legacy || sc.legacy
				}
				switch {
				case !inside:
					out = append(out, Location{File: file, Line: at, Attr: listen})
				case !legacy && !liveInside:
					out = append(out, Location{File: file, Line: at, Attr: listen, Why: `no hx-ext="sse" over its sse-connect`})
				case !legacy && !on:
					out = append(out, Location{File: file, Line: at, Attr: listen, Why: `hx-ext="ignore:sse" over it`})
				}
			}
			hasConnect = hasConnect || connect
			if (connect || ext != 0) && tt == html.StartTagToken && !voidElement(tok.Data) {
				scopes = append(scopes, scope{tag: tok.Data, depth: 1, ext: ext, connect: connect, live: live, legacy: legacy})
			}
			if tt == html.StartTagToken && voidElement(tok.Data) {
				for i := range scopes {
					if scopes[i].tag == tok.Data {
						scopes[i].depth--
					}
				}
			}
		case html.EndTagToken:
			inScript = false
			for i := len(scopes) - 1; i >= 0; i-- {
				if scopes[i].tag == tok.Data {
					scopes[i].depth--
					if scopes[i].depth == 0 {
						scopes = scopes[:i]
					}
					break
				}
			}
		}
	}
	if !hasConnect {
		return nil // an sse-connect elsewhere (another file, or added by script) may hold these
	}
	if extInScript {
		// A script may set hx-ext at run time: judge only what needs no extension.
		kept := out[:0]
		for _, l := range out {
			if l.Why == "" {
				kept = append(kept, l)
			}
		}
		out = kept
	}
	return out
}

// extFor reads an hx-ext value for the sse extension: 1 when it is named,
// -1 when it is ignored ("ignore:sse"), 0 when neither.
func extFor(v string) int {
	for _, name := range strings.Split(v, ",") {
		switch strings.TrimSpace(name) {
		case "sse":
			return 1
		case "ignore:sse":
			return -1
		}
	}
	return 0
}

func voidElement(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}
