// Package ssegomega is a set of Gomega matchers over ssespec's recorded
// streams, for teams that write their own Server-Sent Events specs in their
// own Ginkgo (or plain go test + Gomega) suites: receive an event by type,
// data or id, within a time; no two events in one read; the response's
// status and headers; a clean end.
//
// Open the stream with harness/stream, which records every read with its
// arrival time and parses the body with ssespec's strict WHATWG parser as
// it arrives; then match the live *stream.Conn, a Mark of it, or the
// *stream.Recording it leaves:
//
//	conn, err := stream.Open(ctx, stream.Request{URL: url}, stream.Options{})
//	Expect(err).NotTo(HaveOccurred())
//	DeferCleanup(conn.Close)
//	Expect(conn).To(ssegomega.HaveStatus(200))
//	Expect(conn).To(ssegomega.HaveContentType("text/event-stream"))
//
//	next := ssegomega.FromNow(conn) // before the action: only events after it count
//	publish("price", `{"sku":"A1"}`)
//	Eventually(next).WithTimeout(2 * time.Second).Should(ssegomega.ReceiveEvent(
//		ssegomega.WithType("price"), ssegomega.WithData(ContainSubstring(`"A1"`))))
//
// Matching never consumes: a matcher judges every event recorded so far (or
// since the Mark), so the same event can satisfy several assertions, and
// Eventually simply re-judges the growing recording until it matches. Once
// the recording has ended, the matchers tell Eventually that nothing can
// change any more, so it fails at once instead of waiting out its timeout.
//
// Failure messages show what was received, bounded and quoted (a hostile
// server's megabyte event or escape sequences never reach the terminal):
// the last events with their arrival times, the reads that carried several
// events, how the stream ended.
//
// These matchers are for a team's own, application-specific expectations
// (this page publishes "price" within 100 ms). Whether a server conforms to
// the standard, and works behind proxies and in browsers, is what the
// catalog's checks judge: run `ssespec run` (or the ssespectest package)
// for those verdicts; this package does not reimplement them.
//
// A matcher value keeps what it judged last for its failure message: use
// one per assertion, as with Gomega's own matchers.
package ssegomega
