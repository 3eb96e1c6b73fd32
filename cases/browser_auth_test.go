package cases_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ssespec/ssespec/internal/casetest"
	"github.com/ssespec/ssespec/internal/faults"
	"github.com/ssespec/ssespec/reports"
)

// TestBROWSERWithCredentialsInTheURL: a target behind Basic auth, named
// as http://user:pass@host/events, opens in the browser too (browsers refuse
// such subresource URLs; the suite sends the credentials as a header), so
// SSE-BROWSER-001 does not fail a MUST on a correct server.
func TestBROWSERWithCredentialsInTheURL(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	inner := faults.Handler("browser-ok")
	guarded := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "sse" || p != "s3cret-pw" {
			w.Header().Set("WWW-Authenticate", `Basic realm="sse"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	})
	base := casetest.Serve(t, guarded)
	url := strings.Replace(base, "http://", "http://sse:s3cret-pw@", 1) + "/events"
	casetest.Faults(t, []casetest.Case{
		{ID: "SSE-BROWSER-001", Fault: "basic-auth-in-url", URL: func(testing.TB) string { return url }, Config: browserConfig, Want: reports.Pass},
	})
}
