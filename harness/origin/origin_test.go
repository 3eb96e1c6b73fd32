package origin_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/origin"
	"github.com/ssespec/ssespec/harness/publish"
	"github.com/ssespec/ssespec/harness/stream"
)

func start(t *testing.T) *origin.Server {
	t.Helper()
	o, err := origin.Start("127.0.0.1:0", origin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Close)
	return o
}

func waitHit(t *testing.T, sc *origin.Scenario, cond func(origin.Hit) bool) origin.Hit {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !sc.Wait(ctx, func(h []origin.Hit) bool { return len(h) > 0 && cond(h[0]) }) {
		t.Fatalf("the origin's record never got there: %+v", sc.Hits())
	}
	return sc.Hits()[0]
}

func TestScriptPlaysStepsAtTheirTimesAndRecordsTheRequest(t *testing.T) {
	o := start(t)
	sc := o.Add(origin.Script{Name: "steps", End: true, Steps: []origin.Step{
		{Data: ": hello\n\n"},
		{At: 150 * time.Millisecond, Data: "id: 1\ndata: one\n\n"},
		{At: 300 * time.Millisecond, Data: "id: 2\ndata: two\n\n"},
	}})
	if !strings.HasPrefix(sc.Path, "/ssespec/steps/") {
		t.Fatalf("path %q", sc.Path)
	}
	// A proxy that keeps its location prefix still reaches the scenario.
	rec, err := stream.Record(context.Background(), stream.Request{
		URL: o.URL() + "/sse" + sc.Path, Header: http.Header{"Last-Event-Id": {"7"}},
	}, stream.Options{Duration: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != 200 || rec.Header.Get("Content-Type") != "text/event-stream" || rec.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("status %d, header %v", rec.Status, rec.Header)
	}
	if rec.End != stream.EndEOF || len(rec.Parse.Events) != 2 {
		t.Fatalf("end %s, events %+v", rec.End, rec.Parse.Events)
	}
	h := waitHit(t, sc, func(h origin.Hit) bool { return h.End != origin.EndOpen })
	if h.End != origin.EndScript || h.Header.Get("Last-Event-ID") != "7" || h.URI != "/sse"+sc.Path {
		t.Fatalf("hit %+v", h)
	}
	for i, at := range []time.Duration{0, 150 * time.Millisecond, 300 * time.Millisecond} {
		if got := h.Steps[i].Sub(h.Arrived); got < at || got > at+200*time.Millisecond {
			t.Errorf("step %d written after %v, want %v", i, got, at)
		}
	}
	// The client saw each event after the origin wrote it.
	for i, ev := range rec.Parse.Events {
		if rec.Start.Add(ev.At).Before(h.Steps[i+1]) {
			t.Errorf("event %d arrived before it was written", i+1)
		}
	}
}

func TestHeaderOverridesStatusesAndKeepalive(t *testing.T) {
	o := start(t)
	plain := o.Add(origin.Script{Name: "plain", Header: map[string]string{"X-Accel-Buffering": "", "Content-Type": "text/event-stream; charset=utf-8"},
		Keepalive: 50 * time.Millisecond})
	rec, _ := stream.Record(context.Background(), stream.Request{URL: o.URL() + plain.Path}, stream.Options{Duration: 300 * time.Millisecond})
	if _, ok := rec.Header["X-Accel-Buffering"]; ok || rec.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("header %v", rec.Header)
	}
	if n := strings.Count(string(joined(rec)), origin.KeepaliveFrame); n < 3 {
		t.Fatalf("%d keepalives in 300ms at a 50ms interval", n)
	}
	if h := waitHit(t, plain, func(h origin.Hit) bool { return h.End != origin.EndOpen }); h.End != origin.EndClient {
		t.Fatalf("the client closed, the origin recorded %q", h.End)
	}

	for _, status := range []int{204, 503} {
		sc := o.Add(origin.Script{Name: "status", Status: status, End: true, Steps: []origin.Step{{Data: "busy\n"}}})
		resp, err := http.Get(o.URL() + sc.Path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status || resp.Header.Get("Content-Type") == "text/event-stream" {
			t.Fatalf("%d: got %d %v", status, resp.StatusCode, resp.Header)
		}
		if want := map[int]string{204: "", 503: "busy\n"}[status]; string(body) != want {
			t.Fatalf("%d: body %q", status, body)
		}
	}
}

func TestBroadcastReachesEveryOpenRequest(t *testing.T) {
	o := start(t)
	sc := o.Add(origin.Script{Name: "fanout", Steps: []origin.Step{{Data: ": open\n\n"}}})
	var conns []*stream.Conn
	for range 3 {
		c, err := stream.Open(context.Background(), stream.Request{URL: o.URL() + sc.Path}, stream.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sc.Wait(ctx, func(h []origin.Hit) bool { return len(h) == 3 })
	if _, n := sc.Broadcast("id: 9\ndata: all\n\n"); n != 3 {
		t.Fatalf("broadcast to %d requests, want 3", n)
	}
	for i, c := range conns {
		if !c.WaitUntil(ctx, func(r *stream.Recording) bool { return len(r.Parse.Events) == 1 }) {
			t.Fatalf("stream %d never got the broadcast", i)
		}
	}
}

func TestLiveStreamDoneAndStrays(t *testing.T) {
	o := start(t)
	c, err := stream.Open(context.Background(), stream.Request{URL: o.URL() + "/prefix" + o.LivePath()}, stream.Options{})
	if err != nil || c.Recording().Status != 200 {
		t.Fatalf("live stream: %v %d", err, c.Recording().Status)
	}
	defer c.Close()
	if err := o.Publish(context.Background(), publish.Event{Event: "x", Data: "published"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !c.WaitUntil(ctx, func(r *stream.Recording) bool {
		return len(r.Parse.Events) > 0 && r.Parse.Events[0].Data == "published"
	}) {
		t.Fatal("the published event never arrived on the live stream")
	}
	if err := o.Publish(context.Background(), publish.Event{Event: publish.EndEvent}); err != nil {
		t.Fatal(err)
	}
	if r := c.Wait(ctx); r.End != stream.EndEOF || len(r.Parse.Events) != 1 {
		t.Fatalf("the end event should end the live stream (and not be broadcast): %s, %d events", r.End, len(r.Parse.Events))
	}
	resp, err := http.Get(o.URL() + o.DonePath())
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("done: %v %v", err, resp)
	}
	resp.Body.Close()
	resp, _ = http.Get(o.URL() + "/elsewhere")
	resp.Body.Close()
	if resp.StatusCode != 404 || len(o.Stray()) != 1 || o.Stray()[0] != "GET /elsewhere" {
		t.Fatalf("stray request: %d %v", resp.StatusCode, o.Stray())
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	if _, err := origin.Start("0.0.0.0:0", origin.Options{}); err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Fatalf("err = %v", err)
	}
}

func joined(r *stream.Recording) []byte {
	var b []byte
	for _, c := range r.Chunks {
		b = append(b, c.Data...)
	}
	return b
}
