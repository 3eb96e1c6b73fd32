package parser

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// vector is one golden file in testdata/wpt: the body a WPT resource (or a
// spec example) serves, and what a browser dispatches from it.
type vector struct {
	Name   string            `json:"name"`
	Test   string            `json:"test"`   // the WPT test (or spec section) it comes from
	Served string            `json:"served"` // how the resource frames the message
	Body   []json.RawMessage `json:"body"`   // concatenated parts: a string, or {"repeat": s, "count": n}
	Events []struct {
		Type        string  `json:"type"`
		Data        string  `json:"data"`
		LastEventID string  `json:"lastEventId"`
		ID          *string `json:"id"` // absent: the block applied no id
	} `json:"events"`
	RetryMs     *int64  `json:"retryMs"` // absent: no valid retry applied
	LastEventID string  `json:"lastEventId"`
	Pending     bool    `json:"pending"`
	BOM         bool    `json:"bom"`
	StrayBOMs   []int64 `json:"strayBOMs"`
	Note        string  `json:"note"`
}

func (v *vector) body() ([]byte, error) {
	var sb strings.Builder
	for _, raw := range v.Body {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			sb.WriteString(s)
			continue
		}
		var rep struct {
			Repeat string `json:"repeat"`
			Count  int    `json:"count"`
		}
		if err := json.Unmarshal(raw, &rep); err != nil || rep.Count <= 0 {
			return nil, fmt.Errorf("bad body part %s", raw)
		}
		sb.WriteString(strings.Repeat(rep.Repeat, rep.Count))
	}
	return []byte(sb.String()), nil
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	files, err := filepath.Glob("../../testdata/wpt/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden vectors found: %v", err)
	}
	var vs []vector
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if v.Name+".json" != filepath.Base(f) {
			t.Fatalf("%s: name %q does not match the file", f, v.Name)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestWPTVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			body, err := v.body()
			if err != nil {
				t.Fatal(err)
			}
			r := Parse(body)
			checkConsistent(t, body, r)
			if len(r.Events) != len(v.Events) {
				t.Fatalf("%d events, want %d: %+v", len(r.Events), len(v.Events), r.Events)
			}
			for i, want := range v.Events {
				got := r.Events[i]
				if got.Type != want.Type || got.Data != want.Data || got.LastEventID != want.LastEventID || !reflect.DeepEqual(got.ID, want.ID) {
					t.Errorf("event %d = {%q %q %q %v}, want {%q %q %q %v}", i,
						got.Type, got.Data, got.LastEventID, deref(got.ID),
						want.Type, want.Data, want.LastEventID, deref(want.ID))
				}
			}
			if v.RetryMs == nil {
				if r.RetrySet {
					t.Errorf("retry set to %v, want none", r.Retry)
				}
			} else if !r.RetrySet || r.Retry != time.Duration(*v.RetryMs)*time.Millisecond {
				t.Errorf("retry = %v (set %v), want %dms", r.Retry, r.RetrySet, *v.RetryMs)
			}
			if r.LastEventID != v.LastEventID {
				t.Errorf("LastEventID = %q, want %q", r.LastEventID, v.LastEventID)
			}
			if (r.Pending != nil) != v.Pending {
				t.Errorf("Pending = %+v, want pending %v", r.Pending, v.Pending)
			}
			if r.BOM != v.BOM || !reflect.DeepEqual(r.StrayBOMs, v.StrayBOMs) {
				t.Errorf("BOM %v StrayBOMs %v, want %v %v", r.BOM, r.StrayBOMs, v.BOM, v.StrayBOMs)
			}
			if r.InvalidUTF8 != -1 || r.Err != nil || !r.Finished {
				t.Errorf("InvalidUTF8 %d Err %v Finished %v", r.InvalidUTF8, r.Err, r.Finished)
			}
		})
	}
}

// TestWPTChunking feeds every vector byte by byte and in random pieces: the
// result must not depend on where the body was cut.
func TestWPTChunking(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			body, err := v.body()
			if err != nil {
				t.Fatal(err)
			}
			whole := Parse(body)
			sameResult(t, "byte by byte", whole, feedSplit(body, everyByte(len(body)), Options{}))
			for i := 0; i < 50; i++ {
				sameResult(t, "random pieces", whole, feedSplit(body, randomCuts(rng, len(body)), Options{}))
			}
		})
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
