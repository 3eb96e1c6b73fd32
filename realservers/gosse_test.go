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

// goSSEBusy is github.com/tmaxmax/go-sse v0.11.0's verdicts with demo
// events flowing; every fail is in the README's known results.
var goSSEBusy = map[string]string{
	"SSE-HTTP-001": "pass",
	"SSE-HTTP-002": "pass",
	"SSE-HTTP-003": "pass",
	"SSE-HTTP-004": "pass",
	"SSE-HTTP-005": "fail",
	"SSE-HTTP-006": "fail",
	"SSE-HTTP-007": "fail",
	"SSE-HTTP-008": "pass",
	"SSE-HTTP-009": "pass",
	"SSE-HTTP-010": "pass",
	"SSE-HTTP-011": "skip",
	"SSE-HTTP-012": "skip",

	"SSE-FRAME-001": "pass",
	"SSE-FRAME-002": "pass",
	"SSE-FRAME-003": "pass",
	"SSE-FRAME-004": "pass",
	"SSE-FRAME-005": "pass",
	"SSE-FRAME-006": "pass",
	"SSE-FRAME-007": "skip",
	"SSE-FRAME-008": "pass",
	"SSE-FRAME-009": "pass",

	"SSE-KEEP-001": "pass",
	"SSE-KEEP-002": "pass",
	"SSE-KEEP-003": "pass",
	"SSE-KEEP-004": "skip",

	"SSE-FLUSH-001": "pass",
	"SSE-FLUSH-002": "pass",

	"SSE-NAME-001": "pass",
	"SSE-NAME-002": "pass",
	"SSE-NAME-003": "pass",
	"SSE-NAME-004": "skip",

	"SSE-DATA-001": "fail",
	"SSE-DATA-002": "pass",
	"SSE-DATA-003": "pass",
	"SSE-DATA-004": "pass",
	"SSE-DATA-005": "pass",
	"SSE-DATA-006": "fail",
	"SSE-DATA-007": "pass",

	"SSE-RESUME-001": "pass",
	"SSE-RESUME-002": "fail",
	"SSE-RESUME-003": "pass",
	"SSE-RESUME-004": "fail",
	"SSE-RESUME-005": "skip",
	"SSE-RESUME-006": "pass",

	"SSE-CONN-001": "pass",
	"SSE-CONN-002": "pass",
	"SSE-CONN-003": "skip",
	"SSE-CONN-004": "pass",
}

// goSSEIdle is its verdicts on an idle stream.
var goSSEIdle = map[string]string{
	"SSE-HTTP-010": "fail",
	"SSE-KEEP-001": "fail",
}

func TestGoSSE(t *testing.T)     { run(t, startGoSSE, true, goSSEBusy) }
func TestGoSSEIdle(t *testing.T) { run(t, startGoSSE, false, goSSEIdle) }
