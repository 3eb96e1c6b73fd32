package ssegomega_test

import (
	"context"
	"fmt"

	"github.com/onsi/gomega"

	"github.com/ssespec/ssespec/harness/refserver"
	"github.com/ssespec/ssespec/harness/stream"
	"github.com/ssespec/ssespec/ssegomega"
)

// Outside Ginkgo, a Gomega with its own fail handler does the same: open
// the stream, mark it, make the event happen, and wait for it.
func Example() {
	srv := refserver.New(refserver.Options{}) // your server instead
	run, err := refserver.Start("127.0.0.1:0", srv)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	defer run.Close()
	g := gomega.NewGomega(func(msg string, _ ...int) { fmt.Println("FAIL:", msg) })

	conn, err := stream.Open(context.Background(), stream.Request{URL: run.URL + "/events"}, stream.Options{})
	g.Expect(err).NotTo(gomega.HaveOccurred())
	defer conn.Close()
	g.Expect(conn).To(ssegomega.HaveStatus(200))
	g.Expect(conn).To(ssegomega.HaveContentType("text/event-stream"))

	next := ssegomega.FromNow(conn)
	srv.Publish(refserver.Event{Event: "price", Data: `{"sku":"A1"}`})
	var ev ssegomega.Event
	g.Eventually(next).Should(ssegomega.ReceiveEvent(
		ssegomega.WithType("price"),
		ssegomega.WithData(gomega.ContainSubstring(`"A1"`)),
		ssegomega.StoreIn(&ev)))
	fmt.Println(ev.Type, ev.Data)
	// Output: price {"sku":"A1"}
}
