package ssegomega_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/internal/faults"
)

// startRef starts a reference server on loopback for the spec.
func startRef() (*refserver.Server, string) {
	srv := refserver.New(refserver.Options{})
	run, err := refserver.Start("127.0.0.1:0", srv)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	DeferCleanup(run.Close)
	return srv, run.URL
}

// startFault serves a fault handler (internal/faults) on loopback.
func startFault(h http.Handler) string {
	ts := httptest.NewServer(h)
	DeferCleanup(ts.Close)
	return ts.URL
}

// open opens url's stream for the spec, closed after it.
func open(url string, opts stream.Options) *stream.Conn {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	DeferCleanup(cancel)
	conn, err := stream.Open(ctx, stream.Request{URL: url}, opts)
	DeferCleanup(conn.Close)
	Expect(err).NotTo(HaveOccurred())
	return conn
}

// failure is the message an assertion fails with ("" when it passes).
func failure(assert func()) string {
	err := InterceptGomegaFailure(assert)
	if err == nil {
		return ""
	}
	GinkgoWriter.Printf("failure message:\n%s\n", err) // go test -v -ginkgo.v shows what users read
	return err.Error()
}

// printable asserts a message holds no control byte but LF: nothing a
// server sent reaches the terminal raw.
func printable(msg string) {
	GinkgoHelper()
	Expect(strings.IndexFunc(msg, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f })).To(Equal(-1), msg)
}

var _ = faults.Names // the fault servers register themselves on import
