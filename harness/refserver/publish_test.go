package refserver

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEventFraming(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	st := openStream(t, ts.URL+"/events", nil)
	st.waitLen(len(preamble3s), 5*time.Second)

	big := strings.Repeat("x", 1<<20-4) + "é€" // 1 MiB, ending in multi-byte runes
	cases := []struct {
		name     string
		ev       Event
		wire     string // after the id line
		wantData string
	}{
		{"multi-line", Event{Data: "a\nb\nc"}, "data: a\ndata: b\ndata: c\n\n", "a\nb\nc"},
		{"CRLF", Event{Data: "a\r\nb"}, "data: a\ndata: b\n\n", "a\nb"},
		{"lone CR", Event{Data: "a\rb"}, "data: a\ndata: b\n\n", "a\nb"},
		{"mixed and trailing", Event{Data: "a\r\n\r\nb\r"}, "data: a\ndata: \ndata: b\ndata: \n\n", "a\n\nb\n"},
		{"empty", Event{Data: ""}, "data: \n\n", ""},
		{"leading space", Event{Data: " x"}, "data:  x\n\n", " x"},
		{"NUL and separators", Event{Data: "a\x00b\u2028c\u2029d\u0085e é😀"}, "data: a\x00b\u2028c\u2029d\u0085e é😀\n\n", "a\x00b\u2028c\u2029d\u0085e é😀"},
		{"named", Event{Event: "Foo-bar_baz.qux:é", Data: "x"}, "event: Foo-bar_baz.qux:é\ndata: x\n\n", "x"},
		{"html fragment", Event{Event: "swap", Data: "<div id=\"x\">\n  <p>hi</p>\n</div>"}, "event: swap\ndata: <div id=\"x\">\ndata:   <p>hi</p>\ndata: </div>\n\n", "<div id=\"x\">\n  <p>hi</p>\n</div>"},
		{"1 MiB", Event{Data: big}, "data: " + big + "\n\n", big},
	}
	var want strings.Builder
	want.WriteString(preamble3s)
	for i, tc := range cases {
		// Alternate the Go API and POST /publish so both paths are framed alike.
		var id string
		if i%2 == 0 {
			var err error
			if id, err = s.Publish(tc.ev); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		} else {
			body, _ := json.Marshal(tc.ev)
			code, resp := postPublish(t, ts.URL, string(body))
			var out struct {
				ID      string `json:"id"`
				Clients int    `json:"clients"`
			}
			if code != http.StatusOK || json.Unmarshal([]byte(resp), &out) != nil || out.Clients != 1 {
				t.Fatalf("%s: POST /publish = %d %q", tc.name, code, resp)
			}
			id = out.ID
		}
		if id != fmt.Sprint(i+1) {
			t.Errorf("%s: id %q, want %d", tc.name, id, i+1)
		}
		want.WriteString("id: " + id + "\n" + tc.wire)
	}
	got := string(st.waitLen(want.Len(), 10*time.Second))
	if got != want.String() {
		for i := range min(len(got), want.Len()) {
			if got[i] != want.String()[i] {
				t.Fatalf("wire differs at byte %d:\n got %.120q\nwant %.120q", i, got[i:], want.String()[i:])
			}
		}
		t.Fatalf("wire length %d, want %d", len(got), want.Len())
	}
	evs, _ := parseStream(got)
	if len(evs) != len(cases) {
		t.Fatalf("client would dispatch %d events, want %d", len(evs), len(cases))
	}
	for i, tc := range cases {
		wantType := tc.ev.Event
		if wantType == "" {
			wantType = "message"
		}
		if evs[i].Data != tc.wantData || evs[i].Type != wantType {
			t.Errorf("%s: client sees %q/%.60q, want %q/%.60q", tc.name, evs[i].Type, evs[i].Data, wantType, tc.wantData)
		}
	}
}

func TestPublishRejectsInjection(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour})
	st := openStream(t, ts.URL+"/events", nil)
	st.waitLen(len(preamble3s), 5*time.Second)
	for _, tc := range []struct {
		body, want string
	}{
		{`{"event":"a\nb","data":"x"}`, "CR or LF"},
		{`{"event":"a\rdata: injected","data":"x"}`, "CR or LF"},
		{`{"event":"a\r\n","data":"x"}`, "CR or LF"},
		{`{"id":"1\nevent: evil","data":"x"}`, "CR or LF"},
		{`{"id":"a\u0000b","data":"x"}`, "NUL"},
		{`not json`, "JSON"},
	} {
		code, body := postPublish(t, ts.URL, tc.body)
		if code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s = %d %q, want 400 mentioning %q", tc.body, code, body, tc.want)
		}
	}
	if _, err := s.Publish(Event{Data: "\xff"}); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("Publish(invalid UTF-8) = %v, want ErrInvalidEvent", err)
	}
	// Nothing rejected reached the stream: the next event is the first one.
	if _, err := s.Publish(Event{Data: "ok"}); err != nil {
		t.Fatal(err)
	}
	const next = preamble3s + "id: 1\ndata: ok\n\n"
	if got := string(st.waitLen(len(next), 5*time.Second)); got != next {
		t.Errorf("stream %q, want %q", got, next)
	}
}

func TestPublishBodyLimit(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	body := `{"data":"` + strings.Repeat("x", maxPublishBody) + `"}`
	if code, _ := postPublish(t, ts.URL, body); code != http.StatusRequestEntityTooLarge {
		t.Errorf("9 MiB body: %d, want 413", code)
	}
}

func TestAssignedIDs(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	for _, tc := range []struct{ given, want string }{
		{"", "1"}, {"", "2"}, {"10", "10"}, {"", "11"}, {"abc", "abc"}, {"3", "3"}, {"", "12"},
	} {
		id, err := s.Publish(Event{ID: tc.given, Data: "x"})
		if err != nil || id != tc.want {
			t.Errorf("Publish(id %q) = %q, %v; want %q", tc.given, id, err, tc.want)
		}
	}
}

// TestSlowSubscriberDropped: a client that stops reading fills its socket
// and then its queue; it must be dropped while Publish never waits on it
// and a client that keeps up is unaffected.
func TestSlowSubscriberDropped(t *testing.T) {
	s, ts := newTestServer(t, Options{Keepalive: time.Hour, Queue: 8, RingBytes: 1 << 20})
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("raw stream: %v %v", resp, err)
	}
	// From here on the raw client reads nothing.

	healthy := openStream(t, ts.URL+"/events", nil)
	payload := strings.Repeat("y", 64<<10)
	var slowest time.Duration
	i := 0
	for ; s.Stats().Closed == 0; i++ {
		if i == 4000 { // 256 MiB: far more than any socket buffers
			t.Fatalf("slow client never dropped: %+v", s.Stats())
		}
		start := time.Now()
		id, err := s.Publish(Event{Data: payload})
		slowest = max(slowest, time.Since(start))
		if err != nil {
			t.Fatal(err)
		}
		// Pace on the healthy client so only the stalled one falls behind.
		healthy.waitContains("id: "+id+"\n", 10*time.Second)
	}
	t.Logf("dropped after %d events of 64 KiB; slowest Publish %v", i, slowest)
	if slowest > time.Second {
		t.Errorf("slowest Publish took %v; it must not wait on clients", slowest)
	}
	if got := s.Stats(); got.Active != 1 {
		t.Errorf("after drop: %+v, want only the healthy stream active", got)
	}
	// The server closed the dropped connection: draining it reaches its end.
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.Copy(io.Discard, br); isTimeout(err) {
		t.Errorf("dropped connection still open: %v", err)
	}
	id, _ := s.Publish(Event{Data: "still here"})
	healthy.waitContains("id: "+id+"\ndata: still here\n\n", 5*time.Second)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestHTTPPublishCountsClients(t *testing.T) {
	_, ts := newTestServer(t, Options{Keepalive: time.Hour})
	for range 3 {
		openStream(t, ts.URL+"/events", nil).waitLen(len(preamble3s), 5*time.Second)
	}
	code, body := postPublish(t, ts.URL, `{"event":"e","data":"d","id":"x-1"}`)
	if code != http.StatusOK || strings.TrimSpace(body) != `{"id":"x-1","clients":3}` {
		t.Errorf("POST /publish = %d %q", code, body)
	}
}
