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
// ancestor. htmx-ext-sse looks the EventSource up among the element's
// ancestors only (the guides' "wrong trigger syntax" pitfall).
//
// Templates are composed (extends, include, blocks, components), so a file
// alone rarely says which element ends up inside which. Only files whose
// structure is all there are judged: a whole HTML document (it has a
// <body>) with an sse-connect of its own and no template composition.
// Every other file is skipped, never guessed about.
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
	type open struct {
		tag   string
		depth int // same-named tags open inside it, plus itself
	}
	var connects []open
	var out []Location
	hasConnect := false
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
		case html.StartTagToken, html.SelfClosingTagToken:
			for i := range connects {
				if connects[i].tag == tok.Data {
					connects[i].depth++
				}
			}
			connect, listen := false, ""
			for _, a := range tok.Attr {
				key := strings.TrimPrefix(a.Key, "data-")
				switch {
				case key == "sse-connect", key == "hx-sse" && hxSSEConn.MatchString(a.Val):
					connect = true
				case key == "sse-swap":
					listen = "sse-swap"
				case key == "hx-trigger" && sseTrig.MatchString(a.Val):
					listen = "hx-trigger"
				}
			}
			if connect {
				hasConnect = true
				if tt == html.StartTagToken && !voidElement(tok.Data) {
					connects = append(connects, open{tag: tok.Data, depth: 1})
				}
			}
			if listen != "" && !connect && len(connects) == 0 {
				out = append(out, Location{File: file, Line: at, Attr: listen})
			}
			if tt == html.StartTagToken && voidElement(tok.Data) {
				for i := range connects {
					if connects[i].tag == tok.Data {
						connects[i].depth--
					}
				}
			}
		case html.EndTagToken:
			for i := len(connects) - 1; i >= 0; i-- {
				if connects[i].tag == tok.Data {
					connects[i].depth--
					if connects[i].depth == 0 {
						connects = connects[:i]
					}
					break
				}
			}
		}
	}
	if !hasConnect {
		return nil // an sse-connect elsewhere (another file, or added by script) may hold these
	}
	return out
}

func voidElement(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}
