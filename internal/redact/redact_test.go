package redact

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestURLHidesUserinfoAndQueryValues(t *testing.T) {
	Reset()
	for in, want := range map[string]string{
		"http://u:secret@127.0.0.1:8080/events?token=SECRET&x=1": "http://REDACTED@127.0.0.1:8080/events?token=REDACTED&x=REDACTED",
		"http://127.0.0.1:8080/events":                           "http://127.0.0.1:8080/events",
		"https://tok@h/p?flag":                                   "https://REDACTED@h/p?flag",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStringScrubsEveryFormOfARegisteredSecret(t *testing.T) {
	Reset()
	defer Reset()
	raw := "http://user:pa%20ss%3C1%3E@127.0.0.1:9/events?token=S3CR3T%2Bx&v=1"
	RegisterURL(raw)
	RegisterHeader(http.Header{"Authorization": {"Bearer abcdefgh"}, "Cookie": {"sid=c00kie; theme=dark"}, "Accept": {"text/plain"}})
	RegisterCookies(http.Header{"Set-Cookie": {"session=t4rg3t; Path=/; HttpOnly"}})
	u, _ := url.Parse(raw)
	texts := []string{
		raw,
		u.String(),
		fmt.Sprint(&url.Error{Op: "Get", URL: u.Redacted(), Err: fmt.Errorf("refused")}),
		"token=S3CR3T+x in a message; the JSON form S3CR3T+x; escaped S3CR3T%2Bx",
		"pa ss<1> and pa ss&lt;1&gt; and pa ss\\u003c1\\u003e",
		"Authorization: Bearer abcdefgh; Cookie: sid=c00kie; set: session=t4rg3t",
	}
	for _, s := range texts {
		out := String(s)
		for _, secret := range []string{"S3CR3T", "pa ss", "pa%20ss", "abcdefgh", "c00kie", "t4rg3t", "user:"} {
			if strings.Contains(out, secret) {
				t.Errorf("String(%q) = %q still holds %q", s, out, secret)
			}
		}
	}
	// Short query values are replaced only as key=value, not everywhere.
	if got := String("v=1 and 1 more"); got != "v=REDACTED and 1 more" {
		t.Errorf("short value: %q", got)
	}
	if got := String("text/plain"); got != "text/plain" {
		t.Errorf("a harmless header value was replaced: %q", got)
	}
}

func TestHeaderRedactsCookiesAndCredentials(t *testing.T) {
	Reset()
	h := Header(http.Header{
		"Set-Cookie":                       {"sid=abc123; Path=/; HttpOnly", "bare"},
		"Authorization":                    {"Basic dTpw"},
		"Content-Type":                     {"text/event-stream"},
		"Access-Control-Allow-Credentials": {"true"},
	})
	want := http.Header{
		"Set-Cookie":                       {"sid=REDACTED; Path=/; HttpOnly", "bare"},
		"Authorization":                    {"REDACTED"},
		"Content-Type":                     {"text/event-stream"},
		"Access-Control-Allow-Credentials": {"true"},
	}
	if fmt.Sprint(h) != fmt.Sprint(want) {
		t.Errorf("Header = %v, want %v", h, want)
	}
}

// A target chooses its cookies: one named like a report field must not
// make the reports lose that word, nor a number break report.json.
func TestTargetCookiesCannotGarbleTheReports(t *testing.T) {
	Reset()
	defer Reset()
	RegisterCookies(http.Header{"Set-Cookie": {"a=verdict; Path=/", "b=123456", "c=true"}})
	RegisterURL("http://h/?token=123456789&flag=true")
	in := `{"verdict": "pass", "duration_ms": 123456789, "ok": true} a=verdict`
	if got, want := String(in), `{"verdict": "pass", "duration_ms": 123456789, "ok": true} a=REDACTED`; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
