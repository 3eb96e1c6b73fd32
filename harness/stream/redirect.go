package stream

import (
	"errors"
	"net/http"
	"net/url"
)

// maxRedirects is how many hops a request follows.
const maxRedirects = 10

// redirectKeeps are the request headers that may follow a redirect to
// another origin: what any client sends. The user's --header values
// (Authorization, Cookie, API keys) and anything else stay with the origin
// the user named. (net/http itself drops Authorization and Cookie only for
// another host name, not for another port or scheme of the same host.)
var redirectKeeps = map[string]bool{
	"Accept": true, "Accept-Encoding": true, "Accept-Language": true, "Cache-Control": true,
	"Pragma": true, "Last-Event-Id": true, "User-Agent": true, "Origin": true,
}

// FollowRedirect is the suite's redirect policy (an http.Client's
// CheckRedirect): at most maxRedirects hops, never a Referer (it would carry
// the previous URL's query, tokens included), and on a hop to another
// origin (scheme, host or port) only the headers in redirectKeeps.
func FollowRedirect(r *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("stopped after 10 redirects")
	}
	r.Header.Del("Referer")
	if !SameOrigin(r.URL, via[0].URL) {
		for k := range r.Header {
			if !redirectKeeps[http.CanonicalHeaderKey(k)] {
				r.Header.Del(k)
			}
		}
	}
	return nil
}

// SameOrigin reports whether a and b share scheme, host and port.
func SameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && a.Hostname() == b.Hostname() && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return map[string]string{"http": "80", "https": "443"}[u.Scheme]
}
