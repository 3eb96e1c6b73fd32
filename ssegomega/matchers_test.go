package ssegomega_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/internal/faults"
	. "github.com/ssespec/ssespec/ssegomega"
)

var _ = Describe("a conforming server (the reference server)", func() {
	var (
		srv  *refserver.Server
		conn *stream.Conn
	)
	BeforeEach(func() {
		var url string
		srv, url = startRef()
		conn = open(url+"/events", stream.Options{})
	})

	It("has an event-stream response", func() {
		Expect(conn).To(HaveStatus(200))
		Expect(conn).To(HaveStatus(BeNumerically("<", 300)))
		Expect(conn).To(HaveContentType("text/event-stream"))
		Expect(conn).To(HaveHeader("Cache-Control", ContainSubstring("no-cache")))
		Expect(conn).To(HaveHeader("X-Accel-Buffering", "no"))

		msg := failure(func() { Expect(conn).To(HaveStatus(404)) })
		Expect(msg).To(ContainSubstring("to have status 404\nbut it had status 200"))
		msg = failure(func() { Expect(conn).To(HaveHeader("X-Request-Id")) })
		Expect(msg).To(ContainSubstring(`no "X-Request-Id" header (it had `))
		Expect(msg).To(ContainSubstring("Content-Type"))
	})

	It("receives a published event by type, data and id within a time", func() {
		next := FromNow(conn) // before publishing: only what follows counts
		_, err := srv.Publish(refserver.Event{Event: "price", Data: `{"sku":"A1"}`, ID: "42"})
		Expect(err).NotTo(HaveOccurred())

		var got Event
		Eventually(next).WithTimeout(2 * time.Second).Should(ReceiveEvent(
			WithType("price"), WithData(ContainSubstring(`"A1"`)), WithID("42"),
			Within(time.Second), StoreIn(&got)))
		Expect(got.Data).To(Equal(`{"sku":"A1"}`))
		Expect(next).NotTo(ReceiveEvent(WithType("message")))

		msg := failure(func() {
			Eventually(next).WithTimeout(300 * time.Millisecond).Should(ReceiveEvent(WithType("stock")))
		})
		Expect(msg).To(ContainSubstring(`to have received an event with type "stock"`))
		Expect(msg).To(ContainSubstring(`#1 at `))
		Expect(msg).To(ContainSubstring(`type "price", id "42", data "{\"sku\":\"A1\"}"`))
		Expect(msg).To(ContainSubstring("the stream is still open"))
	})

	It("does not count events before the mark", func() {
		_, err := srv.Publish(refserver.Event{Data: "before"})
		Expect(err).NotTo(HaveOccurred())
		Eventually(conn).Should(ReceiveEvent(WithData("before")))
		next := FromNow(conn)
		_, err = srv.Publish(refserver.Event{Data: "after"})
		Expect(err).NotTo(HaveOccurred())
		Eventually(next).Should(ReceiveEvent(WithData("after")))
		Expect(next).NotTo(ReceiveEvent(WithData("before")))
		Expect(conn).To(ReceiveEvent(WithData("before"))) // matching does not consume

		msg := failure(func() { Expect(next).To(ReceiveEvent(WithData("before"))) })
		Expect(msg).To(MatchRegexp(`but it received 1 event since the mark at [\d.]+m?s; \d+ body bytes received; the stream is still open\n  #2 at [\d.]+m?s: type "message", id "2", data "after"`))
	})

	It("delivers each event flushed on its own in its own read", func() {
		next := FromNow(conn)
		for i := range 5 {
			_, err := srv.Publish(refserver.Event{Event: "flush", Data: fmt.Sprint(i)})
			Expect(err).NotTo(HaveOccurred())
			time.Sleep(100 * time.Millisecond)
		}
		Eventually(next).Should(ReceiveEvent(WithType("flush"), WithData("4")))
		// The documented tolerance: on a loaded machine the reader can
		// stall long enough to find two events waiting (batched-flush
		// below batches all four).
		Expect(next).To(HaveBatchedReadsAtMost(1, WithType("flush")))
	})

	It("is not ended while it streams", func() {
		Expect(conn).NotTo(EndCleanly())
		msg := failure(func() { Expect(conn).To(EndCleanly()) })
		Expect(msg).To(ContainSubstring("but the stream is still open"))
	})
})

// A server that ends its stream in order, after a complete event. (Not the
// reference server's EndStreams: one landing while it writes the preamble
// cuts the stream, issue 11's "unclean end".)
var _ = Describe("a server that ends its stream (closes-cleanly)", func() {
	It("ends cleanly", func() {
		conn := open(startFault(faults.Handler("closes-cleanly")), stream.Options{})
		Expect(conn).NotTo(EndCleanly()) // three events 100 ms apart first
		Eventually(conn).WithTimeout(5 * time.Second).Should(EndCleanly())
		Expect(conn).To(ReceiveEvent(WithID("3")))
		Expect(conn.Recording()).To(EndCleanly()) // the recording it leaves
	})
})

var _ = Describe("faulty servers", func() {
	It("batches events when it flushes on a timer (batched-flush)", func() {
		url := startFault(faults.Handler("batched-flush"))
		conn := open(url+"/events", stream.Options{})
		next := FromNow(conn)
		for i := range 4 {
			publish(url, fmt.Sprintf(`{"data":"batched %d"}`, i))
			time.Sleep(100 * time.Millisecond)
		}
		Eventually(next).WithTimeout(5 * time.Second).Should(ReceiveEvent(WithData("batched 3")))

		msg := failure(func() { Expect(next).To(HaveNoBatchedReads()) })
		Expect(msg).To(ContainSubstring("to deliver each event in its own read"))
		Expect(msg).To(MatchRegexp(`one read of \d+ bytes at [\d.]+m?s carried events #1, #2`))
		Expect(msg).To(ContainSubstring(`data "batched 0"`))
		Expect(next).To(HaveBatchedReadsAtMost(2))                 // the tolerant form: one read batched them all
		Expect(next).To(HaveNoBatchedReads(WithData("batched 3"))) // one event alone is never batched
	})

	It("ends inside an event (unterminated-final-event)", func() {
		conn := open(startFault(faults.Handler("unterminated-final-event")), stream.Options{})
		msg := failure(func() { Eventually(conn).WithTimeout(5 * time.Second).Should(EndCleanly()) })
		Expect(msg).To(ContainSubstring("inside an event no blank line terminated"))
		Expect(msg).To(ContainSubstring(`"data: last"`))
	})

	It("resets the connection mid-stream", func() {
		url := startFault(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write([]byte("data: one\n\n"))
			http.NewResponseController(w).Flush()
			time.Sleep(100 * time.Millisecond)
			panic(http.ErrAbortHandler) // net/http drops the connection: no terminating chunk
		}))
		conn := open(url, stream.Options{})
		start := time.Now()
		msg := failure(func() { Eventually(conn).WithTimeout(10 * time.Second).Should(EndCleanly()) })
		Expect(msg).To(ContainSubstring("the connection failed"))
		Expect(msg).To(ContainSubstring("a reset or a truncated body"))
		Expect(msg).To(ContainSubstring(`data "one"`))
		// An ended stream cannot change: Eventually stops at once, not after 10 s.
		Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second))
	})

	It("answers with an error status (hostile-401)", func() {
		conn := open(startFault(faults.Handler("hostile-401")), stream.Options{})
		msg := failure(func() { Expect(conn).To(HaveStatus(http.StatusOK)) })
		Expect(msg).To(ContainSubstring("to have status 200\nbut it had status 401"))
		msg = failure(func() { Expect(conn).To(HaveContentType("text/event-stream")) })
		Expect(msg).To(ContainSubstring(`to have content type "text/event-stream"`))
		Expect(msg).To(ContainSubstring(`but it had Content-Type "text/plain`))
	})

	It("shows a megabyte event name bounded (hostile-1mb-event-names)", func() {
		conn := open(startFault(faults.Handler("hostile-1mb-event-names")), stream.Options{MaxBytes: 8 << 20})
		Eventually(conn).WithTimeout(5 * time.Second).Should(ReceiveEvent(WithData("3")))
		msg := failure(func() { Expect(conn).To(ReceiveEvent(WithType("price"))) })
		Expect(len(msg)).To(BeNumerically("<", 4<<10), "a bounded message")
		Expect(msg).To(MatchRegexp(`type "3-x+"… \(1048578 bytes\)`))
		printable(msg)
	})

	It("shows markup and escape sequences quoted (hostile-script)", func() {
		conn := open(startFault(faults.Handler("hostile-script")), stream.Options{})
		Eventually(conn).WithTimeout(5 * time.Second).Should(ReceiveEvent())
		msg := failure(func() { Expect(conn).To(ReceiveEvent(WithType("price"))) })
		Expect(msg).To(ContainSubstring(`\x00\x1b[31m`))
		printable(msg)
	})
})

// publish posts the publish hook's JSON to a fault Broker.
func publish(url, body string) {
	GinkgoHelper()
	resp, err := http.Post(url+"/publish", "application/json", bytes.NewBufferString(body))
	Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	Expect(resp.StatusCode).To(BeNumerically("<", 300), strings.TrimSpace(body))
}
