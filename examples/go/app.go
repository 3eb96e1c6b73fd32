package main

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed templates
var templatesFS embed.FS

var page = template.Must(template.ParseFS(templatesFS, "templates/index.html"))

type app struct {
	cfg    config
	broker *broker
}

func newApp(cfg config) *app { return &app{cfg: cfg, broker: newBroker()} }

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { _ = page.Execute(w, nil) })
	mux.HandleFunc("GET /events", a.events)
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<p>Status refreshed at %s</p>", time.Now().Format(time.TimeOnly))
	})
	// A finished job's stream answers 204: EventSource stops reconnecting.
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	if a.cfg.publish {
		mux.HandleFunc("POST /publish", a.publish)
	}
	return mux
}

// events is the stream: headers at once, retry:, the replay after
// Last-Event-ID, then live events and keepalive comments.
func (a *app) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache, no-transform")
	if a.cfg.fault != "no-accel-header" { // the pitfall: behind stock nginx, events wait in its buffers
		h.Set("X-Accel-Buffering", "no") // nginx: do not buffer this response
	}
	s, replay := a.broker.subscribe(r.Header.Get("Last-Event-ID"))
	defer a.broker.unsubscribe(s)
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, ": connected\nretry: %d\n\n", a.cfg.retryMS)
	for _, f := range replay {
		_, _ = w.Write(f)
	}
	if err := rc.Flush(); err != nil {
		return
	}
	if a.cfg.fault == "stream-ends" {
		return // the pitfall: a handler that returns ends the stream; EventSource reconnects in a loop
	}
	keep := time.NewTicker(a.cfg.keepalive)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case f := <-s.queue:
			if _, err := w.Write(f); err != nil {
				return
			}
		case <-keep.C:
			if _, err := io.WriteString(w, ": keepalive\n\n"); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// endEvent is the suite's control event: end every open stream.
const endEvent = "ssespec:end"

// publish is the suite's publish hook, routed only when SSESPEC_PUBLISH=1:
// POST {"event","data","id"}. Names with CR or LF are refused, since they
// would end the event: line and inject a field.
func (a *app) publish(w http.ResponseWriter, r *http.Request) {
	var ev struct{ Event, Data, ID string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch {
	case ev.Event == endEvent:
		a.broker.endAll()
	case strings.ContainsAny(ev.Event, "\r\n") || !utf8.ValidString(ev.Event+ev.Data):
		http.Error(w, "event name must be one line of UTF-8", http.StatusBadRequest)
		return
	default:
		a.broker.publish(ev.Event, ev.Data)
	}
	w.WriteHeader(http.StatusNoContent)
}

// demo is the page's job: progress steps, a notification, a refresh
// trigger and the closing "complete", then the next job.
func (a *app) demo(ctx context.Context) {
	notification := "notification"
	if a.cfg.fault == "event-name-mismatch" {
		notification = "notifications" // the pitfall: the template listens for "notification"
	}
	t := time.NewTicker(a.cfg.tick)
	defer t.Stop()
	for job := 1; ; job++ {
		for step := 1; step <= 5; step++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			pct := step * 20
			a.broker.publish("progress", fmt.Sprintf("<progress value=\"%d\" max=\"100\"></progress>\n<span>job %d: %d%%</span>", pct, job, pct))
			switch step {
			case 2:
				a.broker.publish(notification, fmt.Sprintf("<li>job %d started</li>", job))
			case 3:
				// Data even here: an empty-data event reads as a heartbeat sent as an event (SSE-KEEP-003).
				a.broker.publish("refresh", fmt.Sprintf("job %d", job))
			case 5:
				a.broker.publish("complete", fmt.Sprintf("<p>job %d complete</p>", job))
			}
		}
	}
}
