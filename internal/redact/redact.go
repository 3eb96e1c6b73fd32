// Package redact keeps credentials out of everything the suite writes: the
// console, the reports and Ginkgo's log. The user's URLs (userinfo and query
// values), credential-bearing request headers and the target's cookies are
// registered once; String and Bytes then replace every registered secret,
// in the forms the writers escape it to (URL, HTML, JSON), with Mark.
package redact

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Mark replaces a secret.
const Mark = "REDACTED"

// minBare is the shortest secret replaced wherever it appears; shorter ones
// (and numbers) only where their context marks them (user:pass@,
// key=value), so a value like "1" or "true" does not blank every 1 or
// break report.json's syntax.
const minBare = 6

var reg = struct {
	sync.Mutex
	pairs map[string]string // secret form → replacement
	r     *strings.Replacer
}{pairs: map[string]string{}}

// URL returns raw with its userinfo and query values replaced by Mark.
// Text that does not parse as a URL is scrubbed as String does.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.User == nil && u.RawQuery == "") {
		return String(raw)
	}
	if u.User != nil {
		u.User = url.User(Mark)
	}
	u.RawQuery = query(u.RawQuery)
	return String(u.String())
}

// query replaces each value of a raw query string, keeping keys and order.
func query(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		if k, v, ok := strings.Cut(p, "="); ok && v != "" {
			parts[i] = k + "=" + Mark
		}
	}
	return strings.Join(parts, "&")
}

// RegisterURL registers the secrets of a URL the user passed: the whole URL
// (as typed and as Go prints it), its userinfo and its query values.
func RegisterURL(raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.User == nil && u.RawQuery == "") {
		return
	}
	red := URL(raw)
	add(raw, red)
	add(u.String(), red)
	if u.User != nil {
		name := u.User.Username()
		pass, hasPass := u.User.Password()
		if hasPass {
			add(name+":"+pass+"@", Mark+"@")
			add(url.UserPassword(name, pass).String()+"@", Mark+"@")
			add(name+":***@", Mark+"@") // how net/http's errors print it
			add(name+":xxxxx@", Mark+"@")
			bare(pass)
		}
		if name != "" {
			add(name+"@", Mark+"@")
			add(url.User(name).String()+"@", Mark+"@")
		}
		if len(name) >= 8 { // a token used as the user name
			bare(name)
		}
	}
	for _, p := range strings.Split(u.RawQuery, "&") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		add(k+"="+v, k+"="+Mark)
		dk, _ := url.QueryUnescape(k)
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		add(dk+"="+dv, dk+"="+Mark)
		if secretName(dk) || len(dv) >= 8 {
			bare(dv)
		}
	}
}

// RegisterHeader registers the values of credential-bearing headers the
// user passed (--header), and each credential inside them.
func RegisterHeader(h http.Header) {
	for k, vs := range h {
		if !secretName(k) {
			continue
		}
		for _, v := range vs {
			bare(v)
			if _, cred, ok := strings.Cut(v, " "); ok { // Authorization: Scheme credentials
				bare(strings.TrimSpace(cred))
			}
			registerCookies(v, true)
		}
	}
}

// RegisterCookies registers the values of a response's Set-Cookie headers:
// the target's session tokens are credentials too. Only as name=value: a
// hostile target must not choose words ("verdict") that the reports then
// lose everywhere.
func RegisterCookies(h http.Header) {
	for _, sc := range h.Values("Set-Cookie") {
		first, _, _ := strings.Cut(sc, ";")
		registerCookies(first, false)
	}
}

// registerCookies registers each value of "a=b; c=d"; alone too when bare.
func registerCookies(v string, alone bool) {
	for _, c := range strings.Split(v, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(c), "=")
		if !ok || val == "" {
			continue
		}
		add(name+"="+val, name+"="+Mark)
		if alone {
			bare(strings.Trim(val, `"`))
		}
	}
}

// Header returns a copy of h with the values of cookies and credentials
// replaced: Set-Cookie keeps the cookie's name and attributes.
func Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		vs = slices.Clone(vs)
		for i, v := range vs {
			switch {
			case http.CanonicalHeaderKey(k) == "Set-Cookie":
				first, rest, _ := strings.Cut(v, ";")
				if name, _, ok := strings.Cut(first, "="); ok {
					v = name + "=" + Mark
					if rest != "" {
						v += ";" + rest
					}
				}
				vs[i] = v
			case credentialHeader(k):
				vs[i] = Mark
			default:
				vs[i] = String(v)
			}
		}
		out[k] = vs
	}
	return out
}

// credentialHeader reports response headers whose whole value is a
// credential (narrower than secretName: Access-Control-Allow-Credentials or
// WWW-Authenticate are evidence, not secrets).
func credentialHeader(name string) bool {
	switch n := strings.ToLower(name); n {
	case "authorization", "proxy-authorization", "cookie", "cookie2":
		return true
	default:
		return strings.Contains(n, "token") || strings.Contains(n, "secret") || strings.Contains(n, "api-key") || strings.Contains(n, "apikey")
	}
}

// secretName reports the names of query parameters and user-supplied
// headers that carry credentials.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"auth", "token", "key", "secret", "pass", "pwd", "cookie", "session", "sig", "jwt", "credential", "code"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// bare registers a secret to replace wherever it appears (when long enough).
func bare(v string) {
	if len(v) >= minBare && strings.Trim(v, "0123456789.-+eE") != "" {
		add(v, Mark)
	}
}

// add registers secret (and the forms URL, HTML and JSON escaping give it)
// to be replaced by with.
func add(secret, with string) {
	if secret == "" || secret == with {
		return
	}
	reg.Lock()
	defer reg.Unlock()
	for _, form := range forms(secret) {
		if _, ok := reg.pairs[form]; !ok && form != with {
			reg.pairs[form] = with
			reg.r = nil
		}
	}
}

func forms(s string) []string {
	j, _ := json.Marshal(s)
	out := []string{s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s), string(j[1 : len(j)-1])}
	slices.Sort(out)
	return slices.Compact(out)
}

func replacer() *strings.Replacer {
	reg.Lock()
	defer reg.Unlock()
	if reg.r == nil {
		keys := make([]string, 0, len(reg.pairs))
		for k := range reg.pairs {
			keys = append(keys, k)
		}
		// Longest first: at one position the replacer takes the first
		// pattern listed, and the whole URL must win over its parts.
		slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
		args := make([]string, 0, 2*len(keys))
		for _, k := range keys {
			args = append(args, k, reg.pairs[k])
		}
		reg.r = strings.NewReplacer(args...)
	}
	return reg.r
}

// String replaces every registered secret in s.
func String(s string) string { return replacer().Replace(s) }

// Bytes replaces every registered secret in b.
func Bytes(b []byte) []byte {
	r := replacer()
	s := string(b)
	if out := r.Replace(s); out != s {
		return []byte(out)
	}
	return b
}

// Reset forgets every registered secret (for tests).
func Reset() {
	reg.Lock()
	defer reg.Unlock()
	reg.pairs = map[string]string{}
	reg.r = nil
}
