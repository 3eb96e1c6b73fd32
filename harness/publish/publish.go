// Package publish is the publish hook client: how the suite makes a target
// emit an event of its choosing — POST JSON to a URL, JSON on a command's
// stdin, or a Go function (the library entry).
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// Event is the publish hook's JSON: {"event":"","data":"","id":""}.
type Event struct {
	Event string `json:"event"`
	Data  string `json:"data"`
	ID    string `json:"id,omitempty"`
}

// EndEvent is the contract's optional "end" control event (the target's
// "end" capability): publishing {"event":"ssespec:end"} ends every stream
// the target has open, the way a finished 200 response ends, instead of
// broadcasting it; the target keeps serving, so clients reconnect with
// Last-Event-ID.
const EndEvent = "ssespec:end"

// Publisher makes the target emit ev to its open streams.
type Publisher interface {
	Publish(ctx context.Context, ev Event) error
	String() string // for messages: what the hook is
}

// Timeout bounds one publish call.
const Timeout = 10 * time.Second

// URL posts the event as JSON and expects a 2xx answer.
func URL(client *http.Client, url string, header http.Header) Publisher {
	return urlHook{client: client, url: url, header: header}
}

type urlHook struct {
	client *http.Client
	url    string
	header http.Header
}

func (h urlHook) String() string { return "POST " + h.url }

func (h urlHook) Publish(ctx context.Context, ev Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range h.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("publish hook %s: %w", h, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return &StatusError{Hook: h.String(), Code: resp.StatusCode, Body: strings.TrimSpace(string(msg))}
	}
	return nil
}

// StatusError is a hook's answer other than 2xx.
type StatusError struct {
	Hook string
	Code int
	Body string // the first 512 bytes of the answer
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("publish hook %s answered %d: %s", e.Hook, e.Code, e.Body)
}

// NoSuchHook says the answer means the URL is not a publish hook at all
// (404, 405, 410, 501), as opposed to one refusing this event (400 for a
// name with a line break is correct behaviour).
func (e *StatusError) NoSuchHook() bool {
	switch e.Code {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusGone, http.StatusNotImplemented:
		return true
	}
	return false
}

// Command runs `sh -c cmd` with the event JSON on stdin; exit 0 is success.
func Command(cmd string) Publisher { return cmdHook(cmd) }

type cmdHook string

func (c cmdHook) String() string { return "command " + string(c) }

func (c cmdHook) Publish(ctx context.Context, ev Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", string(c))
	cmd.Stdin = bytes.NewReader(append(body, '\n'))
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("publish command %q: %w: %s", string(c), err, strings.TrimSpace(string(tail(out, 512))))
	}
	return nil
}

// Func adapts an in-process publish function (the Go library entry).
func Func(f func(ctx context.Context, ev Event) error) Publisher { return funcHook(f) }

type funcHook func(ctx context.Context, ev Event) error

func (f funcHook) String() string                              { return "publish function" }
func (f funcHook) Publish(ctx context.Context, ev Event) error { return f(ctx, ev) }

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
