package realservers_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	sse "github.com/tmaxmax/go-sse"

	"github.com/ssespec/ssespec/harness/publish"
)

// startGoSSE serves github.com/tmaxmax/go-sse the way its README and
// cmd/complex do: an sse.Server whose Joe provider replays through an
// auto-ID replayer (the library assigns the ids), published with
// Server.Publish. The library has no keepalive of its own to configure.
func startGoSSE(t *testing.T, withDemo bool) adapter {
	replayer, err := sse.NewFiniteReplayer(1024, true)
	if err != nil {
		t.Fatal(err)
	}
	srv := &sse.Server{Provider: &sse.Joe{Replayer: replayer}}
	mux := http.NewServeMux()
	mux.Handle("/events", srv)
	ts := httptest.NewServer(mux)

	emit := func(ev publish.Event) error {
		if ev.ID != "" {
			return errors.New("go-sse adapter: the auto-ID replayer assigns ids itself and refuses a message that has one")
		}
		m := &sse.Message{}
		if ev.Event != "" {
			typ, err := sse.NewType(ev.Event)
			if err != nil {
				return err
			}
			m.Type = typ
		}
		m.AppendData(ev.Data)
		return srv.Publish(m)
	}
	stop := func() {}
	if withDemo {
		stop = demo(emit)
	}
	t.Cleanup(func() {
		stop()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		ts.CloseClientConnections()
		ts.Close()
	})
	return adapter{
		URL:     ts.URL + "/events",
		Publish: func(_ context.Context, ev publish.Event) error { return emit(ev) },
	}
}

func TestGoSSE(t *testing.T)     { run(t, startGoSSE, true, "go-sse-busy") }
func TestGoSSEIdle(t *testing.T) { run(t, startGoSSE, false, "go-sse-idle") }
